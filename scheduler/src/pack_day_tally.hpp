#pragma once
// What the simulated floor counts as the day runs, and how it becomes the day's KPIs
// (DayKpis): the parcels packed, per order and per worker, the fruit's cold waits, overflow
// and starvation minutes, re-plans and their planning time.
// Thread safety: not thread-safe; one per simulated day.
#include <cstddef>
#include <vector>

#include "coldsort/scheduler/pack_day.hpp"

namespace coldsort::scheduler::pack_day {

struct OrderTally {
  int packed = 0;              // parcels finished
  double last_finish_min = 0;  // when its last parcel so far was finished
};

struct WorkerTally {
  double staffed_min = 0;  // minutes present at a station the plan put them at
  double packing_min = 0;
  int parcels = 0;
};

class DayTally {
 public:
  DayTally(const Instance& day, double cold_limit_min);

  void add_parcel(const PackedParcel& parcel);
  void add_plan(double plan_ms, int changes_vs_published, bool first);

  std::vector<OrderTally> orders;
  std::vector<WorkerTally> workers;
  std::vector<PackedParcel> parcels;
  double fruit_packed = 0;
  double overflow_outlet_min = 0;
  double starvation_min = 0;
  int reassignments = 0;

  // `fruit_lost`: fruit expired at the cold limit or overflowed (from the fruit pool).
  DayKpis finish(double fruit_lost) const;

 private:
  double wait_percentile(double share) const;
  PlanKpis parcel_kpis() const;

  const Instance& day_;
  // Fruit by cold wait in 0.1-minute bins (the pool counts whole minutes, a parcel's mean
  // over its fruit is finer), the last bin holding everything beyond the cold limit.
  std::vector<double> wait_bins_;
  double wait_fruit_ = 0;
  std::vector<double> plan_ms_;
  int replans_ = 0;
  int changes_ = 0;
};

}  // namespace coldsort::scheduler::pack_day
