// Plans to and from JSON (plan_json.hpp).
#include "coldsort/scheduler/plan_json.hpp"

#include <boost/json.hpp>

namespace coldsort::scheduler {
namespace {

namespace json = boost::json;
using core::ObjectReader;

json::array window_json(const Window& w) { return {w.start_min, w.end_min}; }

// KPI fields by name, so writing and reading cannot drift apart.
constexpr std::pair<const char*, int PlanKpis::*> kIntKpis[] = {
    {"orders", &PlanKpis::orders},
    {"parcels_demanded", &PlanKpis::parcels_demanded},
    {"parcels_planned", &PlanKpis::parcels_planned},
    {"parcels_on_time", &PlanKpis::parcels_on_time},
    {"parcels_late", &PlanKpis::parcels_late},
    {"parcels_unplanned", &PlanKpis::parcels_unplanned},
    {"reassignments", &PlanKpis::reassignments},
    {"changes_vs_published", &PlanKpis::changes_vs_published},
};
constexpr std::pair<const char*, double PlanKpis::*> kRealKpis[] = {
    {"on_time_rate", &PlanKpis::on_time_rate},   {"parcels_per_h", &PlanKpis::parcels_per_h},
    {"utilisation", &PlanKpis::utilisation},     {"fairness_ratio", &PlanKpis::fairness_ratio},
    {"objective", &PlanKpis::objective},
};

json::object kpis_object(const PlanKpis& k) {
  json::object out;
  for (auto [name, member] : kIntKpis) out[name] = k.*member;
  for (auto [name, member] : kRealKpis) out[name] = k.*member;
  return out;
}

Window read_window(ObjectReader& r, std::string_view key) {
  std::vector<double> v = r.numbers(key);
  if (v.size() != 2 || v[0] >= v[1] || v[0] < 0) {
    r.error(key, "expected [start_min, end_min] with 0 <= start < end");
    return {};
  }
  return {static_cast<int>(v[0]), static_cast<int>(v[1])};
}

void read_assignments(ObjectReader& root, Plan& plan) {
  root.objects("outlets", true, [&](ObjectReader& r) {
    OutletAssignment a;
    a.outlet = r.string("outlet");
    a.product = r.string("product", "");
    a.window = read_window(r, "window");
    a.reason = r.string("reason", "");
    a.pinned = r.boolean("pinned", false);
    r.finish();
    plan.outlets.push_back(std::move(a));
  });
  root.objects("staff", true, [&](ObjectReader& r) {
    StaffAssignment a;
    a.worker = r.string("worker");
    a.station = r.string("station");
    a.slot = static_cast<int>(r.integer("slot", 0, 7, 0));
    a.window = read_window(r, "window");
    a.reason = r.string("reason", "");
    a.pinned = r.boolean("pinned", false);
    r.finish();
    plan.staff.push_back(std::move(a));
  });
  root.objects("tasks", true, [&](ObjectReader& r) {
    PackTask t;
    t.order = r.string("order");
    t.station = r.string("station");
    t.worker = r.string("worker");
    t.start_min = r.number("start_min", 0, 24 * 60);
    t.finish_min = r.number("finish_min", 0, 24 * 60);
    if (t.finish_min < t.start_min) r.error("finish_min", "before start_min");
    t.reason = r.string("reason", "");
    r.finish();
    plan.tasks.push_back(std::move(t));
  });
}

}  // namespace

std::string kpis_to_json(const PlanKpis& kpis) { return json::serialize(kpis_object(kpis)); }

std::string plan_to_json(const Plan& plan) {
  json::array outlets, staff, tasks, infeasible;
  for (const OutletAssignment& a : plan.outlets)
    outlets.push_back(json::object{{"outlet", a.outlet}, {"product", a.product}, {"window", window_json(a.window)},
                                   {"reason", a.reason}, {"pinned", a.pinned}});
  for (const StaffAssignment& a : plan.staff)
    staff.push_back(json::object{{"worker", a.worker}, {"station", a.station}, {"slot", a.slot},
                                 {"window", window_json(a.window)}, {"reason", a.reason}, {"pinned", a.pinned}});
  for (const PackTask& t : plan.tasks)
    tasks.push_back(json::object{{"order", t.order}, {"station", t.station}, {"worker", t.worker},
                                 {"start_min", t.start_min}, {"finish_min", t.finish_min}, {"reason", t.reason}});
  for (const Infeasibility& i : plan.infeasible)
    infeasible.push_back(json::object{{"subject", i.subject}, {"reason", i.reason}});
  json::array pin_costs;
  for (const PinCost& c : plan.pin_costs)
    pin_costs.push_back(json::object{{"subject", c.pin.subject}, {"target", c.pin.target},
                                     {"late_parcels_added", c.late_parcels_added},
                                     {"objective_added", c.objective_added}});
  return json::serialize(json::object{
      {"schema_version", 1}, {"method", plan.method}, {"instance", plan.instance}, {"day_start", plan.day_start},
      {"made_at_min", plan.made_at_min}, {"iterations", plan.iterations}, {"kpis", kpis_object(plan.kpis)},
      {"outlets", outlets}, {"staff", staff}, {"tasks", tasks}, {"infeasible", infeasible},
      {"pin_costs", pin_costs}});
}

LoadedPlan load_plan_text(std::string_view text, const std::string& name) {
  LoadedPlan out;
  auto doc = core::parse_json_text(text, name, out.errors);
  if (!doc) return out;
  ObjectReader root(*doc, name, out.errors);
  if (!root.valid()) return out;
  Plan plan;
  root.integer("schema_version", 1, 1);
  plan.method = root.string("method");
  plan.instance = root.string("instance", "");
  plan.day_start = root.string("day_start", "07:00");
  plan.made_at_min = static_cast<int>(root.integer("made_at_min", 0, 24 * 60, 0));
  plan.iterations = root.integer("iterations", 0, INT64_MAX, 0);
  if (auto k = root.child("kpis", false)) {
    for (auto [key, member] : kIntKpis) plan.kpis.*member = static_cast<int>(k->integer(key, 0, INT32_MAX, 0));
    for (auto [key, member] : kRealKpis) plan.kpis.*member = k->number(key, -1e18, 1e18, 0);
    k->finish();
  }
  read_assignments(root, plan);
  root.objects("infeasible", false, [&](ObjectReader& r) {
    plan.infeasible.push_back({r.string("subject"), r.string("reason")});
    r.finish();
  });
  root.objects("pin_costs", false, [&](ObjectReader& r) {
    PinCost c;
    c.pin.subject = r.string("subject");
    c.pin.target = r.string("target");
    c.late_parcels_added = static_cast<int>(r.integer("late_parcels_added", INT32_MIN, INT32_MAX, 0));
    c.objective_added = r.number("objective_added", -1e18, 1e18, 0);
    r.finish();
    plan.pin_costs.push_back(std::move(c));
  });
  root.finish();
  if (out.errors.empty()) out.plan = std::move(plan);
  return out;
}

LoadedPlan load_plan(const std::string& file) {
  LoadedPlan out;
  auto doc = core::parse_json_file(file, out.errors);
  if (!doc) return out;
  return load_plan_text(json::serialize(*doc), file);
}

std::map<std::string, std::string> outlet_products_at(const Plan& plan, int minute) {
  std::map<std::string, std::string> out;
  for (const OutletAssignment& a : plan.outlets)
    if (!a.product.empty() && a.window.contains(minute)) out[a.outlet] = a.product;
  return out;
}

}  // namespace coldsort::scheduler
