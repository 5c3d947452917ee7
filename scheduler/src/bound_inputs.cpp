// The hindsight figures every bound reads (bound_inputs.hpp): time grid, demand buckets,
// who can work when, which stations can be used, outlet pools and fruit.
#include "coldsort/scheduler/bound_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

namespace coldsort::scheduler {
namespace {

constexpr std::size_t kMaxBoxTypes = 64;
// Every subset of this many box types gets its own slot limit; above it, only single box
// types, each station's set and the full set (2^8 - 1 = 255 rows per interval at most).
constexpr int kAllSubsetsUpTo = 8;

std::vector<BoundInterval> make_grid(const Instance& in) {
  std::vector<int> cuts;
  for (int m = 0; m < in.horizon_min; m += in.period_min) cuts.push_back(m);
  for (const PlanOrder& o : in.orders)
    if (o.cutoff_min > 0 && o.cutoff_min < in.horizon_min) cuts.push_back(o.cutoff_min);
  cuts.push_back(in.horizon_min);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<BoundInterval> grid;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i)
    grid.push_back({cuts[i], cuts[i + 1], static_cast<std::size_t>(cuts[i] / in.period_min)});
  return grid;
}

std::size_t interval_of(const std::vector<BoundInterval>& grid, int minute) {
  auto it = std::upper_bound(grid.begin(), grid.end(), minute,
                             [](int m, const BoundInterval& i) { return m < i.end_min; });
  return static_cast<std::size_t>(it - grid.begin());
}

std::vector<int> per_interval(const std::vector<BoundInterval>& grid, const std::vector<std::uint8_t>& per_minute) {
  std::vector<int> out(grid.size(), 0);
  for (std::size_t t = 0; t < grid.size(); ++t)
    for (int m = grid[t].start_min; m < grid[t].end_min; ++m) out[t] += per_minute[static_cast<std::size_t>(m)];
  return out;
}

std::vector<std::uint8_t> worker_minutes(const PlanWorker& w, int horizon) {
  std::vector<std::uint8_t> on(static_cast<std::size_t>(horizon), 0);
  for (int m = 0; m < horizon; ++m)
    on[static_cast<std::size_t>(m)] = w.available(m) && (w.absent_from_min < 0 || m < w.absent_from_min);
  return on;
}

std::vector<std::uint8_t> station_up(const PlanStation& s, int horizon) {
  std::vector<std::uint8_t> up(static_cast<std::size_t>(horizon), 1);
  for (const Window& d : s.down)
    for (int m = std::max(0, d.start_min); m < std::min(horizon, d.end_min); ++m) up[static_cast<std::size_t>(m)] = 0;
  return up;
}

std::uint64_t box_mask(const Instance& in, const std::vector<std::string>& box_types) {
  std::uint64_t mask = 0;
  for (std::size_t b = 0; b < in.box_types.size(); ++b)
    if (std::find(box_types.begin(), box_types.end(), in.box_types[b].id) != box_types.end()) mask |= 1ULL << b;
  return mask;
}

bool is_product_outlet(const PlanOutlet& o) { return o.kind == core::OutletKind::product && !o.bulk; }

// Usable stations, grouped into classes of interchangeable ones.
void add_stations(const Instance& in, BoundInputs& out) {
  std::vector<bool> reached(in.stations.size(), false);
  for (const PlanOutlet& o : in.outlets)
    if (is_product_outlet(o))
      for (std::size_t s = 0; s < in.stations.size(); ++s)
        if (std::find(o.stations.begin(), o.stations.end(), in.stations[s].id) != o.stations.end()) reached[s] = true;
  std::map<std::tuple<std::uint64_t, int, std::vector<std::uint8_t>>, std::size_t> classes;
  for (std::size_t s = 0; s < in.stations.size(); ++s) {
    const std::uint64_t mask = box_mask(in, in.stations[s].box_types);
    std::vector<std::uint8_t> up = station_up(in.stations[s], in.horizon_min);
    const bool ever_up = std::find(up.begin(), up.end(), 1) != up.end();
    if (!reached[s] || mask == 0 || !ever_up || in.stations[s].slots <= 0) continue;
    auto key = std::make_tuple(mask, in.stations[s].slots, up);
    auto [it, added] = classes.emplace(key, out.station_classes.size());
    if (added) {
      BoundStationClass c;
      c.box_mask = mask;
      c.up_minutes = per_interval(out.intervals, up);
      c.up = std::move(up);
      out.station_classes.push_back(std::move(c));
    }
    BoundStationClass& c = out.station_classes[it->second];
    c.slots += in.stations[s].slots;
    c.stations.push_back(out.stations.size());
    out.stations.push_back({s, mask, in.stations[s].slots, it->second, c.up_minutes});
  }
}

void add_outlet_groups(const Instance& in, BoundInputs& out) {
  std::map<std::vector<std::size_t>, std::size_t> groups;
  for (const PlanOutlet& o : in.outlets) {
    if (!is_product_outlet(o)) continue;
    std::vector<std::size_t> stations, key;
    for (std::size_t i = 0; i < out.stations.size(); ++i)
      if (std::find(o.stations.begin(), o.stations.end(), in.stations[out.stations[i].station].id) != o.stations.end()) {
        stations.push_back(i);
        key.push_back(out.stations[i].station_class);
      }
    std::sort(key.begin(), key.end());
    auto [it, added] = groups.emplace(key, out.outlet_groups.size());
    if (added) out.outlet_groups.push_back({0, stations});
    ++out.outlet_groups[it->second].outlets;
  }
}

void add_workers(const Instance& in, BoundInputs& out) {
  std::uint64_t stationed = 0;
  for (const BoundStation& s : out.stations) stationed |= s.box_mask;
  for (std::size_t w = 0; w < in.workers.size(); ++w) {
    BoundWorker bw;
    bw.worker = w;
    bw.rate_per_h.assign(in.box_types.size(), 0.0);
    bool skilled = false;
    for (std::size_t b = 0; b < in.box_types.size(); ++b)
      if ((stationed >> b) & 1U) {
        bw.rate_per_h[b] = std::max(0.0, in.workers[w].rate_for(in.box_types[b].id));
        skilled = skilled || bw.rate_per_h[b] > 0;
      }
    bw.available = worker_minutes(in.workers[w], in.horizon_min);
    bw.minutes = per_interval(out.intervals, bw.available);
    if (skilled && std::find(bw.available.begin(), bw.available.end(), 1) != bw.available.end())
      out.workers.push_back(std::move(bw));
  }
}

// Earliest minute someone with the skill is available, and the slowest such rate, per box type.
struct BoxReadiness {
  std::vector<int> earliest_min;
  std::vector<double> slowest_per_h;
};

BoxReadiness box_readiness(const Instance& in, const BoundInputs& out) {
  BoxReadiness r{std::vector<int>(in.box_types.size(), in.horizon_min), std::vector<double>(in.box_types.size(), 0)};
  for (const BoundWorker& w : out.workers) {
    const auto first = std::find(w.available.begin(), w.available.end(), 1) - w.available.begin();
    for (std::size_t b = 0; b < in.box_types.size(); ++b) {
      if (w.rate_per_h[b] <= 0) continue;
      r.earliest_min[b] = std::min(r.earliest_min[b], static_cast<int>(first));
      r.slowest_per_h[b] = r.slowest_per_h[b] == 0 ? w.rate_per_h[b] : std::min(r.slowest_per_h[b], w.rate_per_h[b]);
    }
  }
  return r;
}

void add_buckets(const Instance& in, BoundInputs& out) {
  const BoxReadiness ready = box_readiness(in, out);
  std::map<std::tuple<std::size_t, std::size_t, int>, std::size_t> index;
  for (const PlanOrder& o : in.orders) {
    if (o.cancelled_min >= 0) continue;  // hindsight: a cancelled order is no demand
    out.parcels_demanded += o.boxes;
    const BoxType* box_type = in.find_box_type(o.box_type);
    const PlanProduct* product_type = in.find_product(o.product);
    if (box_type == nullptr || product_type == nullptr) continue;
    const auto box = static_cast<std::size_t>(box_type - in.box_types.data());
    const auto product = static_cast<std::size_t>(product_type - in.products.data());
    auto [it, added] = index.emplace(std::make_tuple(box, product, o.cutoff_min), out.buckets.size());
    if (added) {
      BoundBucket k;
      k.box_type = box;
      k.product = product;
      k.cutoff_min = o.cutoff_min;
      k.arriving.assign(out.intervals.size(), 0);
      k.first = out.intervals.size();
      k.end = interval_of(out.intervals, o.cutoff_min);  // intervals [0, end) end by the cut-off
      k.packable = ready.slowest_per_h[box] > 0;
      out.buckets.push_back(std::move(k));
    }
    BoundBucket& k = out.buckets[it->second];
    k.parcels += o.boxes;
    const std::size_t t = interval_of(out.intervals, o.arrival_min);
    if (t < out.intervals.size()) k.arriving[t] += o.boxes;
    k.first = std::min(k.first, t);
    if (!k.packable) continue;
    BoundProduct& p = out.products[product];
    p.earliest_start_min = std::min(p.earliest_start_min, std::max(o.arrival_min, ready.earliest_min[box]));
    p.longest_task_min = std::max(p.longest_task_min, o.boxes * 60.0 / ready.slowest_per_h[box]);
  }
  for (BoundBucket& k : out.buckets) {
    k.packable = k.packable && k.first < k.end;
    out.products[k.product].ordered = out.products[k.product].ordered || k.packable;
    if (k.packable) out.cutoffs_min.push_back(k.cutoff_min);
  }
  std::sort(out.cutoffs_min.begin(), out.cutoffs_min.end());
  out.cutoffs_min.erase(std::unique(out.cutoffs_min.begin(), out.cutoffs_min.end()), out.cutoffs_min.end());
}

void add_products(const Instance& in, BoundInputs& out) {
  out.products.assign(in.products.size(), BoundProduct{});
  for (std::size_t p = 0; p < in.products.size(); ++p) {
    out.products[p].earliest_start_min = in.horizon_min;
    out.products[p].fruit_per_min.assign(out.intervals.size(), 0.0);
    for (const ProductFlow& f : in.flow) {
      if (f.product != in.products[p].id) continue;
      for (std::size_t t = 0; t < out.intervals.size(); ++t)
        if (out.intervals[t].period < f.fruit_per_s.size())
          out.products[p].fruit_per_min[t] = f.fruit_per_s[out.intervals[t].period] * 60.0;
    }
  }
}

void add_hall_masks(BoundInputs& out) {
  std::uint64_t all = 0;
  for (const BoundStationClass& c : out.station_classes) all |= c.box_mask;
  std::vector<std::size_t> bits;
  for (std::size_t b = 0; b < kMaxBoxTypes; ++b)
    if ((all >> b) & 1U) bits.push_back(b);
  std::vector<std::uint64_t> masks;
  if (bits.size() <= static_cast<std::size_t>(kAllSubsetsUpTo)) {
    for (std::uint64_t sub = 1; sub < (1ULL << bits.size()); ++sub) {
      std::uint64_t mask = 0;
      for (std::size_t i = 0; i < bits.size(); ++i)
        if ((sub >> i) & 1U) mask |= 1ULL << bits[i];
      masks.push_back(mask);
    }
  } else {
    for (std::size_t b : bits) masks.push_back(1ULL << b);
    for (const BoundStationClass& c : out.station_classes) masks.push_back(c.box_mask);
    masks.push_back(all);
  }
  std::sort(masks.begin(), masks.end());
  masks.erase(std::unique(masks.begin(), masks.end()), masks.end());
  out.hall_masks = std::move(masks);
}

}  // namespace

