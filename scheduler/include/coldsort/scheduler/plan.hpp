#pragma once
// A plan for the rest of a pack day: which product goes to which outlet, which worker stands
// at which station when, and which orders each station packs in what order. Every assignment
// carries a reason a supervisor can read. Times are minutes from the day's start, like the
// instance; task times are fractional because a gift box takes 2.5-4 minutes.
//
// What a plan must respect (checked by `check_plan`, docs/planning.md):
//  - an outlet carries at most one product at a time; a task starts only while an outlet
//    carrying its product reaches its station (its fruit is taken at the start, so an outlet
//    may change product while the box is being packed);
//  - a station slot holds at most one worker at a time, a worker is in one place at a time,
//    only within the shift, never while absent or not checked in;
//  - a task (one order, all its boxes) lies inside its worker's staffing at that station, not
//    across a break or the station's down time; the station can pack its box type and the
//    worker has the skill; it lasts boxes x 60 / (worker's rate) minutes;
//  - fruit: a task takes boxes x fruit_per_box fruit of its product when it starts. Fruit of a
//    product arrives at the grader's flow while an outlet carries it, shared by the product's
//    outlets, is used oldest first, and is gone (to recirculation/bulk, back into the cold)
//    `cold_limit_min` after it arrived or when the outlets' buffers are full. A plan made at
//    `made_at_min` counts fruit from then on with empty buffers (what is at the outlets then is
//    not known to the model; conservative).
// Thread safety: plain values.
#include <string>
#include <vector>

#include "coldsort/scheduler/instance.hpp"

namespace coldsort::scheduler {

struct OutletAssignment {
  std::string outlet;
  std::string product;  // empty: the outlet is idle (its fruit goes to recirculation)
  Window window;
  std::string reason;
  bool pinned = false;
};

struct StaffAssignment {
  std::string worker;
  std::string station;
  int slot = 0;  // 0 .. station.slots-1
  Window window;
  std::string reason;
  bool pinned = false;
};

struct PackTask {
  std::string order;
  std::string station;
  std::string worker;
  double start_min = 0;
  double finish_min = 0;
  std::string reason;  // "EDD: cut-off 11:00 SF", "pulled oldest-first from I-B gift-4 @11:00"
};

// What a plan (or a simulated day) achieves. Rates are over the parcels demanded, so a plan
// that leaves orders unplanned cannot look good.
struct PlanKpis {
  int orders = 0;
  int parcels_demanded = 0;
  int parcels_planned = 0;
  int parcels_on_time = 0;  // finished by their order's cut-off
  int parcels_late = 0;     // planned but finished after the cut-off
  int parcels_unplanned = 0;
  double on_time_rate = 0;  // on time / demanded
  double parcels_per_h = 0;  // planned parcels / hours from first start to last finish
  double utilisation = 0;    // packing minutes / minutes workers were available
  // max / min of parcels per staffed hour over workers staffed at least one hour; 1 = even.
  double fairness_ratio = 0;
  int reassignments = 0;  // a worker moving from one station to another within the plan
  int changes_vs_published = 0;  // staff or outlet assignments that differ from the published plan
  double objective = 0;          // the weighted soft objective (lower is better)
};

// The cost of a supervisor's pin: how much worse the plan is with it than without.
struct PinCost {
  Pin pin;
  int late_parcels_added = 0;
  double objective_added = 0;
};

struct Plan {
  std::string method;
  std::string instance;   // the pack day's name (set by whoever publishes the plan)
  std::string day_start;  // "07:00": minute 0 of the plan, local time
  int made_at_min = 0;
  std::vector<OutletAssignment> outlets;
  std::vector<StaffAssignment> staff;
  std::vector<PackTask> tasks;
  std::vector<Infeasibility> infeasible;  // what could not be planned, and why
  std::vector<PinCost> pin_costs;
  PlanKpis kpis;
  long iterations = 0;  // work done, for determinism and benchmarks
};

// A broken hard constraint, named: "task O-17: worker W-3 on break 11:00-11:15".
struct Violation {
  std::string subject;
  std::string rule;
};

// Every hard constraint above, checked against the instance (its planning flow).
std::vector<Violation> check_plan(const Instance& instance, const Plan& plan);

// The plan's KPIs; `published` (may be null) counts the changes against it.
PlanKpis evaluate_plan(const Instance& instance, const Plan& plan, const Plan* published = nullptr);

// The product an outlet carries at a minute ("" = none).
std::string product_at(const Plan& plan, std::string_view outlet, int minute);

}  // namespace coldsort::scheduler
