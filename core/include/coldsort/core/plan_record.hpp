#pragma once
// A published packing plan as the throughput log keeps it: the figures a manager compares
// across re-plans, and the whole plan as JSON for the HMI (the scheduler writes it; the store
// does not read inside it). Thread safety: plain value.
#include <string>

#include "coldsort/core/clock.hpp"

namespace coldsort::core {

struct PlanRecord {
  WallTime published_at{};
  std::string method;    // "flow", "edd", "fifo"
  std::string instance;  // the pack day's name
  int made_at_min = 0;   // minutes from the day's start
  int parcels_demanded = 0;
  int parcels_on_time = 0;
  int parcels_late = 0;
  int parcels_unplanned = 0;
  int changes = 0;        // assignments changed against the plan it replaced
  std::string plan_json;  // scheduler::plan_to_json
};

}  // namespace coldsort::core
