// Staffing one period by min-cost flow (planner_flow_staffing.hpp).
#include "planner_flow_staffing.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "planner_flow_mcf.hpp"

namespace coldsort::scheduler::flow {
namespace {

// Points a slower packer costs against the best packer of the box type, in proportion (and one
// there for part of the period): a tie-break below the least valuable tiers (late 100,
// standby 95), so that nobody stays idle for being slow while there is work.
constexpr long kRateWorth = 90;

long best_value(const SkuNeed& n) {
  for (const Tier* t : n.tiers())
    if (t->units > 1e-6) return t->value;
  return 0;
}

void consume(SkuNeed& n, double units) {
  for (Tier* t : n.tiers()) {
    const double u = std::min(units, t->units);
    t->units -= u;
    units -= u;
  }
}

class PeriodStaffing {
 public:
  PeriodStaffing(const Model& m, const StaffInputs& in)
      : m_(m), in_(in), p_(static_cast<std::size_t>(in.period)), left_(in.needs) {
    start_ = m.period_start(in.period);
    length_ = std::max(1, m.period_end(in.period) - start_);
    const Instance& inst = m.instance();
    out_.assign(inst.workers.size(), {});
    free_slots_.resize(inst.stations.size());
    for (std::size_t s = 0; s < inst.stations.size(); ++s) free_slots_[s] = inst.stations[s].slots;
    max_rate_.assign(inst.box_types.size(), 0.0);
    double load = 0;
    int counted = 0;
    for (std::size_t w = 0; w < inst.workers.size(); ++w) {
      if (!usable_worker(static_cast<int>(w))) continue;
      for (std::size_t b = 0; b < max_rate_.size(); ++b) max_rate_[b] = std::max(max_rate_[b], m.rate[w][b]);
      if (!in.load_min.empty()) load += in.load_min[w], ++counted;
    }
    mean_load_ = counted > 0 ? load / counted : 0;
  }

  std::vector<StaffChoice> run() {
    std::vector<int> open;
    for (std::size_t w = 0; w < out_.size(); ++w) {
      const int fixed = in_.fixed.empty() ? kNone : in_.fixed[w];
      if (fixed != kNone) place(static_cast<int>(w), fixed, true);
      else if (usable_worker(static_cast<int>(w))) open.push_back(static_cast<int>(w));
    }
    if (in_.restricted) open = lock_incumbents(open);
    if (!open.empty()) solve(open);
    return std::move(out_);
  }

 private:
  bool usable_worker(int w) const { return m_.avail_min[static_cast<std::size_t>(w)][p_] * 3 >= length_; }
  bool usable_station(int s) const {
    return free_slots_[static_cast<std::size_t>(s)] > 0 && m_.up_min[static_cast<std::size_t>(s)][p_] * 2 >= length_;
  }
  double units_of(int w, int box) const {
    const double mean = m_.mean_rate[static_cast<std::size_t>(box)];
    if (mean <= 0) return 0;
    return m_.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(box)] / mean *
           m_.avail_min[static_cast<std::size_t>(w)][p_] / length_;
  }
  // Where the worker stands unless something better comes up: the published plan's place
  // (idle too) in a re-plan, else the place in the period before.
  int incumbent(int w) const {
    const auto wi = static_cast<std::size_t>(w);
    if (!in_.published.empty()) return in_.published[wi];
    return in_.previous.empty() ? kNone : in_.previous[wi];
  }
  // A move the published plan already has is no change; one it does not have costs, and so
  // does leaving the published track.
  long change_cost(int w, int s) const {
    const auto wi = static_cast<std::size_t>(w);
    const bool published = !in_.published.empty();
    const bool on_track = published && in_.published[wi] == s;
    long c = 0;
    if (!in_.previous.empty() && in_.previous[wi] != kNone && in_.previous[wi] != s && !on_track) c += in_.change_cost;
    if (published && !on_track && (in_.published[wi] != kNone || s != kNone)) c += in_.change_cost;
    return c;
  }
  long arc_cost(int w, int s, int box) const {
    const auto wi = static_cast<std::size_t>(w);
    const double best = max_rate_[static_cast<std::size_t>(box)];
    const double rate = m_.rate[wi][static_cast<std::size_t>(box)];
    const double present = static_cast<double>(m_.avail_min[wi][p_]) / length_;
    double c = kRateWorth * (1.0 - (best > 0 ? rate / best : 0.0) * present);
    if (!in_.load_min.empty()) c += in_.fairness_cost * std::max(0.0, in_.load_min[wi] - mean_load_) / length_;
    return std::lround(c) + change_cost(w, s);
  }
  // The most valuable SKU the worker can pack at the station, kNone when there is none.
  int best_sku(int w, int s) const {
    int best = kNone;
    long value = 0;
    for (int q : in_.reachable[static_cast<std::size_t>(s)]) {
      const Sku& sku = m_.skus[static_cast<std::size_t>(q)];
      if (m_.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(sku.box)] <= 0) continue;
      const long v = best_value(left_[static_cast<std::size_t>(q)]);
      if (v > value) value = v, best = q;
    }
    return best;
  }
  void place(int w, int s, bool kept) {
    const int q = best_sku(w, s);
    out_[static_cast<std::size_t>(w)] = {s, q, kept};
    --free_slots_[static_cast<std::size_t>(s)];
    if (q != kNone) consume(left_[static_cast<std::size_t>(q)], units_of(w, m_.skus[static_cast<std::size_t>(q)].box));
  }

