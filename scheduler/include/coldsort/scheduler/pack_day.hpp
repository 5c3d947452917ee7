#pragma once
// The pack-day simulator: a seeded discrete-event run of one day with a planning method in the
// loop. The instance holds the day's truth (actual flow, absences, cancellations, orders with
// their arrival times); planners only ever see what is known at the time they are called.
// Thread safety: a run is single-threaded and owns all its state.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "coldsort/scheduler/instance.hpp"
#include "coldsort/scheduler/plan.hpp"
#include "coldsort/scheduler/planner.hpp"

namespace coldsort::scheduler {

struct DayOptions {
  std::uint64_t seed = 1;
  double rate_noise = 0.10;   // each parcel's time varies by this share (lognormal-ish)
  double flow_noise = 0.05;   // the grader's flow per product varies by this share per period
  int replan_every_min = 30;  // periodic re-plan; events re-plan at once as well
  // Orders arriving or cancelled re-plan once this many gathered since the last plan (the
  // floor skips a cancelled order by itself; a peak day has thousands of either).
  int replan_new_orders = 100;
  int replan_cancellations = 25;
  int frozen_min = 20;
  // Called as simulated time advances (for a progress bar); may be empty.
  std::function<void(int now_min, int horizon_min)> progress;
};

struct DayKpis {
  PlanKpis parcels;  // as packed in the simulated day (parcels_planned = parcels packed)
  double cold_wait_p50_min = 0;  // fruit minutes from outlet to packed, over packed fruit
  double cold_wait_p95_min = 0;
  int fruit_expired = 0;          // fruit sent back into the cold unpacked (cold limit or overflow)
  double overflow_outlet_min = 0;    // outlet-minutes with the buffer full
  double starvation_outlet_min = 0;  // station-minutes a staffed station waited for fruit
  int replans = 0;
  int reassignments = 0;  // workers told to move during the day
  double plan_ms_p50 = 0;
  double plan_ms_max = 0;
};

// One parcel as the simulated floor packed it; indices into the instance's vectors.
struct PackedParcel {
  std::size_t order = 0;
  std::size_t worker = 0;
  std::size_t station = 0;
  double start_min = 0;
  double finish_min = 0;
  int fruit = 0;             // taken from the outlets when the parcel started
  double cold_wait_min = 0;  // mean minutes its fruit waited at the outlets before packing
};

struct DayResult {
  DayKpis kpis;
  Plan last_plan;
  std::vector<std::string> log;  // one line per re-plan trigger: "10:00 re-plan: 3 workers absent"
  // Every parcel packed, in finishing order, including parcels of orders cancelled later
  // (they count in no KPI but they used fruit and labour).
  std::vector<PackedParcel> parcels;
  double fruit_packed = 0;  // fruit taken from the outlets into parcels
  double fruit_left = 0;    // fruit still waiting at the outlets when the day ended
};

DayResult simulate_day(const Instance& instance, Planner& planner, const DayOptions& options = {});

// The day as a live planner knows it at `now_min`, given what was packed so far
// (`packed_boxes[i]` for `instance.orders[i]`; empty = nothing yet).
Instance known_at(const Instance& truth, int now_min, const std::vector<int>& packed_boxes = {});

}  // namespace coldsort::scheduler
