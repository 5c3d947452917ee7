// The baselines' static outlet allocation and the supervisor's outlet pins (plan_support.hpp).
#include <algorithm>
#include <cmath>

#include "plan_support.hpp"

namespace coldsort::scheduler {
namespace {

bool is_product_outlet(const PlanOutlet& o) { return o.kind == core::OutletKind::product && !o.bulk; }

// The product the published plan gave an outlet around `now_min`, pins aside: the unpinned
// assignment covering now, else the latest one before, else the first after; -1 for none.
int published_product(const Plan& published, const InstanceIndex& index, std::string_view outlet, int now_min) {
  const OutletAssignment* best = nullptr;
  auto rank = [&](const OutletAssignment& a) {
    if (a.window.contains(now_min)) return 0;
    return a.window.start_min <= now_min ? 1 : 2;
  };
  for (const OutletAssignment& a : published.outlets) {
    if (a.outlet != outlet || a.pinned || a.product.empty()) continue;
    if (best == nullptr || rank(a) < rank(*best) ||
        (rank(a) == rank(*best) && (rank(a) == 1 ? a.window.start_min > best->window.start_min
                                                 : a.window.start_min < best->window.start_min)))
      best = &a;
  }
  return best == nullptr ? -1 : index.product(best->product);
}

std::string share_reason(const Instance& in, const std::vector<double>& demand, std::size_t p, int held, int outlets) {
  double total = 0;
  for (double d : demand) total += d;
  const int percent = total > 0 ? static_cast<int>(std::lround(100.0 * demand[p] / total)) : 0;
  return "static: " + in.products[p].id + " needs " + std::to_string(percent) + "% of the fruit ordered -> " +
         std::to_string(held) + " of " + std::to_string(outlets) + " product outlets (largest remainder), at tables that pack its boxes";
}

// How a supervisor shares the outlets out for the day: the number each product gets is its
// share of the fruit ordered (largest remainder); the products then pick outlets in turn, the
// one with the most fruit per outlet held first, each taking the outlet whose reach adds the
// most station places that can pack its orders' box types (places already fed by other
// products count less), ties in outlet order. An outlet no table of a product can use is not
// given to it; outlets left over go where they help most.
class OutletDraft {
 public:
  OutletDraft(const Instance& in, const InstanceIndex& index, int now_min, std::vector<std::size_t> outlets)
      : in_(in), index_(index), outlets_(std::move(outlets)), fruit_(fruit_demand(in, index, now_min)),
        parcels_(in.products.size(), std::vector<double>(in.box_types.size(), 0.0)),
        reached_(in.products.size(), std::vector<char>(in.stations.size(), 0)),
        load_(in.stations.size(), 0), held_(in.products.size(), 0), chosen_(in.outlets.size(), -1) {
    for (std::size_t i = 0; i < in.orders.size(); ++i) {
      const int p = index.order_product[i], b = index.order_box[i];
      if (p >= 0 && b >= 0 && is_open(in.orders[i], now_min))
        parcels_[static_cast<std::size_t>(p)][static_cast<std::size_t>(b)] += in.orders[i].boxes;
    }
    seats_ = apportion(fruit_, static_cast<int>(outlets_.size()));
  }

  void keep(std::size_t outlet, int product) { assign(outlet, static_cast<std::size_t>(product)); }
  int chosen(std::size_t outlet) const { return chosen_[outlet]; }
  int held(std::size_t product) const { return held_[product]; }
  int seats(std::size_t product) const { return seats_[product]; }
  const std::vector<double>& fruit() const { return fruit_; }

