// What a plan achieves, counted the same way for every method (docs/planning.md).
#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "coldsort/scheduler/plan.hpp"

namespace coldsort::scheduler {
namespace {

// Minutes a worker can work from `from_min` on: the shift minus breaks.
int available_minutes(const PlanWorker& w, int from_min) {
  const int start = std::max(from_min, w.shift.start_min);
  if (start >= w.shift.end_min) return 0;
  int minutes = w.shift.end_min - start;
  for (const Window& b : w.breaks)
    minutes -= std::max(0, std::min(b.end_min, w.shift.end_min) - std::max(b.start_min, start));
  return std::max(0, minutes);
}

// The station a worker stands at in each assignment, in time order.
std::map<std::string, std::vector<const StaffAssignment*>> staff_by_worker(const Plan& plan) {
  std::map<std::string, std::vector<const StaffAssignment*>> by;
  for (const StaffAssignment& a : plan.staff) by[a.worker].push_back(&a);
  for (auto& [w, list] : by)
    std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->window.start_min < b->window.start_min; });
  return by;
}

// Where a worker stands at each minute from `from` on, as a compact signature to compare plans.
std::vector<std::pair<Window, std::string>> future_of(const std::vector<const StaffAssignment*>& list, int from) {
  std::vector<std::pair<Window, std::string>> out;
  for (const StaffAssignment* a : list) {
    if (a->window.end_min <= from) continue;
    const Window w{std::max(from, a->window.start_min), a->window.end_min};
    if (!out.empty() && out.back().first.end_min == w.start_min && out.back().second == a->station)
      out.back().first.end_min = w.end_min;  // one stay, planned in several windows
    else
      out.push_back({w, a->station});
  }
  return out;
}

// Each outlet's products from `from` on as (start, end, product) segments, neighbours with
// the same product merged, so two plans that say the same thing in different windows match.
std::map<std::string, std::vector<std::tuple<int, int, std::string>>> outlet_segments(const Plan& plan, int from) {
  std::map<std::string, std::vector<std::tuple<int, int, std::string>>> by;
  for (const OutletAssignment& a : plan.outlets)
    if (a.window.end_min > from && !a.product.empty())
      by[a.outlet].emplace_back(std::max(from, a.window.start_min), a.window.end_min, a.product);
  for (auto& [o, list] : by) {
    std::sort(list.begin(), list.end());
    std::vector<std::tuple<int, int, std::string>> merged;
    for (auto& seg : list) {
      if (!merged.empty() && std::get<1>(merged.back()) == std::get<0>(seg) && std::get<2>(merged.back()) == std::get<2>(seg))
        std::get<1>(merged.back()) = std::get<1>(seg);
      else
        merged.push_back(seg);
    }
    list = std::move(merged);
  }
  return by;
}

int count_changes(const Plan& plan, const Plan& published) {
  const int from = plan.made_at_min;
  const auto mine = staff_by_worker(plan);
  const auto theirs = staff_by_worker(published);
  std::set<std::string> workers;
  for (const auto& [w, list] : mine) workers.insert(w);
  for (const auto& [w, list] : theirs) workers.insert(w);
  int changes = 0;
  for (const std::string& w : workers) {
    auto a = mine.count(w) ? future_of(mine.at(w), from) : std::vector<std::pair<Window, std::string>>{};
    auto b = theirs.count(w) ? future_of(theirs.at(w), from) : std::vector<std::pair<Window, std::string>>{};
    auto same = [](const auto& x, const auto& y) {
      return x.first.start_min == y.first.start_min && x.first.end_min == y.first.end_min && x.second == y.second;
    };
    if (a.size() != b.size() || !std::equal(a.begin(), a.end(), b.begin(), same)) ++changes;
  }
  const auto a = outlet_segments(plan, from), b = outlet_segments(published, from);
  std::set<std::string> outlets;
  for (const auto& [o, list] : a) outlets.insert(o);
  for (const auto& [o, list] : b) outlets.insert(o);
  for (const std::string& o : outlets) {
    auto ia = a.find(o), ib = b.find(o);
    if (ia == a.end() || ib == b.end() || ia->second != ib->second) ++changes;
  }
  return changes;
}

double fairness_ratio(const Plan& plan, const std::map<std::string, int>& parcels_by_worker) {
  // Parcels per staffed hour, over workers staffed at least an hour. A staffed worker who
  // packed nothing counts at 1 parcel/h so the ratio stays finite but shows it.
  std::map<std::string, double> staffed_h;
  for (const StaffAssignment& a : plan.staff)
    staffed_h[a.worker] += std::max(0, a.window.end_min - std::max(a.window.start_min, plan.made_at_min)) / 60.0;
  double lo = std::numeric_limits<double>::max(), hi = 0;
  for (const auto& [w, hours] : staffed_h) {
    if (hours < 1.0) continue;
    auto it = parcels_by_worker.find(w);
    const double rate = std::max(1.0, (it == parcels_by_worker.end() ? 0 : it->second) / hours);
    lo = std::min(lo, rate);
    hi = std::max(hi, rate);
  }
  return hi == 0 ? 1.0 : hi / lo;
}

}  // namespace

PlanKpis evaluate_plan(const Instance& in, const Plan& plan, const Plan* published) {
  PlanKpis k;
  std::map<std::string, const PlanOrder*> orders;
  for (const PlanOrder& o : in.orders) {
    if (o.cancelled_min >= 0 && o.cancelled_min <= plan.made_at_min) continue;
    orders[o.id] = &o;
    ++k.orders;
    k.parcels_demanded += o.boxes;
  }
  std::map<std::string, int> parcels_by_worker;
  double first = std::numeric_limits<double>::max(), last = 0, packing_min = 0;
  for (const PackTask& t : plan.tasks) {
    auto it = orders.find(t.order);
    if (it == orders.end()) continue;
    const int boxes = it->second->boxes;
    k.parcels_planned += boxes;
    (t.finish_min <= it->second->cutoff_min + 1e-6 ? k.parcels_on_time : k.parcels_late) += boxes;
    parcels_by_worker[t.worker] += boxes;
    first = std::min(first, t.start_min);
    last = std::max(last, t.finish_min);
    packing_min += t.finish_min - t.start_min;
  }
  k.parcels_unplanned = k.parcels_demanded - k.parcels_planned;
  k.on_time_rate = k.parcels_demanded ? static_cast<double>(k.parcels_on_time) / k.parcels_demanded : 1.0;
  k.parcels_per_h = last > first ? k.parcels_planned / ((last - first) / 60.0) : 0;
  double available_min = 0;
  for (const PlanWorker& w : in.workers)
    if (w.checked_in && !w.skills.empty()) available_min += available_minutes(w, plan.made_at_min);
  k.utilisation = available_min > 0 ? packing_min / available_min : 0;
  k.fairness_ratio = fairness_ratio(plan, parcels_by_worker);
  for (const auto& [w, list] : staff_by_worker(plan))
    for (std::size_t i = 1; i < list.size(); ++i)
      if (list[i]->station != list[i - 1]->station) ++k.reassignments;
  if (published != nullptr) k.changes_vs_published = count_changes(plan, *published);
  const PlanWeights& wt = in.weights;
  k.objective = wt.late_parcel * (k.parcels_late + k.parcels_unplanned) - wt.parcels_per_h * k.parcels_per_h +
                wt.fairness * (k.fairness_ratio - 1.0) + wt.change * k.changes_vs_published;
  return k;
}

}  // namespace coldsort::scheduler
