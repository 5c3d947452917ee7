#include "planning_report.hpp"

#include <algorithm>
#include <iomanip>
#include <map>
#include <iostream>
#include <set>

#include "coldsort/scheduler/plan_json.hpp"
#include "coldsort/scheduler/planner.hpp"
#include "coldsort/scheduler_bounds/lp_bounds.hpp"
#include "csv.hpp"

namespace coldsort::cli {
namespace {

namespace json = boost::json;

std::string percent(double share) { return format_fixed(100 * share, 2) + "%"; }

std::string ratio_to(const scheduler::Bound* bound, int on_time) {
  if (bound == nullptr || bound->on_time_parcels <= 0) return "-";
  return percent(on_time / bound->on_time_parcels);
}

json::object bound_json(const scheduler::Bound& b) {
  return {{"method", b.method}, {"on_time_parcels", b.on_time_parcels}, {"parcels_demanded", b.parcels_demanded},
          {"optimal", b.optimal}, {"note", b.note}, {"seconds", b.seconds}};
}

json::object day_json(const scheduler::DayKpis& d) {
  return {{"cold_wait_p50_min", d.cold_wait_p50_min}, {"cold_wait_p95_min", d.cold_wait_p95_min},
          {"fruit_expired", d.fruit_expired},         {"overflow_outlet_min", d.overflow_outlet_min},
          {"starvation_outlet_min", d.starvation_outlet_min}, {"replans", d.replans},
          {"reassignments", d.reassignments},         {"plan_ms_p50", d.plan_ms_p50},
          {"plan_ms_max", d.plan_ms_max}};
}

}  // namespace

std::optional<std::vector<std::string>> methods_named(const std::string& method, const char* command) {
  if (method == "all") return scheduler::planner_methods();
  if (scheduler::make_planner(method)) return std::vector<std::string>{method};
  std::cerr << command << ": unknown method \"" << method << "\"; one of";
  for (const std::string& m : scheduler::planner_methods()) std::cerr << " " << m;
  std::cerr << ", or all\n";
  return std::nullopt;
}

std::optional<scheduler::Instance> instance_from(const std::string& file, const char* command) {
  auto loaded = scheduler::load_instance(file);
  if (!loaded.instance) {
    std::cerr << command << ": invalid instance " << file << ":\n" << loaded.errors.joined();
    return std::nullopt;
  }
  return std::move(*loaded.instance);
}

const scheduler::Bound* Bounds::best() const {
  const scheduler::Bound* best = nullptr;
  for (const scheduler::Bound& b : computed)  // "exact" is an optimum of a model, not a bound
    if (b.method != "exact" && (best == nullptr || b.on_time_parcels < best->on_time_parcels)) best = &b;
  return best;
}

std::optional<Bounds> compute_bounds(const scheduler::Instance& instance, const std::string& which,
                                     const char* command) {
  static const std::vector<std::string> kOrder = {"none", "capacity", "lp", "exact"};
  auto level = std::find(kOrder.begin(), kOrder.end(), which);
  if (level == kOrder.end()) {
    std::cerr << command << ": unknown --bound \"" << which << "\" (none, capacity, lp, exact)\n";
    return std::nullopt;
  }
  Bounds out;
  const auto rank = level - kOrder.begin();
  if (rank >= 1) out.computed.push_back(scheduler::capacity_bound(instance));
  if (rank >= 2) out.computed.push_back(scheduler_bounds::lp_bound(instance));
  if (rank >= 3) out.computed.push_back(scheduler_bounds::exact_optimum(instance));
  return out;
}

void print_instance(std::ostream& out, const scheduler::Instance& in) {
  int parcels = 0;
  std::set<int> cutoffs;
  std::set<std::string> couriers;
  for (const scheduler::PlanOrder& o : in.orders) {
    parcels += o.boxes;
    cutoffs.insert(o.cutoff_min);
    couriers.insert(o.courier);
  }
  int packers = 0;
  for (const scheduler::PlanWorker& w : in.workers) packers += w.skills.empty() ? 0 : 1;
  out << "instance " << in.name << ": " << in.orders.size() << " orders, " << parcels << " parcels, "
      << cutoffs.size() << " cut-offs over " << couriers.size() << " couriers; " << in.products.size()
      << " products, " << in.outlets.size() << " outlets, " << in.stations.size() << " stations, "
      << in.workers.size() << " workers (" << packers << " pack); " << in.horizon_min << " min from "
      << in.day_start << "\n";
}

void print_bounds(std::ostream& out, const Bounds& bounds) {
  for (const scheduler::Bound& b : bounds.computed)
    out << "bound " << std::left << std::setw(9) << b.method << std::right << format_fixed(b.on_time_parcels, 1)
        << " of " << b.parcels_demanded << " parcels on time" << (b.optimal ? " (optimal)" : "") << " in "
        << format_fixed(b.seconds, 2) << " s" << (b.note.empty() ? "" : "; " + b.note) << "\n";
}

void print_results(std::ostream& out, const std::vector<MethodResult>& rows, const Bounds& bounds) {
  const scheduler::Bound* bound = bounds.best();
  out << "\n" << std::left << std::setw(8) << "method" << std::right << std::setw(9) << "on time" << std::setw(9)
      << "rate" << std::setw(10) << "vs bound" << std::setw(7) << "late" << std::setw(10) << "unpacked"
      << std::setw(11) << "parcels/h" << std::setw(8) << "util" << std::setw(9) << "fairness" << std::setw(9)
      << "moves" << std::setw(10) << "plan ms" << std::setw(12) << "violations" << "\n";
  for (const MethodResult& r : rows) {
    const scheduler::PlanKpis& k = r.kpis;
    out << std::left << std::setw(8) << r.method << std::right << std::setw(9) << k.parcels_on_time << std::setw(9)
        << percent(k.on_time_rate) << std::setw(10) << ratio_to(bound, k.parcels_on_time) << std::setw(7)
        << k.parcels_late << std::setw(10) << k.parcels_unplanned << std::setw(11) << format_fixed(k.parcels_per_h, 0)
        << std::setw(8) << format_fixed(100 * k.utilisation, 0) + "%"
        << std::setw(9) << format_fixed(k.fairness_ratio, 2) << std::setw(9)
        << (r.day ? r.day->reassignments : k.reassignments) << std::setw(10) << format_fixed(r.plan_ms, 1)
        << std::setw(12) << r.violations.size() << "\n";
  }
  for (const MethodResult& r : rows) {
    if (r.day) {
      const scheduler::DayKpis& d = *r.day;
      out << r.method << " day: fruit out of the cold p50 " << format_fixed(d.cold_wait_p50_min, 1) << " min, p95 "
          << format_fixed(d.cold_wait_p95_min, 1) << " min; " << d.fruit_expired << " fruit back to the cold unpacked; "
          << "outlet overflow " << format_fixed(d.overflow_outlet_min, 0) << " outlet-min, starvation "
          << format_fixed(d.starvation_outlet_min, 0) << " station-min; " << d.replans << " re-plans (p50 "
          << format_fixed(d.plan_ms_p50, 1) << " ms, max " << format_fixed(d.plan_ms_max, 1) << " ms)\n";
    }
    if (!r.infeasible.empty()) out << r.method << ": " << r.infeasible.size() << " cannot be planned:\n";
    for (std::size_t i = 0; i < r.infeasible.size() && i < 10; ++i)
      out << "  " << r.infeasible[i].subject << ": " << r.infeasible[i].reason << "\n";
    if (r.infeasible.size() > 10) out << "  ... and " << r.infeasible.size() - 10 << " more (--json lists all)\n";
    for (std::size_t i = 0; i < r.violations.size() && i < 10; ++i)
      out << r.method << " VIOLATION " << r.violations[i].subject << ": " << r.violations[i].rule << "\n";
  }
}

void print_report(std::ostream& out, const scheduler::Instance& instance, const Bounds& bounds,
                  const std::vector<MethodResult>& rows, bool as_json) {
  if (as_json) {
    out << json::serialize(results_json(instance, bounds, rows)) << "\n";
    return;
  }
  print_instance(out, instance);
  print_bounds(out, bounds);
  print_results(out, rows, bounds);
}

json::object results_json(const scheduler::Instance& instance, const Bounds& bounds,
                          const std::vector<MethodResult>& rows) {
  json::array bound_list, methods;
  for (const scheduler::Bound& b : bounds.computed) bound_list.push_back(bound_json(b));
  const scheduler::Bound* bound = bounds.best();
  for (const MethodResult& r : rows) {
    json::array violations;
    for (const scheduler::Violation& v : r.violations)
      violations.push_back(json::object{{"subject", v.subject}, {"rule", v.rule}});
    json::object m{{"method", r.method},
                   {"kpis", json::parse(scheduler::kpis_to_json(r.kpis))},
                   {"ratio_to_bound", bound && bound->on_time_parcels > 0
                                          ? json::value(r.kpis.parcels_on_time / bound->on_time_parcels)
                                          : json::value(nullptr)},
                   {"plan_ms", r.plan_ms},
                   {"iterations", r.iterations},
                   {"violations", violations}};
    json::array infeasible;
    for (const scheduler::Infeasibility& f : r.infeasible)
      infeasible.push_back(json::object{{"subject", f.subject}, {"reason", f.reason}});
    m["infeasible"] = std::move(infeasible);
    if (r.day) m["day"] = day_json(*r.day);
    methods.push_back(std::move(m));
  }
  return {{"instance", instance.name}, {"bounds", bound_list}, {"methods", methods}};
}

}  // namespace coldsort::cli