  void run() {
    std::vector<char> done(in_.products.size(), 0);
    for (;;) {
      std::size_t p = in_.products.size();
      for (std::size_t q = 0; q < in_.products.size(); ++q)
        if (!done[q] && held_[q] < seats_[q] &&
            (p == in_.products.size() || fruit_[q] / (held_[q] + 1) > fruit_[p] / (held_[p] + 1)))
          p = q;
      if (p == in_.products.size()) break;
      const std::size_t o = best_outlet(p);
      if (o == in_.outlets.size()) done[p] = 1;
      else assign(o, p);
    }
    for (std::size_t o : outlets_) {
      if (chosen_[o] >= 0) continue;
      std::size_t best = in_.products.size();
      double best_value = 0;
      for (std::size_t p = 0; p < in_.products.size(); ++p)
        if (const double v = value(p, o); v > best_value) {
          best = p;
          best_value = v;
        }
      if (best < in_.products.size()) assign(o, best);
    }
  }

 private:
  // Station places the outlet adds for the product, weighted by the share of its parcels a
  // station can pack and divided among the products already feeding that station.
  double value(std::size_t p, std::size_t o) const {
    double total = 0, packable_sum = 0;
    for (double v : parcels_[p]) total += v;
    if (total <= 0) return 0;
    for (const std::string& id : in_.outlets[o].stations) {
      const int s = index_.station(id);
      if (s < 0 || reached_[p][static_cast<std::size_t>(s)]) continue;
      double packable = 0;
      for (std::size_t b = 0; b < parcels_[p].size(); ++b)
        if (index_.station_packs[static_cast<std::size_t>(s)][b]) packable += parcels_[p][b];
      packable_sum += in_.stations[static_cast<std::size_t>(s)].slots * (packable / total) /
                      (1.0 + load_[static_cast<std::size_t>(s)]);
    }
    return packable_sum;
  }

  std::size_t best_outlet(std::size_t p) const {
    std::size_t best = in_.outlets.size();
    double best_value = 0;
    for (std::size_t o : outlets_)
      if (const double v = chosen_[o] < 0 ? value(p, o) : 0; v > best_value) {
        best = o;
        best_value = v;
      }
    return best;
  }

  void assign(std::size_t o, std::size_t p) {
    chosen_[o] = static_cast<int>(p);
    ++held_[p];
    for (const std::string& id : in_.outlets[o].stations)
      if (const int s = index_.station(id); s >= 0 && !reached_[p][static_cast<std::size_t>(s)]) {
        reached_[p][static_cast<std::size_t>(s)] = 1;
        ++load_[static_cast<std::size_t>(s)];
      }
  }

