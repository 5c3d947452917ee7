#pragma once
// What a planning request fixes before the live planner decides anything: the published plan
// read per period (for change costs), its frozen part (kept as it is), and the supervisor's
// pins (hard; a pin that cannot be kept is reported, never moved). Then, after the forward
// pass, the plan's outlet and staff assignments with a reason each.
// Thread safety: pure functions.
#include <vector>

#include "coldsort/scheduler/planner.hpp"
#include "planner_flow_forward.hpp"
#include "planner_flow_model.hpp"

namespace coldsort::scheduler::flow {

struct WorkerPin {
  int worker = kNone;
  int station = kNone;
  Window window;  // clipped to the day from now on
};

struct Setup {
  ForwardSetup forward;
  int staff_from_min = 0;                      // new staffing starts here (frozen part before)
  std::vector<StaffAssignment> kept_staff;     // the published staffing before staff_from_min
  std::vector<OutletAssignment> kept_outlets;  // the published outlets before staff_from_min
  std::vector<WorkerPin> worker_pins;          // pins that can be kept
  std::vector<Infeasibility> infeasible;       // pins that cannot
};

struct Weights {
  long staff_change = 300;
  long outlet_change = 2000;
  long fairness = 100;
};
// Planner points from the instance's soft-objective weights.
Weights planner_weights(const Instance& instance);

Setup make_setup(const Model& model, const PlanRequest& request);

// The plan's outlets and staff (with reasons) from the kept part, the pins and the forward pass.
void assemble(const Model& model, const Setup& setup, const std::vector<PeriodPlan>& periods, Plan& plan);

}  // namespace coldsort::scheduler::flow
