// The closed-form capacity bound (bound.hpp). For every cut-off c, in time order, the parcels
// due by c that can be on time are at most
//   - the parcels due by c (demand),
//   - the parcels the labour before c can pack: in every interval the available workers,
//     fastest first at their best rate on the box types due by c, on the slot-minutes of the
//     stations that pack them (labour),
//   - the same per box type, each capped by its demand (labour per box type),
//   - per product, its fruit that can still be fresh before c, in parcels of its smallest box,
//     capped by its demand (fruit; fruit older than the cold limit at the product's earliest
//     task is lost),
//   - the bound at the previous cut-off plus the parcels due at c.
// Every limit is a sum of the LP's own rows over the same figures (bound_inputs.hpp), so this
// bound is never below the LP (scheduler-bounds/README.md).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "coldsort/scheduler/bound.hpp"
#include "coldsort/scheduler/bound_inputs.hpp"

namespace coldsort::scheduler {
namespace {

// Parcels packed in one interval by workers at `rate_of(worker)` parcels/h on at most
// `slot_minutes` of station time: fastest first, the optimum of this small LP.
template <class RateOf>
double interval_labour(const BoundInputs& in, std::size_t t, double slot_minutes, RateOf rate_of) {
  std::vector<std::pair<double, int>> offers;  // (rate, minutes)
  for (const BoundWorker& w : in.workers) {
    const double rate = rate_of(w);
    if (rate > 0 && w.minutes[t] > 0) offers.emplace_back(rate, w.minutes[t]);
  }
  std::sort(offers.begin(), offers.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  double parcels = 0, left = slot_minutes;
  for (const auto& [rate, minutes] : offers) {
    if (left <= 0) break;
    const double used = std::min(left, static_cast<double>(minutes));
    parcels += used * rate / 60.0;
    left -= used;
  }
  return parcels;
}

std::size_t intervals_by(const BoundInputs& in, int minute) {
  std::size_t n = 0;
  while (n < in.intervals.size() && in.intervals[n].end_min <= minute) ++n;
  return n;
}

std::string clock_text(const std::string& day_start, int minute) {
  int h = 0, m = 0;
  if (std::sscanf(day_start.c_str(), "%d:%d", &h, &m) != 2) h = m = 0;
  const int total = h * 60 + m + minute;
  char text[16];
  std::snprintf(text, sizeof text, "%02d:%02d", (total / 60) % 24, total % 60);
  return text;
}

// The limits at one cut-off, with the name of what set the smallest.
struct CutoffLimit {
  double value = 0;
  std::string what;
};

class CapacityBound {
 public:
  CapacityBound(const Instance& instance, const BoundInputs& in) : instance_(instance), in_(in) {}

  CutoffLimit at(int cutoff, double previous, double due_here) const {
    const std::size_t end = intervals_by(in_, cutoff);
    std::uint64_t due_mask = 0;
    double demand = 0;
    for (const BoundBucket& k : in_.buckets)
      if (k.packable && k.cutoff_min <= cutoff) {
        due_mask |= 1ULL << k.box_type;
        demand += k.parcels;
      }
    CutoffLimit best{demand, "demand"};
    auto consider = [&](double value, std::string what) {
      if (value < best.value - 1e-9) best = {value, std::move(what)};
    };
    consider(labour(due_mask, end), "labour by " + clock_text(instance_.day_start, cutoff));
    consider(labour_per_box(cutoff, end), "labour per box type by " + clock_text(instance_.day_start, cutoff));
    std::string short_product;
    const double fresh = fruit(cutoff, end, short_product);  // names the product it is shortest of
    consider(fresh, "fruit of " + short_product + " by " + clock_text(instance_.day_start, cutoff));
    if (previous + due_here < best.value - 1e-9) best = {previous + due_here, ""};  // an earlier cut-off binds
    return best;
  }

 private:
  double labour(std::uint64_t due_mask, std::size_t end) const {
    const std::uint64_t cover = in_.hall_cover(due_mask);
    double parcels = 0;
    for (std::size_t t = 0; t < end; ++t)
      parcels += interval_labour(in_, t, in_.slot_minutes(cover, t), [&](const BoundWorker& w) {
        double best = 0;
        for (std::size_t b = 0; b < w.rate_per_h.size(); ++b)
          if ((due_mask >> b) & 1U) best = std::max(best, w.rate_per_h[b]);
        return best;
      });
    return parcels;
  }

  double labour_per_box(int cutoff, std::size_t end) const {
    double total = 0;
    for (std::size_t b = 0; b < in_.fruit_per_box.size(); ++b) {
      double demand = 0;
      for (const BoundBucket& k : in_.buckets)
        if (k.packable && k.cutoff_min <= cutoff && k.box_type == b) demand += k.parcels;
      if (demand == 0) continue;
      double parcels = 0;
      for (std::size_t t = 0; t < end; ++t)
        parcels += interval_labour(in_, t, in_.slot_minutes(1ULL << b, t),
                                   [&](const BoundWorker& w) { return w.rate_per_h[b]; });
      total += std::min(demand, parcels);
    }
    return total;
  }

  double fruit(int cutoff, std::size_t end, std::string& shortest) const {
    double total = 0, worst_gap = 0;
    for (std::size_t p = 0; p < in_.products.size(); ++p) {
      double demand = 0;
      int smallest_box = std::numeric_limits<int>::max();
      for (const BoundBucket& k : in_.buckets)
        if (k.packable && k.cutoff_min <= cutoff && k.product == p) {
          demand += k.parcels;
          smallest_box = std::min(smallest_box, in_.fruit_per_box[k.box_type]);
        }
      if (demand == 0) continue;
      const int from = in_.first_useful_fruit_min(p);
      double fruit = 0;
      for (std::size_t t = 0; t < end; ++t) {
        const BoundInterval& i = in_.intervals[t];
        fruit += in_.products[p].fruit_per_min[t] * std::max(0, i.end_min - std::max(i.start_min, from));
      }
      const double parcels = smallest_box > 0 ? fruit / smallest_box : demand;
      if (demand - parcels > worst_gap) {
        worst_gap = demand - parcels;
        shortest = instance_.products[p].id;
      }
      total += std::min(demand, parcels);
    }
    return total;
  }

  const Instance& instance_;
  const BoundInputs& in_;
};

}  // namespace

Bound capacity_bound(const Instance& instance) {
  const auto started = std::chrono::steady_clock::now();
  const BoundInputs in = make_bound_inputs(instance);
  const CapacityBound limits(instance, in);
  Bound bound;
  bound.method = "capacity";
  bound.parcels_demanded = in.parcels_demanded;
  double previous = 0, due_before = 0;
  std::string note = "no packable demand";
  for (int cutoff : in.cutoffs_min) {
    double due_here = 0;
    for (const BoundBucket& k : in.buckets)
      if (k.packable && k.cutoff_min <= cutoff) due_here += k.parcels;
    due_here -= due_before;
    due_before += due_here;
    const CutoffLimit limit = limits.at(cutoff, previous, due_here);
    if (!limit.what.empty()) note = limit.what;
    // Parcels are whole: the on-time count is at most the limit rounded down.
    previous = std::floor(limit.value + 1e-6);
  }
  bound.on_time_parcels = previous;
  bound.note = note;
  bound.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return bound;
}

}  // namespace coldsort::scheduler
