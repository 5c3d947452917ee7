// Labour and demand of the bound model (README.md, rows L1-L4 and D1-D2): worker minutes per
// box type and interval, station slots, parcels of work per bucket and interval.
#include <algorithm>
#include <utility>

#include "bound_model_builder.hpp"

namespace coldsort::scheduler_bounds {

using scheduler::BoundBucket;
using scheduler::BoundInputs;
using scheduler::BoundWorker;

ModelBuilder::ModelBuilder(const BoundInputs& in, bool exact, std::vector<bool> detailed)
    : in_(in),
      exact_(exact),
      detailed_(std::move(detailed)),
      m_(out_.model),
      nw_(in.workers.size()),
      nb_(in.fruit_per_box.size()),
      nt_(in.intervals.size()),
      nk_(in.buckets.size()),
      np_(in.products.size()),
      ng_(in.outlet_groups.size()),
      x_(nw_ * nb_ * nt_, -1),
      y_(nk_ * nt_, -1),
      q_(np_ * ng_ * nt_, -1),
      max_rate_(nb_ * nt_, 0.0),
      on_box_(nb_) {
  for (std::size_t b = 0; b < nb_; ++b)
    for (std::size_t t = 0; t < nt_; ++t) max_rate_[b * nt_ + t] = in.max_rate(b, t);
  detailed_.resize(nt_, true);
  if (exact_) detailed_.assign(nt_, true);
  for (const scheduler::BoundOutletGroup& g : in.outlet_groups) all_outlets_ += g.outlets;
  out_.outlet_requirements.resize(nt_);
}

BoundModel ModelBuilder::build() {
  add_workers();
  add_parcels();
  for (std::size_t k = 0; k < nk_; ++k) add_demand(k);
  add_labour();
  for (std::size_t p = 0; p < np_; ++p) add_supply(p);
  add_outlet_rows();
  if (exact_) {
    add_whole_parcels();
    add_whole_workers();
  }
  return std::move(out_);
}

// L1: a worker's minutes over box types fit the minutes they are available in the interval.
// L2: the minutes on each box type, summed (X[b,t]), and L3: for every listed set of box
// types, the minutes on them fit the slot-minutes of the stations that pack any of them
// (Hall's condition for placing the workers at stations, exact for fractional placements).
void ModelBuilder::add_workers() {
  for (std::size_t w = 0; w < nw_; ++w) {
    const BoundWorker& bw = in_.workers[w];
    for (std::size_t t = 0; t < nt_; ++t) {
      if (bw.minutes[t] <= 0) continue;
      std::vector<int> cols;
      for (std::size_t b = 0; b < nb_; ++b)
        if (bw.rate_per_h[b] > 0) cols.push_back(x(w, b, t) = m_.add_col(0, bw.minutes[t]));
      out_.worker_cols += cols.size();
      if (cols.size() < 2) continue;
      const int row = m_.add_row(-kInfinity, bw.minutes[t]);
      for (int c : cols) m_.set(row, c, 1);
    }
  }
  for (std::size_t t = 0; t < nt_; ++t) {
    std::vector<int> total(nb_, -1);
    for (std::size_t b = 0; b < nb_; ++b) {
      std::vector<int> cols;
      for (std::size_t w = 0; w < nw_; ++w)
        if (x(w, b, t) >= 0) cols.push_back(x(w, b, t));
      if (cols.empty()) continue;
      total[b] = m_.add_col(0, kInfinity);
      const int row = m_.add_row(0, 0);
      for (int c : cols) m_.set(row, c, 1);
      m_.set(row, total[b], -1);
    }
    for (std::uint64_t mask : in_.hall_masks) {
      bool any = false;
      for (std::size_t b = 0; b < nb_; ++b) any = any || (((mask >> b) & 1U) != 0 && total[b] >= 0);
      if (!any) continue;
      const int row = m_.add_row(-kInfinity, in_.slot_minutes(mask, t));
      for (std::size_t b = 0; b < nb_; ++b)
        if (((mask >> b) & 1U) != 0) m_.set(row, total[b], 1);
    }
  }
}

// y[k,t]: parcels of bucket k worked in interval t, only in intervals that end by its cut-off,
// from the interval of its first order's arrival, while someone can pack its box type.
void ModelBuilder::add_parcels() {
  for (std::size_t k = 0; k < nk_; ++k) {
    const BoundBucket& bucket = in_.buckets[k];
    if (!bucket.packable) continue;
    for (std::size_t t = bucket.first; t < bucket.end; ++t)
      if (max_rate_[bucket.box_type * nt_ + t] > 0) {
        y(k, t) = m_.add_col(0, kInfinity, 1.0);
        ++out_.parcel_cols;
      }
  }
}

// D1/D2: work on a bucket done by the end of any interval is at most the parcels of its orders
// that have arrived by then (s = arrived and not yet worked), and in all at most its parcels.
void ModelBuilder::add_demand(std::size_t k) {
  const BoundBucket& bucket = in_.buckets[k];
  if (!bucket.packable) return;
  std::size_t last = bucket.first;
  for (std::size_t t = bucket.first; t < bucket.end; ++t)
    if (bucket.arriving[t] > 0) last = t;
  int backlog = -1;  // s[k, t-1]
  for (std::size_t t = bucket.first; t < last; ++t) {
    const int row = m_.add_row(bucket.arriving[t], bucket.arriving[t]);
    m_.set(row, y(k, t), 1);
    m_.set(row, backlog, -1);
    backlog = m_.add_col(0, kInfinity);
    m_.set(row, backlog, 1);
  }
  const int row = m_.add_row(-kInfinity, bucket.arriving[last]);
  for (std::size_t t = last; t < bucket.end; ++t) m_.set(row, y(k, t), 1);
  m_.set(row, backlog, -1);
}

// L4: parcels of a box type worked in an interval are at most the workers' minutes on it at
// their own rates.
void ModelBuilder::add_labour() {
  for (std::size_t b = 0; b < nb_; ++b)
    for (std::size_t t = 0; t < nt_; ++t) {
      std::vector<int> parcels;
      for (std::size_t k = 0; k < nk_; ++k)
        if (in_.buckets[k].box_type == b && y(k, t) >= 0) parcels.push_back(y(k, t));
      if (parcels.empty()) continue;
      const int row = m_.add_row(-kInfinity, 0);
      for (int c : parcels) m_.set(row, c, 1);
      for (std::size_t w = 0; w < nw_; ++w) m_.set(row, x(w, b, t), -in_.workers[w].rate_per_h[b] / 60.0);
    }
}

BoundModel build_bound_model(const BoundInputs& in, bool exact, const std::vector<bool>& detailed) {
  return ModelBuilder(in, exact, detailed).build();
}

}  // namespace coldsort::scheduler_bounds
