// Outlet allocation per block: an assignment by min-cost flow, then rounded against the real
// reach of each outlet by local moves (planner_flow_outlets.hpp).
#include "planner_flow_outlets.hpp"

#include <algorithm>
#include <cmath>

#include "planner_flow_mcf.hpp"

namespace coldsort::scheduler::flow {
namespace {

// A product with open demand and fruit coming wants an outlet even when no labour is left for
// it this block: its fruit only reaches the floor while an outlet carries it, and fruit lost
// now is lost for the day (the cold limit). Its first outlet is worth about a required packer.
constexpr double kPresenceUnits = 0.5;
constexpr double kPresenceValue = 1000;

using Boxes = std::vector<double>;  // per box type

struct ProductNeed {
  double units = 0;   // packers it should get
  double value = 0;   // points per unit and period, averaged over its tiers
  bool open = false;  // open demand it has fruit for
  Boxes box_units;    // the packers by box type
};

std::vector<ProductNeed> product_needs(const Model& m, const std::vector<SkuNeed>& needs, double workers) {
  const std::vector<double> granted = grant_units(needs, workers);
  const std::size_t boxes = m.instance().box_types.size();
  std::vector<ProductNeed> out(m.instance().products.size());
  for (auto& n : out) n.box_units.assign(boxes, 0.0);
  std::vector<double> value_sum(out.size(), 0.0);
  std::vector<Boxes> open(out.size(), Boxes(boxes, 0.0));
  for (std::size_t q = 0; q < m.skus.size(); ++q) {
    const auto p = static_cast<std::size_t>(m.skus[q].product);
    const auto b = static_cast<std::size_t>(m.skus[q].box);
    const SkuNeed& n = needs[q];
    open[p][b] += n.required.units + n.ahead.units + n.late.units;
    out[p].open = out[p].open || n.required.units + n.ahead.units > 1e-6;
    // Value of the granted units, tier by tier in the order grant_units filled them.
    double left = granted[q], value = 0;
    for (const Tier* t : {&n.required, &n.ahead, &n.late}) {
      const double u = std::min(left, t->units);
      value += u * static_cast<double>(t->value);
      left -= u;
    }
    out[p].units += granted[q];
    out[p].box_units[b] += granted[q];
    value_sum[p] += value;
  }
  for (std::size_t p = 0; p < out.size(); ++p) {
    if (out[p].units > 1e-9) {
      out[p].value = value_sum[p] / out[p].units;
      continue;
    }
    double all = 0;
    for (double u : open[p]) all += u;
    if (all <= 0) continue;
    for (std::size_t b = 0; b < boxes; ++b) out[p].box_units[b] = open[p][b] / all * std::min(all, kPresenceUnits);
    out[p].units = std::min(all, kPresenceUnits);
    out[p].value = kPresenceValue / 10;
  }
  return out;
}

// The station slots outlet `o` gives each box type: each reached station's slots, shared among
// the outlets that reach it, counted for every box type the station packs.
Boxes room_for(const Model& m, int o, int period) {
  Boxes room(m.instance().box_types.size(), 0.0);
  const double length = std::max(1, m.period_end(period) - m.period_start(period));
  for (int s : m.outlet_reach[static_cast<std::size_t>(o)]) {
    const auto si = static_cast<std::size_t>(s);
    const auto& outlets = m.station_outlets[si];
    if (outlets.empty()) continue;
    const double up = m.up_min[si][static_cast<std::size_t>(period)] / length;
    const double slots = m.instance().stations[si].slots * up / static_cast<double>(outlets.size());
    for (std::size_t b = 0; b < room.size(); ++b)
      if (m.station_box[si][b]) room[b] += slots;
  }
  return room;
}

// The block's allocation problem over the free outlets. A product's coverage is worth its
// packers' value per box type up to its need there (concave), plus its presence (a first
// outlet) when it has open demand and fruit; changing an outlet's product costs.
class Allocation {
 public:
  Allocation(const Model& m, const OutletInputs& in, std::vector<ProductNeed> need, OutletDecision& d)
      : m_(m), in_(in), need_(std::move(need)), d_(d), periods_(std::max(1, in.block_periods)) {
    const int period = std::clamp(in.first_period, 0, std::max(0, m.periods - 1));
    const std::size_t boxes = m.instance().box_types.size();
    cover_.assign(need_.size(), Boxes(boxes, 0.0));
    for (int o : m.product_outlets) {
      const int fixed = in.fixed[static_cast<std::size_t>(o)];
      if (fixed == kNone) {
        free_.push_back(o);
        room_.push_back(room_for(m, o, period));
        continue;
      }
      d.product[static_cast<std::size_t>(o)] = fixed;
      const Boxes r = room_for(m, o, period);
      for (std::size_t b = 0; b < boxes; ++b) cover_[static_cast<std::size_t>(fixed)][b] += r[b];
    }
    choice_.assign(free_.size(), kNone);
  }

