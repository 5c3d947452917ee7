// "edd": greedy earliest-due-date. The same static outlets as fifo; staffing greedy period by
// period: workers whose station still has work due stay (no needless moves); then the open
// demand is walked in cut-off order and each bucket (box type, product, cut-off) gets the
// fastest free worker for its box type at the first free station slot that can pack it and
// is reached by the product, until its parcels are covered, first within the fruit the
// period brings, then regardless; stations pack orders by earliest cut-off.
#include <algorithm>
#include <map>
#include <tuple>

#include "planners.hpp"

namespace coldsort::scheduler {
namespace {

constexpr double kEps = 1e-9;

struct Demand {
  int cutoff_min;
  int box;
  int product;
  double parcels = 0;  // open parcels not yet covered by planned staffing
};

class EddStaffing {
 public:
  explicit EddStaffing(StaffingContext& ctx);
  void run();

 private:
  void plan_period(const Window& window);
  void place_pinned(const Window& window);
  void keep_in_place(const Window& window);
  void walk(const Window& window, bool within_fruit);
  void place(int w, int s, int slot, const Window& window, const std::string& reason, bool within_fruit);
  void consume(int w, int s, const Window& window, bool within_fruit);
  const Demand* due_work(int w, int s, int minute) const;
  int fastest_free(int box, const Window& window) const;
  Window span_of(int w, const Window& window) const;
  std::string bucket_text(const Demand& d) const;

  StaffingContext& ctx_;
  const Instance& in_;
  std::vector<Demand> demand_;         // by cut-off, box, product
  struct Arrival {
    int minute;
    int demand;  // index into demand_
    int boxes;
  };
  std::vector<Arrival> arrivals_;  // open orders by arrival
  std::size_t arrived_ = 0;
  std::vector<double> fruit_;  // fruit each product brings in the current period
  std::vector<char> placed_;   // worker placed in the current period
};

EddStaffing::EddStaffing(StaffingContext& ctx) : ctx_(ctx), in_(ctx.instance) {
  std::map<std::tuple<int, int, int>, int> ids;  // (cut-off, box, product) -> demand index
  for (std::size_t i = 0; i < in_.orders.size(); ++i) {
    const int b = ctx.index.order_box[i], p = ctx.index.order_product[i];
    if (b >= 0 && p >= 0 && is_open(in_.orders[i], ctx.request.now_min))
      ids.emplace(std::make_tuple(in_.orders[i].cutoff_min, b, p), 0);
  }
  for (auto& [key, id] : ids) {
    id = static_cast<int>(demand_.size());
    demand_.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key)});
  }
  for (std::size_t i = 0; i < in_.orders.size(); ++i) {
    const int b = ctx.index.order_box[i], p = ctx.index.order_product[i];
    if (b >= 0 && p >= 0 && is_open(in_.orders[i], ctx.request.now_min))
      arrivals_.push_back({in_.orders[i].arrival_min, ids.at(std::make_tuple(in_.orders[i].cutoff_min, b, p)),
                           in_.orders[i].boxes});
  }
  std::stable_sort(arrivals_.begin(), arrivals_.end(),
                   [](const Arrival& a, const Arrival& b) { return a.minute < b.minute; });
}

void EddStaffing::run() {
  const int period = std::max(1, in_.period_min);
  for (int start = ctx_.staff_from_min; start < in_.horizon_min;) {
    const int end = std::min(in_.horizon_min, (start / period + 1) * period);
    plan_period({start, end});
    start = end;
  }
}

// The worker's part of the period: when they can be staffed.
Window EddStaffing::span_of(int w, const Window& window) const {
  const Window avail = staffable_window(in_.workers[static_cast<std::size_t>(w)], window.start_min, in_.horizon_min);
  return {std::max(window.start_min, avail.start_min), std::min(window.end_min, avail.end_min)};
}

void EddStaffing::plan_period(const Window& window) {
  // Orders known by the end of the period join the demand.
  for (; arrived_ < arrivals_.size() && arrivals_[arrived_].minute < window.end_min; ++arrived_)
    demand_[static_cast<std::size_t>(arrivals_[arrived_].demand)].parcels += arrivals_[arrived_].boxes;
  fruit_.assign(in_.products.size(), 0.0);
  const auto at = static_cast<std::size_t>(window.start_min / std::max(1, in_.period_min));
  for (const ProductFlow& f : in_.planning_flow())
    if (const int p = ctx_.index.product(f.product); p >= 0 && at < f.fruit_per_s.size() && ctx_.reach.carried(p, window.start_min))
      fruit_[static_cast<std::size_t>(p)] = f.fruit_per_s[at] * 60.0 * window.length_min();
  placed_.assign(in_.workers.size(), 0);
  place_pinned(window);
  keep_in_place(window);
  walk(window, true);
  walk(window, false);
}

// A worker pinned for part of the period stays at the pinned station for the rest of it.
void EddStaffing::place_pinned(const Window& window) {
  for (std::size_t w = 0; w < in_.workers.size(); ++w) {
    const auto& list = ctx_.board.placements(static_cast<int>(w));
    auto it = std::find_if(list.begin(), list.end(), [&](const StaffBoard::Placement& p) {
      return p.window.start_min < window.end_min && window.start_min < p.window.end_min;
    });
    if (it == list.end()) continue;
    const StaffBoard::Placement pin = *it;
    placed_[w] = 1;
    const Window span = span_of(static_cast<int>(w), window);
    if (span.start_min < span.end_min)
      ctx_.board.add_free_parts(static_cast<int>(w), pin.station, pin.slot, span,
                                "EDD: stays at " + in_.stations[static_cast<std::size_t>(pin.station)].id + ", pinned there",
                                false);
    consume(static_cast<int>(w), pin.station, window, true);
  }
}

