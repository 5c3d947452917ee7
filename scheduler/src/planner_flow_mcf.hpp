#pragma once
// A min-cost max-flow problem over Boost.Graph (successive shortest paths with nonnegative
// weights), the solver behind the live planner's outlet allocation and staffing. Costs are
// integers (kept exact in the solver's doubles, so reduced costs never turn negative by
// rounding); every arc cost must be >= 0.
// Thread safety: not thread-safe; one per solve.
#include <memory>

namespace coldsort::scheduler::flow {

class MinCostFlow {
 public:
  MinCostFlow();
  ~MinCostFlow();
  MinCostFlow(const MinCostFlow&) = delete;
  MinCostFlow& operator=(const MinCostFlow&) = delete;

  int add_node();
  // Returns the arc's id for `flow`. `cost` >= 0 per unit of flow.
  int add_arc(int from, int to, long capacity, long cost);
  // Sends as much flow as possible from `source` to `sink` at the least cost; returns the flow.
  long solve(int source, int sink);
  long flow(int arc) const;
  int nodes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coldsort::scheduler::flow