  // A worker stays where the published plan (or the period before) has them while the
  // station is up, has a slot and can still pack something of theirs that reaches it; in a
  // re-plan even when the fluid picture says that work is done (the published plan knew
  // better what the floor will do than a picture re-drawn from the dispatched state).
  std::vector<int> lock_incumbents(const std::vector<int>& open) {
    std::vector<int> rest;
    const bool replan = !in_.published.empty();
    for (int w : open) {
      const int s = incumbent(w);
      if (s != kNone && usable_station(s) && (best_sku(w, s) != kNone || (replan && can_pack_at(w, s))))
        place(w, s, true);
      else
        rest.push_back(w);
    }
    return rest;
  }
  bool can_pack_at(int w, int s) const {
    for (int q : in_.reachable[static_cast<std::size_t>(s)])
      if (m_.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(m_.skus[static_cast<std::size_t>(q)].box)] > 0) return true;
    return false;
  }

  struct Candidate {
    long score;
    int station;
    int box;
  };
  std::vector<Candidate> candidates(int w) const;
  void solve(const std::vector<int>& open);

  const Model& m_;
  const StaffInputs& in_;
  std::size_t p_;
  int start_ = 0, length_ = 1;
  std::vector<SkuNeed> left_;
  std::vector<int> free_slots_;
  std::vector<StaffChoice> out_;
  std::vector<double> max_rate_;
  double mean_load_ = 0;
};

std::vector<PeriodStaffing::Candidate> PeriodStaffing::candidates(int w) const {
  std::vector<Candidate> found;
  const auto wi = static_cast<std::size_t>(w);
  const int home = incumbent(w);
  for (std::size_t s = 0; s < m_.station_box.size(); ++s) {
    const int si = static_cast<int>(s);
    if (!usable_station(si)) continue;
    for (std::size_t b = 0; b < m_.station_box[s].size(); ++b) {
      if (!m_.station_box[s][b] || m_.rate[wi][b] <= 0) continue;
      long value = 0;
      for (int q : in_.reachable[s])
        if (m_.skus[static_cast<std::size_t>(q)].box == static_cast<int>(b))
          value = std::max(value, best_value(left_[static_cast<std::size_t>(q)]));
      if (value <= 0) continue;
      found.push_back({value - arc_cost(w, si, static_cast<int>(b)), si, static_cast<int>(b)});
    }
  }
  // Most promising first, the worker's own place counted as if it saved a move: the order the
  // flow meets its arcs in decides between equally cheap solutions.
  std::stable_sort(found.begin(), found.end(), [&](const Candidate& a, const Candidate& b) {
    const long sa = a.score + (a.station == home ? in_.change_cost : 0);
    const long sb = b.score + (b.station == home ? in_.change_cost : 0);
    return sa > sb;
  });
  return found;
}

