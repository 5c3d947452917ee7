// The frame the two baselines share (planners.hpp): everything but how workers are staffed.
#include <algorithm>

#include "planners.hpp"

namespace coldsort::scheduler {
namespace {

// Supervisor pins on workers: hard, placed before anything else. A pin that cannot be kept
// (worker away, no free slot) is reported, never silently moved.
void place_worker_pins(const Instance& in, const InstanceIndex& index, int now_min, StaffBoard& board,
                       std::vector<Infeasibility>& infeasible) {
  for (const Pin& pin : in.pins) {
    if (pin.kind != Pin::Kind::worker_station) continue;
    const std::string subject = "pin worker " + pin.subject + " to " + pin.target;
    const int w = index.worker(pin.subject), s = index.station(pin.target);
    if (w < 0 || s < 0) {
      infeasible.push_back({subject, "unknown worker or station"});
      continue;
    }
    const Window avail = staffable_window(in.workers[static_cast<std::size_t>(w)], now_min, in.horizon_min);
    const Window win{std::max(pin.window.start_min, avail.start_min), std::min(pin.window.end_min, avail.end_min)};
    if (pin.window.end_min <= now_min) continue;  // over already
    if (win.start_min >= win.end_min) {
      infeasible.push_back({subject, "the worker is not checked in or not on shift in the pin's window"});
      continue;
    }
    const int slot = board.free_slot(s, win);
    if (slot < 0 || !board.worker_free(w, win)) {
      infeasible.push_back({subject, slot < 0 ? "no free slot at the station in the pin's window"
                                              : "clashes with another pin of the same worker"});
      continue;
    }
    board.add(w, s, slot, win, "pinned by the supervisor", true);
  }
}

}  // namespace

int published_station(const Plan* published, const InstanceIndex& index, std::string_view worker, int minute) {
  if (published == nullptr) return -1;
  const StaffAssignment* best = nullptr;
  for (const StaffAssignment& a : published->staff) {
    if (a.worker != worker || a.pinned) continue;
    if (a.window.contains(minute)) return index.station(a.station);
    if (a.window.start_min < minute && (best == nullptr || a.window.start_min > best->window.start_min)) best = &a;
  }
  return best == nullptr ? -1 : index.station(best->station);
}

Plan BaselinePlanner::plan(const PlanRequest& request) {
  Plan plan;
  plan.method = std::string(name());
  plan.made_at_min = request.now_min;
  if (request.instance == nullptr) return plan;
  const Instance& in = *request.instance;
  const InstanceIndex index(in);
  plan.infeasible = find_infeasibilities(in, request.now_min);
  plan.outlets = static_outlet_allocation(in, index, request.now_min, request.published);
  apply_outlet_pins(in, index, request.now_min, plan.outlets, plan.infeasible);
  const ReachMap reach(in, index, plan.outlets);

  StaffBoard board(in);
  place_worker_pins(in, index, request.now_min, board, plan.infeasible);
  const int staff_from = staffing_from_min(in, request);
  for (const StaffAssignment& a : kept_published_staff(in, request, staff_from))
    board.add_free_parts(index.worker(a.worker), index.station(a.station), a.slot, a.window, a.reason, a.pinned);
  StaffingContext context{in, index, request, reach, board, staff_from};
  staff(context);
  plan.staff = board.assignments();

  DispatchOptions options;
  options.rule = rule();
  options.now_min = request.now_min;
  options.frozen = kept_frozen_tasks(in, request, plan);
  dispatch_orders(in, plan, options);
  plan.kpis = evaluate_plan(in, plan, request.published);
  return plan;
}

}  // namespace coldsort::scheduler
