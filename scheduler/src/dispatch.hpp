#pragma once
// Sequencing shared by every planning method: given a plan's outlet allocation and staffing,
// run the rest of the day forward (deterministically, at the instance's rates and planning
// flow) and fill `plan.tasks`: whenever a staffed worker is free at a station, the worker takes
// the next open order the station can pack at that moment (box type, skill, product reachable
// through an outlet, fruit there; see plan.hpp), chosen by the rule. Orders never taken stay
// unplanned. Methods differ in the allocation and staffing they give it, and in the rule.
// Thread safety: pure function.
#include <functional>
#include <vector>

#include "coldsort/scheduler/plan.hpp"

namespace coldsort::scheduler {

enum class DispatchRule {
  arrival,   // FIFO: the order that arrived first
  due_date,  // EDD: earliest cut-off, then higher priority, then arrival
};

struct DispatchOptions {
  DispatchRule rule = DispatchRule::due_date;
  int now_min = 0;
  // Tasks already fixed (frozen window of the published plan): kept as they are, their
  // orders and fruit counted as taken, their workers busy until they finish.
  std::vector<PackTask> frozen;
  // Optional: a station's preference for an order, smaller first, applied before the rule
  // (the live planner uses it to keep a station on the demand bucket it was given).
  std::function<double(const PlanOrder&, const PlanStation&)> preference;
};

void dispatch_orders(const Instance& instance, Plan& plan, const DispatchOptions& options);

}  // namespace coldsort::scheduler
