// The hard constraints of plan.hpp, each broken one named in words.
#include <algorithm>
#include <cmath>
#include <map>

#include "coldsort/scheduler/plan.hpp"
#include "fruit_pool.hpp"

namespace coldsort::scheduler {
namespace {

constexpr double kTimeSlack = 1e-6;  // task times are sums of fractional parcel times

bool overlaps(double a0, double a1, double b0, double b1) { return a0 < b1 - kTimeSlack && b0 < a1 - kTimeSlack; }

std::string window_text(const Window& w) {
  return "[" + std::to_string(w.start_min) + ", " + std::to_string(w.end_min) + ")";
}

class Checker {
 public:
  Checker(const Instance& in, const Plan& plan) : in_(in), plan_(plan) {}

  std::vector<Violation> run() {
    check_outlets();
    check_staff();
    check_tasks();
    check_fruit();
    return std::move(found_);
  }

 private:
  void add(std::string subject, std::string rule) { found_.push_back({std::move(subject), std::move(rule)}); }

  void check_outlets() {
    std::map<std::string, std::vector<const OutletAssignment*>> by_outlet;
    for (const OutletAssignment& a : plan_.outlets) {
      const std::string subject = "outlet " + a.outlet + " " + window_text(a.window);
      const PlanOutlet* outlet = in_.find_outlet(a.outlet);
      if (outlet == nullptr) { add(subject, "unknown outlet"); continue; }
      if (!a.product.empty() && outlet->kind != core::OutletKind::product)
        add(subject, "carries product " + a.product + " but is not a product outlet");
      if (!a.product.empty() && in_.find_product(a.product) == nullptr) add(subject, "unknown product " + a.product);
      by_outlet[a.outlet].push_back(&a);
    }
    for (auto& [outlet, list] : by_outlet)
      for (std::size_t i = 0; i < list.size(); ++i)
        for (std::size_t j = i + 1; j < list.size(); ++j)
          if (overlaps(list[i]->window.start_min, list[i]->window.end_min, list[j]->window.start_min,
                       list[j]->window.end_min))
            add("outlet " + outlet, "two products at once: " + list[i]->product + " " + window_text(list[i]->window) +
                                        " and " + list[j]->product + " " + window_text(list[j]->window));
  }

  void check_staff() {
    std::map<std::pair<std::string, int>, std::vector<const StaffAssignment*>> by_slot;
    std::map<std::string, std::vector<const StaffAssignment*>> by_worker;
    for (const StaffAssignment& a : plan_.staff) {
      const std::string subject = "staffing " + a.worker + " at " + a.station + " " + window_text(a.window);
      const PlanWorker* w = in_.find_worker(a.worker);
      const PlanStation* s = in_.find_station(a.station);
      if (w == nullptr || s == nullptr) { add(subject, w == nullptr ? "unknown worker" : "unknown station"); continue; }
      if (a.slot < 0 || a.slot >= s->slots) add(subject, "slot " + std::to_string(a.slot) + " does not exist");
      if (a.window.start_min < w->shift.start_min || a.window.end_min > w->shift.end_min)
        add(subject, "outside the shift " + window_text(w->shift));
      if (!w->checked_in && a.window.end_min > plan_.made_at_min) add(subject, "worker not checked in");
      by_slot[{a.station, a.slot}].push_back(&a);
      by_worker[a.worker].push_back(&a);
    }
    auto pairwise = [&](const auto& groups, const std::string& what) {
      for (const auto& [key, list] : groups)
        for (std::size_t i = 0; i < list.size(); ++i)
          for (std::size_t j = i + 1; j < list.size(); ++j)
            if (overlaps(list[i]->window.start_min, list[i]->window.end_min, list[j]->window.start_min,
                         list[j]->window.end_min))
              add("staffing " + list[i]->worker + " and " + list[j]->worker, what + " " +
                                                                                 window_text(list[i]->window) + " / " +
                                                                                 window_text(list[j]->window));
    };
    pairwise(by_slot, "share one station slot at once:");
    pairwise(by_worker, "one worker in two places at once:");
  }

  bool staffed(const PackTask& t) const {
    // The task's span must be covered by the worker's staffing at that station (windows may
    // follow one another).
    double covered_to = t.start_min;
    std::vector<const StaffAssignment*> mine;
    for (const StaffAssignment& a : plan_.staff)
      if (a.worker == t.worker && a.station == t.station) mine.push_back(&a);
    std::sort(mine.begin(), mine.end(), [](auto* a, auto* b) { return a->window.start_min < b->window.start_min; });
    for (const StaffAssignment* a : mine)
      if (a->window.start_min <= covered_to + kTimeSlack && a->window.end_min > covered_to)
        covered_to = a->window.end_min;
    return covered_to + kTimeSlack >= t.finish_min;
  }

