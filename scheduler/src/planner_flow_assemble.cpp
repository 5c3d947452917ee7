// The plan's outlet and staff assignments from the forward pass (planner_flow_setup.hpp).
#include <algorithm>

#include "plan_support.hpp"
#include "planner_flow_reasons.hpp"
#include "planner_flow_setup.hpp"
#include "staff_board.hpp"

namespace coldsort::scheduler::flow {
namespace {

// The stretches of [start, end) in which the worker can work.
std::vector<Window> working_pieces(const Model& m, int w, int start, int end) {
  std::vector<Window> out;
  for (int minute = start; minute < end; ++minute) {
    if (!m.worker_can_work(w, minute)) continue;
    if (!out.empty() && out.back().end_min == minute) ++out.back().end_min;
    else out.push_back({minute, minute + 1});
  }
  return out;
}

// `piece` cut at the worker's pin windows: (part, pinned).
std::vector<std::pair<Window, bool>> split_at_pins(const Setup& s, int w, int station, const Window& piece) {
  std::vector<std::pair<Window, bool>> out{{piece, false}};
  for (const WorkerPin& pin : s.worker_pins) {
    if (pin.worker != w || pin.station != station) continue;
    std::vector<std::pair<Window, bool>> next;
    for (const auto& [part, pinned] : out) {
      const Window cut{std::max(part.start_min, pin.window.start_min), std::min(part.end_min, pin.window.end_min)};
      if (pinned || cut.start_min >= cut.end_min) {
        next.emplace_back(part, pinned);
        continue;
      }
      if (part.start_min < cut.start_min) next.push_back({{part.start_min, cut.start_min}, false});
      next.push_back({cut, true});
      if (cut.end_min < part.end_min) next.push_back({{cut.end_min, part.end_min}, false});
    }
    out = std::move(next);
  }
  return out;
}

void assemble_outlets(const Model& m, const Setup& s, const std::vector<PeriodPlan>& periods, Plan& plan) {
  plan.outlets = s.kept_outlets;
  for (int o : m.product_outlets) {
    std::size_t i = 0;
    while (i < periods.size()) {
      const int product = periods[i].outlet[static_cast<std::size_t>(o)];
      std::size_t j = i;
      while (j + 1 < periods.size() && periods[j + 1].outlet[static_cast<std::size_t>(o)] == product) ++j;
      if (product != kNone)
        plan.outlets.push_back({m.instance().outlets[static_cast<std::size_t>(o)].id,
                                m.instance().products[static_cast<std::size_t>(product)].id,
                                {m.period_start(periods[i].period), m.period_end(periods[j].period)},
                                outlet_reason(m, periods[i], o, product), false});
      i = j + 1;
    }
  }
  apply_outlet_pins(m.instance(), InstanceIndex(m.instance()), m.now_min, plan.outlets, plan.infeasible);
}

void assemble_staff(const Model& m, const Setup& s, const std::vector<PeriodPlan>& periods, Plan& plan) {
  const Instance& in = m.instance();
  StaffBoard board(in);
  // The frozen part: pins first, then what the published plan had there.
  for (const WorkerPin& pin : s.worker_pins)
    for (const Window& piece : working_pieces(m, pin.worker, pin.window.start_min, std::min(pin.window.end_min, s.staff_from_min))) {
      const int slot = board.free_slot(pin.station, piece);
      if (slot >= 0 && board.worker_free(pin.worker, piece)) board.add(pin.worker, pin.station, slot, piece, "pinned by the supervisor", true);
    }
  for (const StaffAssignment& a : s.kept_staff) {
    const int w = m.worker_index(a.worker), st = m.station_index(a.station);
    if (w != kNone && st != kNone) board.add_free_parts(w, st, a.slot, a.window, a.reason, a.pinned);
  }
  std::vector<int> slot_of(in.workers.size(), -1), previous(in.workers.size(), kNone);
  std::vector<std::string> reason_of(in.workers.size());
  for (std::size_t w = 0; w < in.workers.size(); ++w) previous[w] = s.forward.start_worker[w];
  for (const PeriodPlan& pp : periods) {
    for (std::size_t w = 0; w < in.workers.size(); ++w) {
      const int st = pp.staff[w].station;
      const int wi = static_cast<int>(w);
      if (st == kNone) {
        previous[w] = kNone;
        continue;
      }
      if (previous[w] != st || reason_of[w].empty()) reason_of[w] = staff_reason(m, pp, wi, st);
      const std::string& reason = reason_of[w];
      if (previous[w] != st) slot_of[w] = -1;
      previous[w] = st;
      for (const Window& piece : working_pieces(m, wi, m.period_start(pp.period), m.period_end(pp.period)))
        for (const auto& [part, pinned] : split_at_pins(s, wi, st, piece)) {
          const int slot = board.free_slot(st, part, slot_of[w]);
          if (slot < 0 || !board.worker_free(wi, part)) continue;
          slot_of[w] = slot;
          board.add(wi, st, slot, part, pinned ? "pinned by the supervisor" : reason, pinned);
        }
    }
  }
  plan.staff = board.assignments();
}

}  // namespace

void assemble(const Model& m, const Setup& s, const std::vector<PeriodPlan>& periods, Plan& plan) {
  assemble_outlets(m, s, periods, plan);
  assemble_staff(m, s, periods, plan);
}

}  // namespace coldsort::scheduler::flow
