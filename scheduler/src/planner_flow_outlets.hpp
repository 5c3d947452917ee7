#pragma once
// Outlet allocation for one block of periods (an hour by default): which product each product
// outlet carries. Each product is worth the labour it should get in the block (its SKUs' needs,
// filled most valuable first with the packers there are), per box type; an outlet gives it
// the station slots it feeds that pack those box types (shared with the other outlets feeding
// them), and its first outlet is worth more (its fruit only reaches the floor while carried).
// First an assignment by min-cost flow over Boost.Graph — the k-th outlet of a product worth
// the part of its need an average outlet covers (parallel arcs of rising cost), integral
// because an outlet carries one product at a time; then the rounding that matters: local
// moves against each outlet's real reach (one outlet to another product, or two in a chain
// when the first move would strip a product). Changing an outlet's product costs (its buffer
// runs out first); a re-plan starts from the published allocation instead of the flow.
// Thread safety: pure functions.
#include <string>
#include <vector>

#include "planner_flow_demand.hpp"
#include "planner_flow_model.hpp"

namespace coldsort::scheduler::flow {

struct OutletInputs {
  std::vector<int> previous;   // per instance outlet: product in the block before (kNone = idle)
  std::vector<int> published;  // per instance outlet: product in the published plan (kNone = idle/none)
  std::vector<int> fixed;      // per instance outlet: pinned or frozen product, kNone = free
  long change_cost = 2000;     // points per outlet that changes product
  int workers = 0;             // packers available in the block
  int first_period = 0;  // the block's first period
  int block_periods = 4;
};

struct OutletDecision {
  std::vector<int> product;      // per instance outlet, kNone = idle
  std::vector<double> need;      // per product: packers it should get in the block
};

OutletDecision allocate_outlets(const Model& model, const std::vector<SkuNeed>& needs, const OutletInputs& inputs);

// The packers each SKU should get when `workers` are shared out most valuable tier first.
std::vector<double> grant_units(const std::vector<SkuNeed>& needs, double workers);

}  // namespace coldsort::scheduler::flow