void EddStaffing::keep_in_place(const Window& window) {
  for (std::size_t w = 0; w < in_.workers.size(); ++w) {
    const int worker = static_cast<int>(w);
    const Window span = span_of(worker, window);
    if (placed_[w] || span.start_min >= span.end_min) continue;
    const auto last = ctx_.board.last_before(worker, window.start_min);
    if (!last || minutes_up(in_.stations[static_cast<std::size_t>(last->station)], span) == 0) continue;
    const Demand* due = due_work(worker, last->station, window.start_min);
    const int slot = ctx_.board.free_slot(last->station, span, last->slot);
    if (due == nullptr || slot < 0) continue;
    place(worker, last->station, slot, span,
          "EDD: stays at " + in_.stations[static_cast<std::size_t>(last->station)].id + ", " + bucket_text(*due) +
              " still due there",
          true);
  }
}

void EddStaffing::walk(const Window& window, bool within_fruit) {
  for (const Demand& d : demand_) {
    const auto product = static_cast<std::size_t>(d.product);
    const double fruit_per_box = ctx_.index.fruit_per_box[static_cast<std::size_t>(d.box)];
    while (d.parcels > kEps && (!within_fruit || fruit_[product] >= fruit_per_box)) {
      const int w = fastest_free(d.box, window);
      if (w < 0) break;
      const Window span = span_of(w, window);
      int station = -1, slot = -1;
      for (std::size_t s = 0; s < in_.stations.size() && station < 0; ++s) {
        if (!ctx_.index.station_packs[s][static_cast<std::size_t>(d.box)] ||
            !ctx_.reach.reaches(static_cast<int>(s), d.product, window.start_min) ||
            minutes_up(in_.stations[s], span) == 0)
          continue;
        if ((slot = ctx_.board.free_slot(static_cast<int>(s), span)) >= 0) station = static_cast<int>(s);
      }
      if (station < 0) break;
      const double rate = ctx_.index.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(d.box)];
      place(w, station, slot, span,
            std::string(within_fruit ? "EDD: " : "EDD: more hands for ") + bucket_text(d) + ", fastest free (" +
                std::to_string(static_cast<int>(rate + 0.5)) + "/h)",
            within_fruit);
    }
  }
}

void EddStaffing::place(int w, int s, int slot, const Window& window, const std::string& reason, bool within_fruit) {
  ctx_.board.add(w, s, slot, window, reason, false);
  placed_[static_cast<std::size_t>(w)] = 1;
  consume(w, s, window, within_fruit);
}

// What the worker at the station covers this period, earliest cut-off first.
void EddStaffing::consume(int w, int s, const Window& window, bool within_fruit) {
  const PlanWorker& worker = in_.workers[static_cast<std::size_t>(w)];
  const Window span = span_of(w, window);
  if (span.start_min >= span.end_min) return;
  double minutes = std::min(minutes_off_break(worker, span), minutes_up(in_.stations[static_cast<std::size_t>(s)], span));
  for (Demand& d : demand_) {
    if (minutes <= kEps) break;
    const double rate = ctx_.index.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(d.box)];
    if (d.parcels <= kEps || rate <= 0 || !ctx_.index.station_packs[static_cast<std::size_t>(s)][static_cast<std::size_t>(d.box)] ||
        !ctx_.reach.reaches(s, d.product, window.start_min))
      continue;
    const double fruit_per_box = ctx_.index.fruit_per_box[static_cast<std::size_t>(d.box)];
    double& fruit = fruit_[static_cast<std::size_t>(d.product)];
    double parcels = std::min(d.parcels, minutes * rate / 60.0);
    if (within_fruit) parcels = std::min(parcels, fruit / fruit_per_box);
    d.parcels -= parcels;
    fruit = std::max(0.0, fruit - parcels * fruit_per_box);
    minutes -= parcels * 60.0 / rate;
  }
}

const Demand* EddStaffing::due_work(int w, int s, int minute) const {
  for (const Demand& d : demand_)
    if (d.parcels > kEps && ctx_.index.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(d.box)] > 0 &&
        ctx_.index.station_packs[static_cast<std::size_t>(s)][static_cast<std::size_t>(d.box)] &&
        ctx_.reach.reaches(s, d.product, minute))
      return &d;
  return nullptr;
}

int EddStaffing::fastest_free(int box, const Window& window) const {
  int best = -1;
  double best_rate = 0;
  for (std::size_t w = 0; w < in_.workers.size(); ++w) {
    const double rate = ctx_.index.rate[w][static_cast<std::size_t>(box)];
    if (placed_[w] || rate <= best_rate) continue;
    const Window span = span_of(static_cast<int>(w), window);
    if (span.start_min >= span.end_min || minutes_off_break(in_.workers[w], span) == 0 ||
        !ctx_.board.worker_free(static_cast<int>(w), span))
      continue;
    best = static_cast<int>(w);
    best_rate = rate;
  }
  return best;
}

std::string EddStaffing::bucket_text(const Demand& d) const {
  return in_.box_types[static_cast<std::size_t>(d.box)].id + " of " + in_.products[static_cast<std::size_t>(d.product)].id +
         " due " + clock_text(in_, d.cutoff_min);
}

class EddPlanner final : public BaselinePlanner {
 public:
  std::string_view name() const override { return "edd"; }

 protected:
  DispatchRule rule() const override { return DispatchRule::due_date; }
  void staff(StaffingContext& ctx) override { EddStaffing(ctx).run(); }
};

}  // namespace

std::unique_ptr<Planner> make_edd_planner() { return std::make_unique<EddPlanner>(); }

}  // namespace coldsort::scheduler