  // A re-plan starts from the published allocation and moves away from it only where that
  // clearly pays (every move costs a change); a fresh plan starts from the flow's assignment.
  void solve() {
    if (free_.empty()) return;
    if (in_.published.empty()) {
      initial_by_flow();
    } else {
      for (std::size_t i = 0; i < free_.size(); ++i)
        if (const int p = in_.published[static_cast<std::size_t>(free_[i])]; p != kNone) move(i, p);
    }
    // An outlet nobody needs keeps its product: changing costs, and its stations keep work
    // to stand by for.
    for (std::size_t i = 0; i < free_.size(); ++i)
      if (choice_[i] == kNone && in_.previous[static_cast<std::size_t>(free_[i])] != kNone)
        move(i, in_.previous[static_cast<std::size_t>(free_[i])]);
    refine();
    for (std::size_t i = 0; i < free_.size(); ++i) d_.product[static_cast<std::size_t>(free_[i])] = choice_[i];
  }

 private:
  long change(std::size_t i, int p) const {
    const auto o = static_cast<std::size_t>(free_[i]);
    const bool on_track = !in_.published.empty() && in_.published[o] == p;
    long c = 0;
    if (in_.previous[o] != kNone && in_.previous[o] != p && !on_track) c += in_.change_cost;
    if (!in_.published.empty() && !on_track) c += in_.change_cost;
    return c;
  }
  // The block's worth of product p with `cover` (+ `sign` x the room of free outlet i).
  double worth(int p, std::size_t i, double sign) const {
    if (p == kNone) return 0;
    const ProductNeed& n = need_[static_cast<std::size_t>(p)];
    const Boxes& cover = cover_[static_cast<std::size_t>(p)];
    double units = 0;
    for (std::size_t b = 0; b < cover.size(); ++b)
      units += std::min(n.box_units[b], std::max(0.0, cover[b] + (i < free_.size() ? sign * room_[i][b] : 0.0)));
    double v = n.value * units;
    if (n.open && units > 1e-9) v += kPresenceValue;
    return v * periods_;
  }
  // The block's worth of product p with all its need covered.
  double worth_full(int p) const {
    const ProductNeed& n = need_[static_cast<std::size_t>(p)];
    return (n.value * n.units + (n.open ? kPresenceValue : 0.0)) * periods_;
  }
  // Packers' worth of room free outlet i gives product p on its own.
  double useful_room(int p, std::size_t i) const {
    double units = 0;
    for (std::size_t b = 0; b < room_[i].size(); ++b)
      units += std::min(need_[static_cast<std::size_t>(p)].box_units[b], room_[i][b]);
    return units;
  }
  double gain(std::size_t i, int p) const;  // of moving free outlet i to product p
  void move(std::size_t i, int p);
  void initial_by_flow();
  void refine();

