#pragma once
// The live planner "flow" (make_flow_planner in planners.hpp), its steps exposed for the pin
// costs (a re-plan without each pin) and for tests.
// Thread safety: pure functions.
#include <vector>

#include "coldsort/scheduler/planner.hpp"

namespace coldsort::scheduler::flow {

struct FlowOptions {
  bool repair = true;     // local repair after the first dispatch (within max_iterations)
  bool pin_costs = true;  // re-plan without each pin to say what it costs
};

Plan plan_day(const PlanRequest& request, const FlowOptions& options);

// What each of the instance's pins costs: the plan without it against `with_pins` (never
// negative: a pin the heuristic happens to do better with costs nothing). Bounded: the first
// four pins, each re-planned with an equal share of the iteration cap and no pin costs.
std::vector<PinCost> pin_costs(const PlanRequest& request, const Plan& with_pins);

}  // namespace coldsort::scheduler::flow