// One min-cost flow over the open workers that have somewhere to go. A station packing several
// box types can come out with more workers than slots (its box types are separate nodes); the
// cheapest stay and the others take their best place still free.
void PeriodStaffing::solve(const std::vector<int>& open) {
  MinCostFlow mcf;
  const int source = mcf.add_node(), sink = mcf.add_node();
  long ceiling = 1;
  for (const SkuNeed& n : left_) ceiling = std::max(ceiling, best_value(n) + 1);
  std::map<std::pair<int, int>, int> place_node;  // (station, box) -> node
  std::map<int, int> sku_node;
  auto sku_of = [&](int q) {
    auto [it, added] = sku_node.emplace(q, 0);
    if (!added) return it->second;
    it->second = mcf.add_node();
    const SkuNeed& n = left_[static_cast<std::size_t>(q)];
    for (const Tier* t : n.tiers()) {
      const long whole = static_cast<long>(std::floor(t->units + 1e-9));
      const double part = t->units - static_cast<double>(whole);
      if (whole > 0) mcf.add_arc(it->second, sink, whole, ceiling - t->value);
      if (part > 0.05) mcf.add_arc(it->second, sink, 1, ceiling - std::lround(t->value * part));
    }
    return it->second;
  };
  auto place_of = [&](int s, int b) {
    auto [it, added] = place_node.emplace(std::make_pair(s, b), 0);
    if (!added) return it->second;
    it->second = mcf.add_node();
    for (int q : in_.reachable[static_cast<std::size_t>(s)])
      if (m_.skus[static_cast<std::size_t>(q)].box == b && best_value(left_[static_cast<std::size_t>(q)]) > 0)
        mcf.add_arc(it->second, sku_of(q), free_slots_[static_cast<std::size_t>(s)], 0);
    return it->second;
  };
  struct WorkerArc {
    int worker, arc, station;
    long cost;
  };
  std::vector<WorkerArc> arcs;
  for (int w : open) {
    const std::vector<Candidate> found = candidates(w);
    if (found.empty()) continue;  // nowhere useful to go: idle, and no shortest path spent on it
    const int node = mcf.add_node();
    mcf.add_arc(source, node, 1, 0);
    mcf.add_arc(node, sink, 1, ceiling + change_cost(w, kNone));
    for (const Candidate& c : found) {
      const long cost = arc_cost(w, c.station, c.box);
      arcs.push_back({w, mcf.add_arc(node, place_of(c.station, c.box), 1, cost), c.station, cost});
    }
  }
  if (arcs.empty()) return;
  mcf.solve(source, sink);
  std::map<int, std::vector<const WorkerArc*>> at_station;
  for (const WorkerArc& a : arcs)
    if (mcf.flow(a.arc) > 0) at_station[a.station].push_back(&a);
  std::vector<const WorkerArc*> bumped;
  for (auto& [s, list] : at_station) {
    std::stable_sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->cost < b->cost; });
    const auto slots = static_cast<std::size_t>(std::max(0, free_slots_[static_cast<std::size_t>(s)]));
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i < slots) place(list[i]->worker, s, false);
      else bumped.push_back(list[i]);
    }
  }
  std::stable_sort(bumped.begin(), bumped.end(), [](auto* a, auto* b) { return a->cost < b->cost; });
  for (const WorkerArc* a : bumped) {
    const std::vector<Candidate> found = candidates(a->worker);
    if (!found.empty()) place(a->worker, found.front().station, false);
  }
}

}  // namespace

std::vector<StaffChoice> staff_period(const Model& model, const StaffInputs& inputs) {
  return PeriodStaffing(model, inputs).run();
}

std::vector<std::vector<int>> reachable_skus(const Model& m, const std::vector<int>& outlet_product,
                                             const std::vector<SkuNeed>& needs) {
  std::vector<std::vector<int>> carried(m.station_box.size());
  for (int o : m.product_outlets) {
    const int p = outlet_product[static_cast<std::size_t>(o)];
    if (p == kNone) continue;
    for (int s : m.outlet_reach[static_cast<std::size_t>(o)]) carried[static_cast<std::size_t>(s)].push_back(p);
  }
  std::vector<std::vector<int>> out(m.station_box.size());
  for (std::size_t s = 0; s < out.size(); ++s) {
    for (std::size_t q = 0; q < m.skus.size(); ++q) {
      const Sku& sku = m.skus[q];
      const auto& c = carried[s];
      if (m.station_box[s][static_cast<std::size_t>(sku.box)] && std::find(c.begin(), c.end(), sku.product) != c.end())
        out[s].push_back(static_cast<int>(q));
    }
    std::stable_sort(out[s].begin(), out[s].end(), [&](int a, int b) {
      return best_value(needs[static_cast<std::size_t>(a)]) > best_value(needs[static_cast<std::size_t>(b)]);
    });
  }
  return out;
}

}  // namespace coldsort::scheduler::flow
