#pragma once
// The planning methods behind `make_planner` (planner.hpp), and the frame the two baselines
// share. Internal to the scheduler module.
// Thread safety: a planner is used by one thread at a time (planner.hpp).
#include <memory>

#include "coldsort/scheduler/planner.hpp"
#include "dispatch.hpp"
#include "plan_support.hpp"
#include "staff_board.hpp"

namespace coldsort::scheduler {

// "fifo": orders in arrival order to the first free station, workers fixed all day.
std::unique_ptr<Planner> make_fifo_planner();
// "edd": greedy earliest-due-date staffing per period, orders by cut-off.
std::unique_ptr<Planner> make_edd_planner();
// "flow": the live planner (defined by its own files, planner_flow*.cpp).
std::unique_ptr<Planner> make_flow_planner();

// What a baseline's staffing step works with. New staffing starts at `staff_from_min`; pins
// and the kept part of the published plan are on the board already.
struct StaffingContext {
  const Instance& instance;
  const InstanceIndex& index;
  const PlanRequest& request;
  const ReachMap& reach;
  StaffBoard& board;
  int staff_from_min = 0;
};

// The frame of fifo and edd: static outlet allocation with pins, supervisor pins on workers,
// the published plan's frozen part, the method's staffing, `dispatch_orders` by the method's
// rule, infeasibilities and KPIs. Subclasses say how workers are staffed.
class BaselinePlanner : public Planner {
 public:
  Plan plan(const PlanRequest& request) final;

 protected:
  virtual DispatchRule rule() const = 0;
  virtual void staff(StaffingContext& context) = 0;
};

// The station a worker stood at in the published plan around `minute` (unpinned assignments:
// the one covering it, else the latest before); -1 when none.
int published_station(const Plan* published, const InstanceIndex& index, std::string_view worker, int minute);

}  // namespace coldsort::scheduler
