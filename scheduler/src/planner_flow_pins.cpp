// What a supervisor's pin costs: the same request re-planned without it (planner_flow.hpp).
#include <algorithm>

#include "planner_flow.hpp"

namespace coldsort::scheduler::flow {
namespace {

// Each pin costs a full re-plan; a supervisor pins a handful at a time.
constexpr std::size_t kMaxCostedPins = 4;

int lost_parcels(const PlanKpis& k) { return k.parcels_late + k.parcels_unplanned; }

}  // namespace

std::vector<PinCost> pin_costs(const PlanRequest& request, const Plan& with_pins) {
  std::vector<PinCost> costs;
  if (request.instance == nullptr) return costs;
  const Instance& in = *request.instance;
  const PlanKpis with = evaluate_plan(in, with_pins, request.published);
  const std::size_t n = std::min(in.pins.size(), kMaxCostedPins);
  for (std::size_t i = 0; i < n; ++i) {
    Instance without_pin = in;
    without_pin.pins.erase(without_pin.pins.begin() + static_cast<std::ptrdiff_t>(i));
    PlanRequest r = request;
    r.instance = &without_pin;
    // The same work as the plan with the pins, shared out: deterministic and bounded.
    r.max_iterations = request.max_iterations / static_cast<long>(n + 1);
    const Plan without = plan_day(r, FlowOptions{true, false});
    const PlanKpis k = evaluate_plan(in, without, request.published);
    // A heuristic may do a little worse without a pin than with it; the pin then costs nothing.
    costs.push_back({in.pins[i], std::max(0, lost_parcels(with) - lost_parcels(k)),
                     std::max(0.0, with.objective - k.objective)});
  }
  return costs;
}

}  // namespace coldsort::scheduler::flow