  bool reachable(const PackTask& t, const PlanOrder& o) const {
    const int minute = static_cast<int>(std::floor(t.start_min + kTimeSlack));
    for (const OutletAssignment& a : plan_.outlets) {
      if (a.product != o.product || !a.window.contains(minute)) continue;
      const PlanOutlet* outlet = in_.find_outlet(a.outlet);
      if (outlet != nullptr &&
          std::find(outlet->stations.begin(), outlet->stations.end(), t.station) != outlet->stations.end())
        return true;
    }
    return false;
  }

  void check_task(const PackTask& t, const PlanOrder& o, const std::string& subject) {
    const PlanWorker* w = in_.find_worker(t.worker);
    const PlanStation* s = in_.find_station(t.station);
    if (w == nullptr || s == nullptr) { add(subject, w == nullptr ? "unknown worker" : "unknown station"); return; }
    const double rate = w->rate_for(o.box_type);
    if (rate <= 0) add(subject, "worker " + w->id + " cannot pack " + o.box_type);
    else if (std::abs((t.finish_min - t.start_min) - o.boxes * 60.0 / rate) > 1e-3)
      add(subject, "lasts " + std::to_string(t.finish_min - t.start_min) + " min, not boxes x 60 / rate");
    if (std::find(s->box_types.begin(), s->box_types.end(), o.box_type) == s->box_types.end())
      add(subject, "station " + s->id + " cannot pack " + o.box_type);
    if (t.start_min + kTimeSlack < o.arrival_min) add(subject, "starts before the order arrived");
    for (const Window& b : w->breaks)
      if (overlaps(t.start_min, t.finish_min, b.start_min, b.end_min)) add(subject, "crosses a break " + window_text(b));
    for (const Window& d : s->down)
      if (overlaps(t.start_min, t.finish_min, d.start_min, d.end_min)) add(subject, "station down " + window_text(d));
    if (!staffed(t)) add(subject, "worker " + w->id + " is not staffed at " + s->id + " for the whole task");
    if (!reachable(t, o)) add(subject, "no outlet carrying " + o.product + " reaches " + s->id);
  }

  void check_tasks() {
    std::map<std::string, const PlanOrder*> orders;
    for (const PlanOrder& o : in_.orders) orders[o.id] = &o;
    std::map<std::string, int> times_planned;
    std::map<std::string, std::vector<const PackTask*>> by_worker;
    for (const PackTask& t : plan_.tasks) {
      const std::string subject = "task " + t.order;
      auto it = orders.find(t.order);
      if (it == orders.end()) { add(subject, "unknown or closed order"); continue; }
      if (++times_planned[t.order] == 2) add(subject, "order planned twice");
      check_task(t, *it->second, subject);
      by_worker[t.worker].push_back(&t);
    }
    for (auto& [worker, list] : by_worker) {
      std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->start_min < b->start_min; });
      for (std::size_t i = 1; i < list.size(); ++i)
        if (list[i]->start_min + kTimeSlack < list[i - 1]->finish_min)
          add("task " + list[i]->order, "worker " + worker + " is still packing " + list[i - 1]->order);
    }
  }

  void check_fruit() {
    std::map<std::string, const PlanOrder*> orders;
    for (const PlanOrder& o : in_.orders) orders[o.id] = &o;
    std::vector<const PackTask*> tasks;
    for (const PackTask& t : plan_.tasks)
      if (t.start_min + kTimeSlack >= plan_.made_at_min && orders.count(t.order) != 0) tasks.push_back(&t);
    std::stable_sort(tasks.begin(), tasks.end(), [](auto* a, auto* b) { return a->start_min < b->start_min; });
    FruitPool pool(in_, in_.planning_flow(), plan_.outlets, plan_.made_at_min);
    for (const PackTask* t : tasks) {
      const PlanOrder& o = *orders[t->order];
      const BoxType* box = in_.find_box_type(o.box_type);
      const std::size_t product = pool.index_of(o.product);
      if (box == nullptr || product >= in_.products.size()) continue;
      if (!pool.take_at(t->start_min, product, static_cast<double>(box->fruit_per_box) * o.boxes))
        add("task " + t->order, "not enough fresh fruit of " + o.product + " at the outlets (cold limit " +
                                    std::to_string(in_.cold_limit_min) + " min)");
    }
  }

  const Instance& in_;
  const Plan& plan_;
  std::vector<Violation> found_;
};

}  // namespace

std::vector<Violation> check_plan(const Instance& instance, const Plan& plan) { return Checker(instance, plan).run(); }

std::string product_at(const Plan& plan, std::string_view outlet, int minute) {
  for (const OutletAssignment& a : plan.outlets)
    if (a.outlet == outlet && a.window.contains(minute)) return a.product;
  return {};
}

}  // namespace coldsort::scheduler
