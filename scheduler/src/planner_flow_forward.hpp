#pragma once
// The live planner's forward pass: from the first period it may plan to the end of the day,
// block by block (an hour) it allocates outlets, period by period it staffs, and after each
// period it lets the staffed packers work through the open demand in the fluid picture, so the
// next period is planned against what is left (the mix drift and the cut-offs followed).
// Thread safety: pure function.
#include <vector>

#include "planner_flow_demand.hpp"
#include "planner_flow_model.hpp"
#include "planner_flow_staffing.hpp"

namespace coldsort::scheduler::flow {

struct ForwardSetup {
  int from_period = 0;  // the first period planned here (earlier ones are kept from the published plan)
  // Per period (whole day) x worker / outlet; kNone = free. Pins and what must stay.
  std::vector<std::vector<int>> fixed_worker;
  std::vector<std::vector<int>> fixed_outlet;
  // Per period x worker / outlet: the published plan (kNone = not staffed / idle); empty = none.
  std::vector<std::vector<int>> published_worker;
  std::vector<std::vector<int>> published_outlet;
  std::vector<int> start_worker;  // station each worker stands at when planning starts (kNone)
  std::vector<int> start_outlet;  // product each outlet carries then (kNone)
  long staff_change = 300;
  long outlet_change = 2000;
  long fairness = 100;
  int block_periods = 4;
  double efficiency = 0.9;  // share of staffed minutes the fluid picture counts as packing
};

struct PeriodPlan {
  int period = 0;
  bool block_start = false;
  std::vector<int> outlet;           // per instance outlet: product, kNone = idle
  std::vector<StaffChoice> staff;    // per worker
  std::vector<SkuNeed> needs;        // the needs staffing worked with
  std::vector<double> product_need;  // per product: packers it should get (block starts)
  std::vector<double> sku_rate;      // per SKU: parcels/h of the packers staffed for it
  std::vector<double> bucket_left;   // per bucket: parcels left when the period began
};

// The state of the day where a pass starts, when it does not start with the plan: the repair
// re-plans the rest of the day from what the dispatcher actually packed by then.
struct ForwardStart {
  int period = 0;
  std::vector<double> left;    // per bucket: parcels not packed yet
  std::vector<double> fruit;   // per product: fruit at the outlets
  std::vector<int> outlet;     // per instance outlet: product carried just before
  std::vector<int> station;    // per worker: station just before
  std::vector<double> load;    // per worker: minutes staffed so far
};

std::vector<PeriodPlan> run_forward(const Model& model, const ForwardSetup& setup, const ForwardStart* start = nullptr);

}  // namespace coldsort::scheduler::flow
