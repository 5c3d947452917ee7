// What `exact_optimum` adds to the LP (README.md, rows E1-E4): whole parcels per bucket and
// each worker at one station (of a class of interchangeable stations) per interval. Whole
// outlets per pool and interval are set where the outlet columns are made.
#include <algorithm>

#include "bound_model_builder.hpp"

namespace coldsort::scheduler_bounds {

using scheduler::BoundBucket;
using scheduler::BoundInterval;
using scheduler::BoundStationClass;
using scheduler::BoundWorker;

// E1: the parcels of a bucket finished on time are a whole number.
void ModelBuilder::add_whole_parcels() {
  for (std::size_t k = 0; k < nk_; ++k) {
    const BoundBucket& bucket = in_.buckets[k];
    std::vector<int> cols;
    for (std::size_t t = 0; t < nt_; ++t)
      if (y(k, t) >= 0) cols.push_back(y(k, t));
    if (cols.empty()) continue;
    const int whole = m_.add_col(0, bucket.parcels, 0, true);
    const int row = m_.add_row(0, 0);
    for (int c : cols) m_.set(row, c, 1);
    m_.set(row, whole, -1);
  }
}

// v[w,c,t] = 1: worker w stands at a station of class c for interval t. E2: at one station;
// E3: no more workers than the class's slots; E4: their minutes on each box type (and in all)
// lie within the minutes both they and such a station are available, at a station that packs it.
void ModelBuilder::add_whole_workers() {
  const std::size_t nc = in_.station_classes.size();
  for (std::size_t t = 0; t < nt_; ++t) {
    std::vector<std::vector<int>> at_class(nc);
    for (std::size_t w = 0; w < nw_; ++w)
      if (in_.workers[w].minutes[t] > 0) place_worker(w, t, at_class);
    for (std::size_t c = 0; c < nc; ++c) {
      if (at_class[c].size() <= static_cast<std::size_t>(in_.station_classes[c].slots)) continue;
      const int row = m_.add_row(-kInfinity, in_.station_classes[c].slots);
      for (int v : at_class[c]) m_.set(row, v, 1);
    }
  }
}

void ModelBuilder::place_worker(std::size_t w, std::size_t t, std::vector<std::vector<int>>& at_class) {
  const BoundWorker& bw = in_.workers[w];
  const BoundInterval& interval = in_.intervals[t];
  const int one_place = m_.add_row(-kInfinity, 1);
  const int all_minutes = m_.add_row(-kInfinity, 0);
  for (std::size_t c = 0; c < in_.station_classes.size(); ++c) {
    const BoundStationClass& sc = in_.station_classes[c];
    bool skilled = false;
    for (std::size_t b = 0; b < nb_; ++b) skilled = skilled || (((sc.box_mask >> b) & 1U) != 0 && x(w, b, t) >= 0);
    int shared = 0;  // minutes both the worker and the class's stations are there
    for (int m = interval.start_min; m < interval.end_min; ++m)
      shared += bw.available[static_cast<std::size_t>(m)] & sc.up[static_cast<std::size_t>(m)];
    if (!skilled || shared == 0) continue;
    const int v = m_.add_col(0, 1, 0, true);
    ++out_.station_cols;
    at_class[c].push_back(v);
    m_.set(one_place, v, 1);
    m_.set(all_minutes, v, -shared);
    for (std::size_t b = 0; b < nb_; ++b)
      if (((sc.box_mask >> b) & 1U) != 0 && x(w, b, t) >= 0) on_box_[b].emplace_back(v, shared);
  }
  for (std::size_t b = 0; b < nb_; ++b) {
    if (x(w, b, t) < 0) continue;
    m_.set(all_minutes, x(w, b, t), 1);
    const int on_box = m_.add_row(-kInfinity, 0);
    m_.set(on_box, x(w, b, t), 1);
    for (const auto& [v, shared] : on_box_[b]) m_.set(on_box, v, -shared);
    on_box_[b].clear();
  }
}

}  // namespace coldsort::scheduler_bounds
