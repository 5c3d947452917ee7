#pragma once
// Staffing for one planning period as min-cost flow: workers -> (station, box type) -> SKU ->
// sink. A SKU's arcs to the sink carry its needs tier by tier (required, ahead, late), each
// worth its points — concave, so the flow spreads packers over the SKUs the way the needs ask.
// A worker's arc costs what the move costs: a change against the previous period and against
// the published plan, the worker's load so far above the mean (a convex fairness cost: equal
// workers end up with equal loads), and a slower rate than the best packer of that box type.
// Every worker can stay idle at a cost of the ceiling, so every path is a trade against it.
// Pinned and frozen workers are fixed before the flow; in `restricted` mode so are workers who
// can usefully stay where they were (stable and cheap), and only the rest go through the flow.
// Thread safety: pure function.
#include <string>
#include <vector>

#include "planner_flow_demand.hpp"
#include "planner_flow_model.hpp"

namespace coldsort::scheduler::flow {

struct StaffInputs {
  int period = 0;
  std::vector<SkuNeed> needs;                 // fruit-capped needs of the period
  std::vector<std::vector<int>> reachable;    // per station: SKUs it can pack now, most urgent first
  std::vector<int> previous;                  // per worker: station in the period before (kNone)
  std::vector<int> published;                 // per worker: station in the published plan now (kNone), or empty
  std::vector<int> fixed;                     // per worker: pinned/frozen station (kNone = free)
  std::vector<double> load_min;               // per worker: minutes staffed so far in this plan
  long change_cost = 300;                     // points per move
  long fairness_cost = 100;                   // points per period of load above the mean
  bool restricted = false;
};

struct StaffChoice {
  int station = kNone;
  int sku = kNone;  // the SKU the worker is there for
  bool kept = false;   // stayed where the worker was
  bool moved = false;  // moved there by the repair, for a late bucket
};

std::vector<StaffChoice> staff_period(const Model& model, const StaffInputs& inputs);

// Reachable SKUs per station given the outlets' products (per instance outlet), most urgent first.
std::vector<std::vector<int>> reachable_skus(const Model& model, const std::vector<int>& outlet_product,
                                             const std::vector<SkuNeed>& needs);

}  // namespace coldsort::scheduler::flow
