// The part of the published plan a re-plan keeps (plan_support.hpp): its staffing up to where
// new staffing may start, and the tasks of its frozen window ("a packer's current box and
// next few orders never move"), each only while the instance still allows it.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "plan_support.hpp"

namespace coldsort::scheduler {
namespace {

constexpr double kSlack = 1e-6;

bool crosses(const std::vector<Window>& windows, double start, double finish) {
  return std::any_of(windows.begin(), windows.end(), [&](const Window& w) {
    return start < w.end_min - kSlack && w.start_min < finish - kSlack;
  });
}

// The task's span lies in the worker's staffing at its station (windows may follow one another).
bool staffed(const Plan& plan, const PackTask& t) {
  std::vector<Window> mine;
  for (const StaffAssignment& a : plan.staff)
    if (a.worker == t.worker && a.station == t.station) mine.push_back(a.window);
  std::sort(mine.begin(), mine.end(), [](const Window& a, const Window& b) { return a.start_min < b.start_min; });
  double covered_to = t.start_min;
  for (const Window& w : mine)
    if (w.start_min <= covered_to + kSlack && w.end_min > covered_to) covered_to = w.end_min;
  return covered_to + kSlack >= t.finish_min;
}

bool reached(const Instance& in, const Plan& plan, const PackTask& t, const std::string& product) {
  const int minute = static_cast<int>(std::floor(t.start_min + kSlack));
  for (const OutletAssignment& a : plan.outlets) {
    if (a.product != product || !a.window.contains(minute)) continue;
    const PlanOutlet* outlet = in.find_outlet(a.outlet);
    if (outlet != nullptr && std::count(outlet->stations.begin(), outlet->stations.end(), t.station) > 0) return true;
  }
  return false;
}

// Whether a published task can still happen as it was planned.
bool still_valid(const Instance& in, const Plan& plan, const PackTask& t, const PlanOrder& o) {
  const PlanWorker* w = in.find_worker(t.worker);
  const PlanStation* s = in.find_station(t.station);
  if (w == nullptr || s == nullptr || !w->checked_in) return false;
  const double rate = w->rate_for(o.box_type);
  if (rate <= 0 || std::count(s->box_types.begin(), s->box_types.end(), o.box_type) == 0) return false;
  // Boxes changed (part packed, order edited): the task is no longer the one published.
  if (std::abs((t.finish_min - t.start_min) - o.boxes * 60.0 / rate) > 1e-3) return false;
  if (w->absent_from_min >= 0 && t.finish_min > w->absent_from_min + kSlack) return false;
  if (t.start_min + kSlack < o.arrival_min) return false;
  if (crosses(w->breaks, t.start_min, t.finish_min) || crosses(s->down, t.start_min, t.finish_min)) return false;
  return staffed(plan, t) && reached(in, plan, t, o.product);
}

}  // namespace

std::vector<StaffAssignment> kept_published_staff(const Instance& in, const PlanRequest& request, int staff_from_min) {
  std::vector<StaffAssignment> kept;
  if (request.published == nullptr) return kept;
  for (const StaffAssignment& a : request.published->staff) {
    if (a.window.start_min >= staff_from_min) continue;
    const PlanWorker* w = in.find_worker(a.worker);
    const PlanStation* s = in.find_station(a.station);
    if (w == nullptr || s == nullptr || a.slot < 0 || a.slot >= s->slots) continue;
    Window win{std::max(a.window.start_min, w->shift.start_min),
               std::min({a.window.end_min, staff_from_min, w->shift.end_min})};
    if (!w->checked_in) win.end_min = std::min(win.end_min, request.now_min);  // history only
    if (w->absent_from_min >= 0) win.end_min = std::min(win.end_min, w->absent_from_min);
    if (win.start_min >= win.end_min) continue;
    StaffAssignment copy = a;
    copy.window = win;
    kept.push_back(std::move(copy));
  }
  return kept;
}

std::vector<PackTask> kept_frozen_tasks(const Instance& in, const PlanRequest& request, const Plan& plan) {
  std::vector<PackTask> kept;
  if (request.published == nullptr) return kept;
  const double limit = request.now_min + std::max(0, request.frozen_min);
  std::map<std::string_view, const PlanOrder*> open;
  for (const PlanOrder& o : in.orders)
    if (is_open(o, request.now_min)) open.emplace(o.id, &o);
  std::set<std::string_view> taken;
  for (const PackTask& t : request.published->tasks) {
    if (t.start_min >= limit) continue;
    auto it = open.find(t.order);
    if (it == open.end() || taken.count(t.order) != 0 || !still_valid(in, plan, t, *it->second)) continue;
    taken.insert(it->first);
    kept.push_back(t);
  }
  std::stable_sort(kept.begin(), kept.end(), [](const PackTask& a, const PackTask& b) { return a.start_min < b.start_min; });
  return kept;
}

}  // namespace coldsort::scheduler
