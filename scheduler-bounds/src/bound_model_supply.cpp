// Outlets, reach and fruit of the bound model (README.md, rows O1, R1-R2, F1-F3).
#include <algorithm>
#include <bit>
#include <cmath>

#include "bound_model_builder.hpp"

namespace coldsort::scheduler_bounds {

using scheduler::BoundInterval;
using scheduler::BoundProduct;
using scheduler::BoundStation;

namespace {

int overlap(int a0, int a1, int b0, int b1) { return std::max(0, std::min(a1, b1) - std::max(a0, b0)); }

}  // namespace

// Slots of the usable stations one outlet of pool g reaches that pack a box type of `mask` and
// are up at some minute of interval t.
double ModelBuilder::slots_reached(std::size_t g, std::uint64_t mask, std::size_t t) const {
  double slots = 0;
  for (std::size_t s : in_.outlet_groups[g].stations) {
    const BoundStation& station = in_.stations[s];
    if ((station.box_mask & mask) != 0 && station.up_minutes[t] > 0) slots += station.slots;
  }
  return slots;
}

void ModelBuilder::add_supply(std::size_t p) {
  if (!in_.products[p].ordered) return;
  std::vector<std::uint64_t> worked(nt_, 0);  // box types of p with work in each interval
  for (std::size_t k = 0; k < nk_; ++k)
    if (in_.buckets[k].product == p)
      for (std::size_t t = 0; t < nt_; ++t)
        if (y(k, t) >= 0) worked[t] |= 1ULL << in_.buckets[k].box_type;
  const FruitWindows windows = fruit_windows(p, worked);
  std::vector<bool> arrives(nt_, false);
  for (const auto& window : windows)
    for (const auto& [u, minutes] : window) arrives[u] = true;
  for (std::size_t t = 0; t < nt_; ++t)
    for (std::size_t g = 0; g < ng_; ++g)
      if (detailed_[t] && (arrives[t] || (worked[t] != 0 && slots_reached(g, worked[t], t) > 0))) {
        q(p, g, t) = m_.add_col(0, in_.outlet_groups[g].outlets, 0, exact_);
        ++out_.outlet_cols;
      }
  for (std::size_t t = 0; t < nt_; ++t)
    if (worked[t] != 0) add_reach(p, t, worked[t]);
  add_fruit(p, windows);
}

// Fruit in the work of interval t was taken when its task started, after a_t - the longest
// task, and had arrived at most the cold limit before that (README.md, F1): per worked
// interval, the earlier intervals it may come from and for how many of their minutes.
ModelBuilder::FruitWindows ModelBuilder::fruit_windows(std::size_t p, const std::vector<std::uint64_t>& worked) const {
  const BoundProduct& product = in_.products[p];
  const int from = in_.first_useful_fruit_min(p);
  const int reach_back = static_cast<int>(std::ceil(product.longest_task_min)) + in_.cold_limit_min;
  FruitWindows windows(nt_);
  for (std::size_t t = 0; t < nt_; ++t) {
    if (worked[t] == 0) continue;
    const BoundInterval& i = in_.intervals[t];
    const int lo = std::max(from, i.start_min - reach_back);
    for (std::size_t u = 0; u <= t; ++u) {
      const BoundInterval& j = in_.intervals[u];
      const int minutes = overlap(j.start_min, j.end_min, lo, i.end_min);
      if (minutes > 0 && product.fruit_per_min[u] > 0) windows[t].emplace_back(u, minutes);
    }
  }
  return windows;
}

// R1: minutes packing product p in interval t (each parcel takes at least 60 / the fastest
// available rate) fit the slot-minutes of the stations reached by the outlets carrying p, for
// the share of the interval they carry it. R2: the same per box type when p has several.
// Without outlet detail, as if every outlet carried p.
void ModelBuilder::add_reach(std::size_t p, std::size_t t, std::uint64_t mask) {
  const double length = in_.intervals[t].length_min();
  auto row_for = [&](std::uint64_t boxes) {
    std::vector<double> per_pool(ng_);
    double all_pools = 0;
    for (std::size_t g = 0; g < ng_; ++g) {
      per_pool[g] = length * slots_reached(g, boxes, t);
      all_pools += per_pool[g] * in_.outlet_groups[g].outlets;
    }
    const int row = m_.add_row(-kInfinity, detailed_[t] ? 0 : all_pools);
    std::vector<std::pair<int, double>> minutes;
    for (std::size_t k = 0; k < nk_; ++k) {
      const std::size_t b = in_.buckets[k].box_type;
      if (in_.buckets[k].product != p || ((boxes >> b) & 1U) == 0 || y(k, t) < 0) continue;
      m_.set(row, y(k, t), 60.0 / max_rate_[b * nt_ + t]);
      minutes.emplace_back(y(k, t), 60.0 / max_rate_[b * nt_ + t]);
    }
    if (!detailed_[t]) {
      add_requirement(t, p, std::move(per_pool), std::move(minutes));
      return;
    }
    for (std::size_t g = 0; g < ng_; ++g) m_.set(row, q(p, g, t), -per_pool[g]);
  };
  row_for(mask);
  if (std::popcount(mask) > 1)
    for (std::size_t b = 0; b < nb_; ++b)
      if (((mask >> b) & 1U) != 0) row_for(1ULL << b);
}

// F2: a[p,u], the usable fruit arriving in interval u, comes only while an outlet carries p;
// F1: it goes into parcels at most once; F3: the fruit in the parcels worked in interval t
// comes from the arrivals in its window (f[p,u,t], each at most the flow over the overlap).
void ModelBuilder::add_fruit(std::size_t p, const FruitWindows& windows) {
  const BoundProduct& product = in_.products[p];
  const int from = in_.first_useful_fruit_min(p);
  std::vector<bool> needed(nt_, false);
  for (const auto& window : windows)
    for (const auto& [u, minutes] : window) needed[u] = true;  // fruit of u can go into some work
  std::vector<int> use_row(nt_, -1);
  for (std::size_t u = 0; u < nt_; ++u) {
    if (!needed[u]) continue;
    const BoundInterval& j = in_.intervals[u];
    const double flow = product.fruit_per_min[u];
    const double fresh = flow * overlap(j.start_min, j.end_min, from, j.end_min);
    const int arrivals = m_.add_col(0, detailed_[u] ? fresh : fresh * std::min(1.0, all_outlets_));
    ++out_.fruit_cols;
    if (detailed_[u]) {
      const int carried = m_.add_row(-kInfinity, 0);
      m_.set(carried, arrivals, 1);
      for (std::size_t g = 0; g < ng_; ++g) m_.set(carried, q(p, g, u), -flow * j.length_min());
    } else {
      add_requirement(u, p, std::vector<double>(ng_, flow * j.length_min()), {{arrivals, 1.0}});
    }
    use_row[u] = m_.add_row(-kInfinity, 0);
    m_.set(use_row[u], arrivals, -1);
  }
  // A worked interval with an empty window keeps its row: no fresh fruit, no parcels.
  for (std::size_t t = 0; t < nt_; ++t) {
    bool works = false;
    for (std::size_t k = 0; k < nk_; ++k) works = works || (in_.buckets[k].product == p && y(k, t) >= 0);
    if (!works) continue;
    const int row = m_.add_row(-kInfinity, 0);
    for (std::size_t k = 0; k < nk_; ++k)
      if (in_.buckets[k].product == p) m_.set(row, y(k, t), in_.fruit_per_box[in_.buckets[k].box_type]);
    for (const auto& [u, minutes] : windows[t]) {
      const int used = m_.add_col(0, product.fruit_per_min[u] * minutes);
      ++out_.fruit_cols;
      m_.set(row, used, -1);
      m_.set(use_row[u], used, 1);
    }
  }
}

void ModelBuilder::add_requirement(std::size_t t, std::size_t p, std::vector<double> per_pool,
                                   std::vector<std::pair<int, double>> terms) {
  out_.outlet_requirements[t].push_back({p, std::move(per_pool), std::move(terms)});
}

// O1: an outlet carries one product at a time, so a pool's outlets are shared out over the
// products in every interval.
void ModelBuilder::add_outlet_rows() {
  for (std::size_t g = 0; g < ng_; ++g)
    for (std::size_t t = 0; t < nt_; ++t) {
      std::vector<int> cols;
      for (std::size_t p = 0; p < np_; ++p)
        if (q(p, g, t) >= 0) cols.push_back(q(p, g, t));
      if (cols.size() < 2) continue;
      const int row = m_.add_row(-kInfinity, in_.outlet_groups[g].outlets);
      for (int c : cols) m_.set(row, c, 1);
    }
}

}  // namespace coldsort::scheduler_bounds