  const Model& m_;
  const OutletInputs& in_;
  std::vector<ProductNeed> need_;
  OutletDecision& d_;
  double periods_;
  std::vector<int> free_;     // free product outlets
  std::vector<Boxes> room_;   // per free outlet
  std::vector<Boxes> cover_;  // per product: room of the outlets carrying it
  std::vector<int> choice_;   // per free outlet
};

double Allocation::gain(std::size_t i, int p) const {
  const int c = choice_[i];
  if (p == c || (p != kNone && useful_room(p, i) <= 1e-9)) return -1e18;
  const double keep = worth(c, free_.size(), 0) - worth(c, i, -1);
  const double add = worth(p, i, +1) - worth(p, free_.size(), 0);
  return add - keep - static_cast<double>(change(i, p) - change(i, c));
}

void Allocation::move(std::size_t i, int p) {
  const int c = choice_[i];
  for (std::size_t b = 0; b < room_[i].size(); ++b) {
    if (c != kNone) cover_[static_cast<std::size_t>(c)][b] -= room_[i][b];
    if (p != kNone) cover_[static_cast<std::size_t>(p)][b] += room_[i][b];
  }
  choice_[i] = p;
}

// The assignment by min-cost flow: each product's k-th outlet worth the part of its need an
// average outlet covers (parallel arcs of rising cost), less what the outlet's own room falls
// short of the best; idle outlets through a node of zero value.
void Allocation::initial_by_flow() {
  double top_value = kPresenceValue;
  for (const ProductNeed& n : need_) top_value = std::max(top_value, n.value);
  MinCostFlow mcf;
  const int source = mcf.add_node(), sink = mcf.add_node(), idle = mcf.add_node();
  std::vector<int> outlet_node;
  for (std::size_t i = 0; i < free_.size(); ++i) {
    outlet_node.push_back(mcf.add_node());
    mcf.add_arc(outlet_node.back(), sink, 1, 0);
  }
  const double max_room = 16;  // more slots than one outlet reaches
  const long ceiling = std::lround(top_value * max_room * periods_) + 1;
  mcf.add_arc(source, idle, static_cast<long>(free_.size()), ceiling);
  for (std::size_t i = 0; i < free_.size(); ++i) mcf.add_arc(idle, outlet_node[i], 1, change(i, kNone));
  std::vector<std::vector<std::pair<int, std::size_t>>> arcs(need_.size());  // (arc, free index)
  for (std::size_t p = 0; p < need_.size(); ++p) {
    const ProductNeed& n = need_[p];
    double best = 0, sum = 0, covered = 0;
    int usable = 0;
    std::vector<double> useful(free_.size());
    for (std::size_t i = 0; i < free_.size(); ++i) {
      useful[i] = useful_room(static_cast<int>(p), i);
      best = std::max(best, useful[i]), sum += useful[i], usable += useful[i] > 1e-9;
    }
    for (std::size_t b = 0; b < n.box_units.size(); ++b) covered += std::min(n.box_units[b], cover_[p][b]);
    if (n.units <= 1e-9 || usable == 0) continue;
    const double mean = sum / usable, left = std::max(0.0, n.units - covered);
    const int node = mcf.add_node();
    for (int k = 0; k < usable; ++k) {
      const double part = std::clamp(left - k * mean, 0.0, mean);
      double value = n.value * part * periods_;
      if (k == 0 && n.open && covered <= 1e-9) value = std::max(value, kPresenceValue * periods_);
      if (value <= 0.5) break;
      mcf.add_arc(source, node, 1, ceiling - std::min(ceiling, std::lround(value)));
    }
    for (std::size_t i = 0; i < free_.size(); ++i) {
      if (useful[i] <= 1e-9) continue;
      const double shortfall = n.value * std::min(best - useful[i], mean) * periods_;
      arcs[p].emplace_back(mcf.add_arc(node, outlet_node[i], 1, std::lround(shortfall) + change(i, static_cast<int>(p))), i);
    }
  }
  mcf.solve(source, sink);
  for (std::size_t p = 0; p < need_.size(); ++p)
    for (const auto& [arc, i] : arcs[p])
      if (mcf.flow(arc) > 0) move(i, static_cast<int>(p));
}

// Rounding the flow's averages against the real rooms: move an outlet to the product that
// raises the block's value most (coverage, presence, changes), or — when that strips its
// product — move it and hand its product another outlet (an ejection chain of two), until
// nothing improves.
void Allocation::refine() {
  constexpr int kSweeps = 8;
  constexpr double kMinGain = 1.0;  // a point of slack against round-off ping-pong
  const auto products = static_cast<int>(need_.size());
  for (int sweep = 0; sweep < kSweeps; ++sweep) {
    bool moved = false;
    for (std::size_t i = 0; i < free_.size(); ++i) {
      const int c = choice_[i];
      int best = c;
      std::size_t best_j = free_.size();
      double best_gain = kMinGain;
      // Another outlet can give c back at most all it could use, plus a change saved.
      const double refill = c == kNone ? 0.0 : worth_full(c) - worth(c, i, -1) + 2.0 * static_cast<double>(in_.change_cost);
      for (int p = kNone; p < products; ++p) {
        const double g = gain(i, p);
        if (g <= -1e17) continue;
        if (g > best_gain) best_gain = g, best = p, best_j = free_.size();
        if (c == kNone || g + refill <= best_gain) continue;
        move(i, p);
        for (std::size_t j = 0; j < free_.size(); ++j) {
          if (j == i || choice_[j] == c) continue;
          const double g2 = g + gain(j, c);
          if (g2 > best_gain) best_gain = g2, best = p, best_j = j;
        }
        move(i, c);
      }
      if (best == c) continue;
      move(i, best);
      if (best_j < free_.size()) move(best_j, c);
      moved = true;
    }
    if (!moved) break;
  }
}

}  // namespace

std::vector<double> grant_units(const std::vector<SkuNeed>& needs, double workers) {
  struct Slice {
    long value;
    std::size_t sku;
    double units;
  };
  std::vector<Slice> slices;
  for (std::size_t q = 0; q < needs.size(); ++q)
    for (const Tier* t : {&needs[q].required, &needs[q].ahead, &needs[q].late})
      if (t->units > 1e-9) slices.push_back({t->value, q, t->units});
  std::stable_sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) { return a.value > b.value; });
  std::vector<double> granted(needs.size(), 0.0);
  for (const Slice& s : slices) {
    const double u = std::min(s.units, workers);
    granted[s.sku] += u;
    workers -= u;
    if (workers <= 1e-9) break;
  }
  return granted;
}

OutletDecision allocate_outlets(const Model& m, const std::vector<SkuNeed>& needs, const OutletInputs& in) {
  OutletDecision d;
  d.product.assign(m.instance().outlets.size(), kNone);
  std::vector<ProductNeed> need = product_needs(m, needs, in.workers);
  d.need.reserve(need.size());
  for (const ProductNeed& n : need) d.need.push_back(n.units);
  Allocation(m, in, std::move(need), d).solve();
  return d;
}

}  // namespace coldsort::scheduler::flow