std::uint64_t BoundInputs::all_box_types() const {
  std::uint64_t all = 0;
  for (const BoundStationClass& c : station_classes) all |= c.box_mask;
  return all;
}

double BoundInputs::slot_minutes(std::uint64_t mask, std::size_t interval) const {
  double total = 0;
  for (const BoundStationClass& c : station_classes)
    if ((c.box_mask & mask) != 0) total += static_cast<double>(c.slots) * c.up_minutes[interval];
  return total;
}

std::uint64_t BoundInputs::hall_cover(std::uint64_t mask) const {
  return std::binary_search(hall_masks.begin(), hall_masks.end(), mask) ? mask : all_box_types();
}

double BoundInputs::max_rate(std::size_t box_type, std::size_t interval) const {
  double best = 0;
  for (const BoundWorker& w : workers)
    if (w.minutes[interval] > 0) best = std::max(best, w.rate_per_h[box_type]);
  return best;
}

int BoundInputs::first_useful_fruit_min(std::size_t product) const {
  // A task starting at minute tau takes fruit that arrived in minutes floor(tau) - L + 1 ..
  // floor(tau) (FruitPool); one more minute covers parcels timed to the second by the simulator.
  return products[product].earliest_start_min - cold_limit_min;
}

BoundInputs make_bound_inputs(const Instance& in) {
  if (in.box_types.size() > kMaxBoxTypes) throw std::length_error("bounds: more than 64 box types");
  BoundInputs out;
  out.horizon_min = in.horizon_min;
  out.cold_limit_min = in.cold_limit_min;
  out.intervals = make_grid(in);
  for (const BoxType& b : in.box_types) out.fruit_per_box.push_back(b.fruit_per_box);
  add_stations(in, out);
  add_outlet_groups(in, out);
  add_workers(in, out);
  add_products(in, out);
  add_buckets(in, out);
  add_hall_masks(out);
  return out;
}

}  // namespace coldsort::scheduler
