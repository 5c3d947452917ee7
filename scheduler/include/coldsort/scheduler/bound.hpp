#pragma once
// Upper bounds on what any plan could achieve for an instance, so a plan's quality reads as a
// ratio to the bound and not only to the baselines. Bounds use hindsight (the actual flow, the
// absences and cancellations, every order including those that arrive later), so they are
// valid for every method. Two limits: a simulated day's rate noise can make a worker faster
// than their measured rate, so a simulated day may come close to or pass a bound by a hair;
// and a plan made on the forecast is judged on the forecast, so `coldsort plan` takes its
// bounds on `planning_view(instance)`, the same view the planner had.
// Thread safety: pure functions.
#include <string>

#include "coldsort/scheduler/instance.hpp"

namespace coldsort::scheduler {

struct Bound {
  std::string method;          // "capacity", "lp", "exact"
  double on_time_parcels = 0;  // no plan packs more parcels by their cut-offs than this
  int parcels_demanded = 0;    // parcels of orders not cancelled
  // "exact" solved to proven optimality. It is the optimum of the time-indexed model (staff
  // and outlets change at period boundaries), not a bound on every plan, and not always
  // reachable by a continuous-time plan: compare with it, do not take ratios to it.
  bool optimal = false;
  std::string note;            // what limited it: "labour by 11:00", "fruit of I-B", "node limit"
  double seconds = 0;
};

// Closed form: for every cut-off k, parcels due by k that can be on time are limited by the
// labour available before k (each worker at their best rate on the box types due by k,
// station slots permitting), by the fruit of each product that reaches the floor before k,
// and by demand; the bound is the smallest over these nested limits.
Bound capacity_bound(const Instance& instance);

// The day as a plan made before it starts sees it, with nothing hidden: the forecast as the
// flow, no absences, no cancellations (orders still arrive at their minute). `coldsort plan`
// plans, checks, evaluates and bounds on this view, so the ratio compares like with like.
Instance planning_view(const Instance& instance);

}  // namespace coldsort::scheduler
