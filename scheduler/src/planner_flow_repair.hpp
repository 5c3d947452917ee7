#pragma once
// Sequencing and local repair. The shared dispatcher sequences the orders, earliest cut-off
// first; then, within the iteration cap, moves are tried for what ends up late or unplanned,
// each re-dispatched and kept only when the score improves (late and unplanned parcels first):
//  - an order that cannot make its cut-off goes after those that still can, so it does not
//    make others late too (Moore-Hodgson's rule, for parcels);
//  - an outlet carries the late bucket's product for a block before its cut-off;
//  - a packer with the skill, idle or least busy, moves to a station the bucket reaches;
//  - the rest of the day is planned again from what the dispatcher really packed by then
//    (the fluid picture drifts from the floor's whole orders and waits over the day).
// Deterministic: candidates in a fixed order, first improvement kept, no clock.
// Thread safety: not thread-safe; one per planning run.
#include <vector>

#include "coldsort/scheduler/plan.hpp"
#include "dispatch.hpp"
#include "planner_flow_forward.hpp"
#include "planner_flow_model.hpp"
#include "planner_flow_setup.hpp"

namespace coldsort::scheduler::flow {

struct Score {
  int on_time = 0;    // parcels
  int late = 0;       // parcels planned after their cut-off
  int unplanned = 0;  // parcels of open orders not planned
  double objective() const { return late + unplanned - on_time * 1e-6; }
  bool better_than(const Score& o) const { return objective() < o.objective() - 1e-9; }
};

Score score_tasks(const Model& model, const Plan& plan);

class Repair {
 public:
  // `periods` are the forward pass's decisions; kept moves change them (and the plan).
  Repair(const Model& model, const Setup& setup, std::vector<PeriodPlan>& periods, Plan& plan,
         const DispatchOptions& base, long max_iterations);
  // Fills plan.tasks (and with kept moves plan.outlets and plan.staff); adds the work done to
  // plan.iterations.
  void run();

 private:
  struct Undo {
    std::vector<std::pair<std::pair<int, int>, StaffChoice>> staff;  // ((period index, worker), before)
    std::vector<std::pair<std::pair<int, int>, int>> outlets;        // ((period index, outlet), before)
    int tail_from = -1;                                              // periods replaced from here on
    std::vector<PeriodPlan> tail;
  };
  struct Deficit {
    int bucket;
    int parcels;
  };

  DispatchOptions options() const;
  Score dispatch(Plan& plan);
  bool budget_left() const;
  bool try_move(Undo undo);  // the move is applied already; keeps it or rolls it back
  void give_up_late_orders();
  std::vector<Deficit> deficits() const;
  void count_busy();
  bool movable(int period_index) const;
  int occupants(int period_index, int station) const;
  bool reaches_at(int period_index, int station, int product) const;
  bool outlet_moves(const Deficit& d);
  bool resync(int period_index);
  ForwardStart state_at(int period_index) const;
  bool worker_moves(const Deficit& d);

  const Model& m_;
  const Setup& setup_;
  std::vector<PeriodPlan>& periods_;
  Plan& plan_;
  DispatchOptions base_;
  long cap_;
  int guard_min_ = 0;  // no move before this minute (frozen window and its tasks)
  std::vector<char> given_up_;
  std::vector<std::vector<double>> busy_;  // period index x worker: minutes packing
  Score best_;
  long last_cost_ = 0;
};

// Dispatches and repairs: Repair(...).run().
void sequence_and_repair(const Model& model, const Setup& setup, std::vector<PeriodPlan>& periods, Plan& plan,
                         const DispatchOptions& base, long max_iterations);

}  // namespace coldsort::scheduler::flow
