#pragma once
// The Planner seam: every planning method (the live one and the two baselines) takes the day
// as it is known now and returns a plan for the rest of it. Same input, same plan: methods are
// deterministic and cap their work by iterations, never by the clock.
// Thread safety: a Planner is used by one thread at a time; different instances are independent.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/scheduler/instance.hpp"
#include "coldsort/scheduler/plan.hpp"

namespace coldsort::scheduler {

// The day as known at `now_min`: `instance` holds only what a live planner may know then —
// the open orders (arrived, not cancelled, boxes still to pack), workers' check-in state, the
// forecast flow (`planning_flow()`), down time reported so far, the supervisor's pins.
struct PlanRequest {
  const Instance* instance = nullptr;
  int now_min = 0;
  // The plan the floor is working to (null at the start of the day). Changes against it cost
  // `weights.change`; its assignments and tasks starting before now + frozen_min are kept as
  // they are (a packer's current box and next few orders never move).
  const Plan* published = nullptr;
  int frozen_min = 20;
  long max_iterations = 200'000;
};

class Planner {
 public:
  virtual ~Planner() = default;
  virtual std::string_view name() const = 0;
  virtual Plan plan(const PlanRequest& request) = 0;
};

// "flow" (the live planner), "fifo" and "edd" (baselines); nullptr for an unknown name.
std::unique_ptr<Planner> make_planner(std::string_view method);
std::vector<std::string> planner_methods();

// "Where should this worker go": the best stations for a worker now, best first.
struct StationSuggestion {
  std::string station;
  double gain = 0;  // parcels on time the move adds (estimate)
  std::string reason;
};
std::vector<StationSuggestion> suggest_stations(const PlanRequest& request, std::string_view worker,
                                                int how_many = 3);

}  // namespace coldsort::scheduler