  const Instance& in_;
  const InstanceIndex& index_;
  std::vector<std::size_t> outlets_;
  std::vector<double> fruit_;
  std::vector<std::vector<double>> parcels_;  // [product][box] open parcels
  std::vector<std::vector<char>> reached_;    // [product][station]
  std::vector<int> load_;                     // products feeding each station
  std::vector<int> held_;
  std::vector<int> seats_;
  std::vector<int> chosen_;  // per outlet: product or -1
};

// The allocation as assignments: the published plan's before `now_min` as history, then each
// outlet's product to the end of the day (one window when the product carries on).
std::vector<OutletAssignment> allocation_windows(const Instance& in, const InstanceIndex& index, int now_min,
                                                 const Plan* published, const OutletDraft& draft,
                                                 const std::vector<std::size_t>& product_outlets) {
  std::vector<OutletAssignment> out;
  if (published != nullptr)
    for (const OutletAssignment& a : published->outlets)
      if (a.window.start_min < now_min && index.outlet(a.outlet) >= 0) {
        OutletAssignment h = a;
        h.window.end_min = std::min(h.window.end_min, now_min);
        out.push_back(std::move(h));
      }
  for (std::size_t o : product_outlets) {
    if (draft.chosen(o) < 0 || now_min >= in.horizon_min) continue;
    const auto p = static_cast<std::size_t>(draft.chosen(o));
    auto last = std::find_if(out.rbegin(), out.rend(), [&](const OutletAssignment& a) { return a.outlet == in.outlets[o].id; });
    if (last != out.rend() && !last->pinned && last->product == in.products[p].id && last->window.end_min == now_min) {
      last->window.end_min = in.horizon_min;
      continue;
    }
    out.push_back({in.outlets[o].id, in.products[p].id, {now_min, in.horizon_min},
                   share_reason(in, draft.fruit(), p, draft.held(p), static_cast<int>(product_outlets.size())), false});
  }
  return out;
}

}  // namespace

std::vector<OutletAssignment> static_outlet_allocation(const Instance& in, const InstanceIndex& index, int now_min,
                                                       const Plan* published) {
  std::vector<std::size_t> product_outlets;
  for (std::size_t o = 0; o < in.outlets.size(); ++o)
    if (is_product_outlet(in.outlets[o])) product_outlets.push_back(o);
  OutletDraft draft(in, index, now_min, product_outlets);
  const std::vector<double>& demand = draft.fruit();
  if (published != nullptr) {
    std::vector<int> current(in.outlets.size(), -1);
    std::vector<char> has_outlet(in.products.size(), 0);
    for (std::size_t o : product_outlets) {
      current[o] = published_product(*published, index, in.outlets[o].id, now_min);
      if (current[o] >= 0) has_outlet[static_cast<std::size_t>(current[o])] = 1;
    }
    bool complete = true;
    for (std::size_t p = 0; p < in.products.size(); ++p) complete = complete && (demand[p] <= 0 || has_outlet[p]);
    for (std::size_t o : product_outlets) {
      const int p = current[o];
      // Fixed for the day while every product with demand has an outlet; else re-shared,
      // keeping each outlet that its product still has a seat for.
      if (p < 0 || (!complete && draft.held(static_cast<std::size_t>(p)) >= draft.seats(static_cast<std::size_t>(p))))
        continue;
      draft.keep(o, p);
    }
    if (!complete) draft.run();
  } else {
    draft.run();
  }

  return allocation_windows(in, index, now_min, published, draft, product_outlets);
}

void apply_outlet_pins(const Instance& in, const InstanceIndex& index, int now_min,
                       std::vector<OutletAssignment>& outlets, std::vector<Infeasibility>& infeasible) {
  std::vector<const Pin*> applied;
  for (const Pin& pin : in.pins) {
    if (pin.kind != Pin::Kind::outlet_product) continue;
    const Window win{std::max(pin.window.start_min, now_min), std::min(pin.window.end_min, in.horizon_min)};
    if (win.start_min >= win.end_min) continue;
    const std::string subject = "pin outlet " + pin.subject + " to " + pin.target;
    const PlanOutlet* outlet = in.find_outlet(pin.subject);
    if (outlet == nullptr || !is_product_outlet(*outlet) || in.find_product(pin.target) == nullptr) {
      infeasible.push_back({subject, "not a product outlet and a known product"});
      continue;
    }
    const bool clash = std::any_of(applied.begin(), applied.end(), [&](const Pin* p) {
      return p->subject == pin.subject && p->window.start_min < win.end_min && win.start_min < p->window.end_min;
    });
    if (clash) {
      infeasible.push_back({subject, "clashes with an earlier pin on the same outlet"});
      continue;
    }
    applied.push_back(&pin);
    std::vector<OutletAssignment> next;
    for (OutletAssignment& a : outlets) {
      if (a.outlet != pin.subject || a.window.end_min <= win.start_min || a.window.start_min >= win.end_min) {
        next.push_back(std::move(a));
        continue;
      }
      // The pin cuts the assignment; what lies outside its window stays.
      if (a.window.start_min < win.start_min) next.push_back({a.outlet, a.product, {a.window.start_min, win.start_min}, a.reason, a.pinned});
      if (a.window.end_min > win.end_min) next.push_back({a.outlet, a.product, {win.end_min, a.window.end_min}, a.reason, a.pinned});
    }
    next.push_back({pin.subject, pin.target, win, "pinned by the supervisor", true});
    outlets = std::move(next);
  }
  std::stable_sort(outlets.begin(), outlets.end(), [&](const OutletAssignment& a, const OutletAssignment& b) {
    const int oa = index.outlet(a.outlet), ob = index.outlet(b.outlet);
    return oa != ob ? oa < ob : a.window.start_min < b.window.start_min;
  });
}

}  // namespace coldsort::scheduler
