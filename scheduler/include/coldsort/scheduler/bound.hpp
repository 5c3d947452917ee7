#pragma once
// Upper bounds on what any plan could achieve for an instance, so a plan's quality reads as a
// ratio to the bound and not only to the baselines. Bounds use hindsight (the actual flow, the
// absences and cancellations, every order including those that arrive later), so they are
// valid for every method and for the simulated day.
// Thread safety: pure functions.
#include <string>

#include "coldsort/scheduler/instance.hpp"

namespace coldsort::scheduler {

struct Bound {
  std::string method;          // "capacity", "lp", "exact"
  double on_time_parcels = 0;  // no plan packs more parcels by their cut-offs than this
  int parcels_demanded = 0;    // parcels of orders not cancelled
  bool optimal = false;        // "exact" solved to proven optimality (then it is reachable)
  std::string note;            // what limited it: "labour by 11:00", "fruit of I-B", "node limit"
  double seconds = 0;
};

// Closed form: for every cut-off k, parcels due by k that can be on time are limited by the
// labour available before k (each worker at their best rate on the box types due by k,
// station slots permitting), by the fruit of each product that reaches the floor before k,
// and by demand; the bound is the smallest over these nested limits.
Bound capacity_bound(const Instance& instance);

}  // namespace coldsort::scheduler
