// What a request fixes before the live planner decides (planner_flow_setup.hpp).
#include <algorithm>
#include <cmath>

#include "plan_support.hpp"
#include "planner_flow_setup.hpp"

namespace coldsort::scheduler::flow {
namespace {

using Grid = std::vector<std::vector<int>>;

Grid none_grid(int periods, std::size_t width) {
  return Grid(static_cast<std::size_t>(std::max(0, periods)), std::vector<int>(width, kNone));
}

// Periods [first, last] that `window` overlaps, within the day.
std::pair<int, int> periods_of(const Model& m, const Window& window) {
  return {std::max(0, window.start_min / m.period_min), std::min(m.periods - 1, (window.end_min - 1) / m.period_min)};
}

void read_worker_pins(const Model& m, Setup& s) {
  const Instance& in = m.instance();
  std::vector<std::vector<int>> slots_taken = none_grid(m.periods, in.stations.size());
  for (auto& row : slots_taken) std::fill(row.begin(), row.end(), 0);
  for (const Pin& pin : in.pins) {
    if (pin.kind != Pin::Kind::worker_station) continue;
    const std::string subject = "pin worker " + pin.subject + " to " + pin.target;
    const int w = m.worker_index(pin.subject), st = m.station_index(pin.target);
    const Window win{std::max(pin.window.start_min, m.now_min), std::min(pin.window.end_min, in.horizon_min)};
    if (win.start_min >= win.end_min) continue;  // over already
    if (w == kNone || st == kNone) {
      s.infeasible.push_back({subject, "unknown worker or station"});
      continue;
    }
    bool works = false;
    for (int minute = win.start_min; minute < win.end_min && !works; ++minute) works = m.worker_can_work(w, minute);
    if (!works) {
      s.infeasible.push_back({subject, "the worker is not checked in or not on shift in the pin's window"});
      continue;
    }
    const auto [first, last] = periods_of(m, win);
    bool clash = false, full = false;
    for (int p = first; p <= last; ++p) {
      const int fixed = s.forward.fixed_worker[static_cast<std::size_t>(p)][static_cast<std::size_t>(w)];
      clash = clash || (fixed != kNone && fixed != st);
      full = full || slots_taken[static_cast<std::size_t>(p)][static_cast<std::size_t>(st)] >=
                         in.stations[static_cast<std::size_t>(st)].slots;
    }
    if (clash || full) {
      s.infeasible.push_back({subject, full ? "no free slot at the station in the pin's window"
                                            : "clashes with another pin of the same worker"});
      continue;
    }
    for (int p = first; p <= last; ++p) {
      s.forward.fixed_worker[static_cast<std::size_t>(p)][static_cast<std::size_t>(w)] = st;
      ++slots_taken[static_cast<std::size_t>(p)][static_cast<std::size_t>(st)];
    }
    s.worker_pins.push_back({w, st, win});
  }
}

void read_outlet_pins(const Model& m, Setup& s) {
  // Clashes and unknown ids are reported by apply_outlet_pins when the plan is assembled.
  for (const Pin& pin : m.instance().pins) {
    if (pin.kind != Pin::Kind::outlet_product) continue;
    const int o = m.outlet_index(pin.subject), p = m.product_index(pin.target);
    const Window win{std::max(pin.window.start_min, m.now_min), std::min(pin.window.end_min, m.instance().horizon_min)};
    if (o == kNone || p == kNone || win.start_min >= win.end_min) continue;
    if (std::find(m.product_outlets.begin(), m.product_outlets.end(), o) == m.product_outlets.end()) continue;
    const auto [first, last] = periods_of(m, win);
    for (int t = first; t <= last; ++t) {
      int& cell = s.forward.fixed_outlet[static_cast<std::size_t>(t)][static_cast<std::size_t>(o)];
      if (cell == kNone) cell = p;
    }
  }
}

void read_published(const Model& m, const Plan& published, Setup& s) {
  const Instance& in = m.instance();
  s.forward.published_worker = none_grid(m.periods, in.workers.size());
  s.forward.published_outlet = none_grid(m.periods, in.outlets.size());
  Grid overlap = none_grid(m.periods, in.workers.size());
  for (const StaffAssignment& a : published.staff) {
    const int w = m.worker_index(a.worker), st = m.station_index(a.station);
    if (w == kNone || st == kNone || a.window.end_min <= m.now_min) continue;
    const auto [first, last] = periods_of(m, a.window);
    for (int p = first; p <= last; ++p) {
      const int minutes = std::min(a.window.end_min, m.period_end(p)) - std::max(a.window.start_min, m.period_start(p));
      int& best = overlap[static_cast<std::size_t>(p)][static_cast<std::size_t>(w)];
      if (minutes > 0 && minutes > best) {
        best = minutes;
        s.forward.published_worker[static_cast<std::size_t>(p)][static_cast<std::size_t>(w)] = st;
      }
    }
  }
  for (const OutletAssignment& a : published.outlets) {
    const int o = m.outlet_index(a.outlet), p = m.product_index(a.product);
    if (o == kNone || p == kNone || a.window.end_min <= m.now_min) continue;
    for (int t = m.first_period; t < m.periods; ++t)
      if (a.window.contains(m.period_start(t))) s.forward.published_outlet[static_cast<std::size_t>(t)][static_cast<std::size_t>(o)] = p;
  }
}

// A packer on a frozen task that runs past the frozen staffing stays at that station until
// the task is done (the dispatcher keeps the task only while it is staffed).
void keep_frozen_packers(const Model& m, const Plan& published, int frozen_until, Setup& s) {
  for (const PackTask& t : published.tasks) {
    if (t.start_min < m.now_min || t.start_min >= frozen_until || t.finish_min <= s.staff_from_min) continue;
    const int w = m.worker_index(t.worker), st = m.station_index(t.station);
    if (w == kNone || st == kNone) continue;
    const int last = std::min(m.periods - 1, m.period_of(static_cast<int>(std::ceil(t.finish_min)) - 1));
    for (int p = m.period_of(s.staff_from_min); p <= last; ++p) {
      int& cell = s.forward.fixed_worker[static_cast<std::size_t>(p)][static_cast<std::size_t>(w)];
      if (cell == kNone) cell = st;
    }
  }
}

std::vector<OutletAssignment> kept_outlets(const Model& m, const Plan* published, int until_min) {
  std::vector<OutletAssignment> kept;
  if (published == nullptr) return kept;
  for (const OutletAssignment& a : published->outlets) {
    const Window win{std::max(a.window.start_min, m.now_min), std::min(a.window.end_min, until_min)};
    if (win.start_min >= win.end_min || a.product.empty() || a.pinned) continue;
    OutletAssignment copy = a;
    copy.window = win;
    kept.push_back(std::move(copy));
  }
  return kept;
}

// The instance weights are per late parcel (1000), per change (5), per unit of fairness ratio
// (10); the planner's points put an average packer-period near 1000-2000. At the default
// weight a move costs about half a packer-period of required work and an outlet's change of
// product (its buffer runs out first, fruit may be lost) several packer-periods, so moves
// happen for clear gains only; tuned on the generated ladder (xs..peak, several seeds).
constexpr double kStaffChangePerWeight = 120;
constexpr double kOutletChangePerWeight = 1000;

}  // namespace

Weights planner_weights(const Instance& instance) {
  Weights w;
  w.staff_change = std::lround(kStaffChangePerWeight * instance.weights.change);
  w.outlet_change = std::lround(kOutletChangePerWeight * instance.weights.change);
  w.fairness = std::lround(10.0 * instance.weights.fairness);
  return w;
}

Setup make_setup(const Model& m, const PlanRequest& request) {
  const Instance& in = m.instance();
  Setup s;
  s.staff_from_min = std::max(m.now_min, staffing_from_min(in, request));
  s.kept_staff = kept_published_staff(in, request, s.staff_from_min);
  s.kept_outlets = kept_outlets(m, request.published, s.staff_from_min);
  ForwardSetup& f = s.forward;
  f.from_period = s.staff_from_min >= in.horizon_min ? m.periods : m.period_of(s.staff_from_min);
  f.fixed_worker = none_grid(m.periods, in.workers.size());
  f.fixed_outlet = none_grid(m.periods, in.outlets.size());
  const Weights weights = planner_weights(in);
  f.staff_change = weights.staff_change;
  f.outlet_change = weights.outlet_change;
  f.fairness = weights.fairness;
  f.block_periods = std::max(1, 60 / m.period_min);
  read_worker_pins(m, s);
  read_outlet_pins(m, s);
  if (request.published != nullptr) {
    read_published(m, *request.published, s);
    keep_frozen_packers(m, *request.published, request.now_min + std::max(0, request.frozen_min), s);
  }
  f.start_worker.assign(in.workers.size(), kNone);
  f.start_outlet.assign(in.outlets.size(), kNone);
  const int before = s.staff_from_min - 1;
  for (const StaffAssignment& a : s.kept_staff)
    if (a.window.contains(before))
      if (int w = m.worker_index(a.worker); w != kNone) f.start_worker[static_cast<std::size_t>(w)] = m.station_index(a.station);
  for (const OutletAssignment& a : s.kept_outlets)
    if (a.window.contains(before))
      if (int o = m.outlet_index(a.outlet); o != kNone) f.start_outlet[static_cast<std::size_t>(o)] = m.product_index(a.product);
  return s;
}

}  // namespace coldsort::scheduler::flow
