#pragma once
// What every upper bound on a planning instance is computed from: `capacity_bound` (bound.hpp)
// and the LP and exact MIP of scheduler-bounds read the same hindsight figures (actual flow,
// absences, cancellations removed), so they count the same minutes, fruit and parcels. That
// sharing is what keeps capacity >= LP >= exact by construction (scheduler-bounds/README.md).
// Thread safety: plain values; `make_bound_inputs` is a pure function.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "coldsort/scheduler/instance.hpp"

namespace coldsort::scheduler {

// One piece of the bounds' time grid: the planning periods, cut again at every cut-off so a
// piece lies wholly before or after each cut-off and inside one period of flow.
struct BoundInterval {
  int start_min = 0;
  int end_min = 0;
  std::size_t period = 0;
  int length_min() const { return end_min - start_min; }
};

// The parcels of one box type and product due at one cut-off (orders not cancelled).
struct BoundBucket {
  std::size_t box_type = 0;  // index into Instance::box_types
  std::size_t product = 0;   // index into Instance::products
  int cutoff_min = 0;
  int parcels = 0;
  std::vector<int> arriving;  // parcels whose order arrives in each interval
  std::size_t first = 0;      // interval of the earliest arrival: no work before it
  std::size_t end = 0;        // one past the last interval that ends by the cut-off
  // Someone can pack it: a worker with the skill and a usable station that packs the box type.
  bool packable = false;
};

// A worker who can pack something at some minute.
struct BoundWorker {
  std::size_t worker = 0;          // index into Instance::workers
  std::vector<double> rate_per_h;  // per box type; 0 without the skill or a usable station
  std::vector<std::uint8_t> available;  // per minute: checked in, on shift, not on break, not absent
  std::vector<int> minutes;             // available minutes per interval
};

// A station that can be used: it packs a known box type, is up at some minute and some
// product outlet reaches it.
struct BoundStation {
  std::size_t station = 0;  // index into Instance::stations
  std::uint64_t box_mask = 0;  // bit i: box type i
  int slots = 1;
  std::size_t station_class = 0;
  std::vector<int> up_minutes;  // per interval
};

// Usable stations that are interchangeable for the bounds: same box types, slots, down time.
struct BoundStationClass {
  std::uint64_t box_mask = 0;
  int slots = 0;  // over all its stations
  std::vector<std::size_t> stations;  // indices into BoundInputs::stations
  std::vector<std::uint8_t> up;       // per minute (the same for all its stations)
  std::vector<int> up_minutes;        // per interval, one station's
};

// Product outlets that reach the same classes of usable stations (same counts), so the LP
// may allocate them as one pool of `outlets` without losing anything.
struct BoundOutletGroup {
  int outlets = 0;
  std::vector<std::size_t> stations;  // usable stations one member reaches (BoundInputs::stations)
};

struct BoundProduct {
  std::vector<double> fruit_per_min;  // per interval: the actual flow while an outlet carries it
  bool ordered = false;               // some packable bucket wants it
  int earliest_start_min = 0;   // no task of it starts earlier (arrivals, skilled workers on shift)
  double longest_task_min = 0;  // its longest order at the slowest skilled rate
};

struct BoundInputs {
  int horizon_min = 0;
  int cold_limit_min = 0;
  std::vector<BoundInterval> intervals;
  std::vector<BoundBucket> buckets;
  std::vector<BoundWorker> workers;
  std::vector<BoundStation> stations;
  std::vector<BoundStationClass> station_classes;
  std::vector<BoundOutletGroup> outlet_groups;
  std::vector<BoundProduct> products;   // one per Instance::products
  std::vector<int> fruit_per_box;       // one per Instance::box_types
  std::vector<std::uint64_t> hall_masks;  // box-type sets whose station slots bound the labour on them
  std::vector<int> cutoffs_min;           // ascending, of packable buckets
  int parcels_demanded = 0;               // orders not cancelled

  std::uint64_t all_box_types() const;
  // Slot-minutes in an interval of the usable stations that pack any box type of `mask`.
  double slot_minutes(std::uint64_t mask, std::size_t interval) const;
  // `mask` if the LP bounds labour by its slots (it is in `hall_masks`), else all box types.
  std::uint64_t hall_cover(std::uint64_t mask) const;
  // Fastest rate on a box type among workers available in the interval (0: nobody).
  double max_rate(std::size_t box_type, std::size_t interval) const;
  // First minute from which fruit of a product can still be in a parcel: the cold limit
  // counted back from its earliest task, with a minute of margin for fractional starts.
  int first_useful_fruit_min(std::size_t product) const;
};

// Throws std::length_error above 64 box types (the masks are 64-bit).
BoundInputs make_bound_inputs(const Instance& instance);

}  // namespace coldsort::scheduler
