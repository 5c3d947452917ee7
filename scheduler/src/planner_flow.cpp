// "flow", the live planner: outlet allocation and staffing by min-cost flow over the demand
// buckets, sequencing by the shared dispatcher, then local repair; pins kept and costed.
#include "planner_flow.hpp"

#include <algorithm>

#include "plan_support.hpp"
#include "planner_flow_repair.hpp"
#include "planner_flow_setup.hpp"
#include "planners.hpp"

namespace coldsort::scheduler {
namespace flow {
namespace {

constexpr double kReplanRepairShare = 0.2;

// Orders of the published plan's frozen window: the dispatcher keeps those tasks, so the
// fluid picture leaves them out.
std::vector<std::string> frozen_orders(const PlanRequest& request) {
  std::vector<std::string> ids;
  if (request.published == nullptr) return ids;
  const double limit = request.now_min + std::max(0, request.frozen_min);
  for (const PackTask& t : request.published->tasks)
    if (t.start_min < limit) ids.push_back(t.order);
  return ids;
}

}  // namespace

Plan plan_day(const PlanRequest& request, const FlowOptions& options) {
  Plan plan;
  plan.method = "flow";
  plan.made_at_min = request.now_min;
  if (request.instance == nullptr) return plan;
  const Instance& in = *request.instance;
  plan.infeasible = find_infeasibilities(in, request.now_min);
  const Model model = build_model(in, request.now_min, frozen_orders(request));
  Setup setup = make_setup(model, request);
  plan.infeasible.insert(plan.infeasible.end(), setup.infeasible.begin(), setup.infeasible.end());
  std::vector<PeriodPlan> periods = run_forward(model, setup.forward);
  assemble(model, setup, periods, plan);
  DispatchOptions dispatch;
  dispatch.rule = DispatchRule::due_date;
  dispatch.now_min = request.now_min;
  dispatch.frozen = kept_frozen_tasks(in, request, plan);
  // A re-plan starts from a published plan that had its repair already: it repairs what the
  // change broke, with a smaller share of the work.
  long budget = options.repair ? request.max_iterations : 0;
  if (request.published != nullptr) budget = static_cast<long>(budget * kReplanRepairShare);
  sequence_and_repair(model, setup, periods, plan, dispatch, budget);
  if (options.pin_costs && !in.pins.empty()) plan.pin_costs = pin_costs(request, plan);
  plan.kpis = evaluate_plan(in, plan, request.published);
  return plan;
}

}  // namespace flow

namespace {

class FlowPlanner final : public Planner {
 public:
  std::string_view name() const override { return "flow"; }
  Plan plan(const PlanRequest& request) override { return flow::plan_day(request, {}); }
};

}  // namespace

std::unique_ptr<Planner> make_flow_planner() { return std::make_unique<FlowPlanner>(); }

}  // namespace coldsort::scheduler
