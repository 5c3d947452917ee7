// The live planner "flow": hard constraints, quality against the baselines, fair splits, pins,
// the frozen window, stability, determinism, reasons and the "where should this worker go"
// suggestion, on small hand-made days and the committed XS day.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "coldsort/scheduler/pack_day.hpp"
#include "coldsort/scheduler/planner.hpp"
#include "planner_flow_mcf.hpp"
#include "planners.hpp"

using namespace coldsort::scheduler;

namespace {

namespace json = boost::json;

Instance load(const json::object& doc) {
  auto loaded = load_instance_text(json::serialize(doc), "test.json");
  INFO(loaded.errors.joined());
  REQUIRE(loaded.instance);
  return *loaded.instance;
}

Instance load_file(const std::string& name) {
  auto loaded = load_instance(std::string(COLDSORT_CONFIG_DIR) + "/instances/" + name);
  INFO(loaded.errors.joined());
  REQUIRE(loaded.instance);
  return *loaded.instance;
}

Plan plan_with(const std::string& method, const Instance& in, int now = 0, const Plan* published = nullptr) {
  auto planner = method == "flow" ? make_flow_planner() : make_planner(method);
  REQUIRE(planner);
  PlanRequest r;
  r.instance = &in;
  r.now_min = now;
  r.published = published;
  return planner->plan(r);
}

std::string violations(const Instance& in, const Plan& plan) {
  std::string text;
  for (const Violation& v : check_plan(in, plan)) text += v.subject + ": " + v.rule + "\n";
  return text;
}

json::array flat(double fruit_per_s, int periods) {
  json::array a;
  for (int i = 0; i < periods; ++i) a.push_back(fruit_per_s);
  return a;
}

json::object box(const std::string& id, int fruit) {
  return {{"id", id}, {"fruit_per_box", fruit}, {"nominal_kg", 2.0}};
}

json::object station(const std::string& id, json::array boxes, int slots = 1) {
  return {{"id", id}, {"box_types", boxes}, {"slots", slots}};
}

json::object worker(const std::string& id, json::array skills, json::array shift = {0, 120}) {
  return {{"id", id}, {"skills", skills}, {"shift", shift}};
}

json::object skill(const std::string& box_type, double rate) { return {{"box_type", box_type}, {"parcels_per_h", rate}}; }

json::object order(const std::string& id, const std::string& product, const std::string& box_type, int cutoff,
                   int boxes = 1) {
  return {{"id", id}, {"product", product}, {"box_type", box_type}, {"boxes", boxes}, {"courier", "SF"},
          {"cutoff_min", cutoff}};
}

json::object day(const std::string& name, int horizon = 120) {
  return {{"schema_version", 1}, {"name", name}, {"horizon_min", horizon}, {"period_min", 15}};
}

// Seven equal packers at seven stations fed by one outlet, twelve equal one-box orders.
Instance seven_packers() {
  json::object d = day("seven");
  json::array stations, reach, workers, orders;
  for (int i = 1; i <= 7; ++i) {
    stations.push_back(station("S" + std::to_string(i), {"gift-4"}));
    reach.push_back(json::string("S" + std::to_string(i)));
    workers.push_back(worker("W" + std::to_string(i), {skill("gift-4", 20)}));
  }
  for (int i = 1; i <= 12; ++i) orders.push_back(order("O" + std::to_string(i), "I-B", "gift-4", 120));
  d["box_types"] = json::array{box("gift-4", 4)};
  d["products"] = json::array{json::object{{"id", "I-B"}, {"grade", "class_i"}, {"size_code", "B"}}};
  d["stations"] = stations;
  d["outlets"] = json::array{json::object{{"id", "O1"}, {"stations", reach}, {"buffer_fruit", 400}}};
  d["workers"] = workers;
  d["orders"] = orders;
  d["flow"] = json::array{json::object{{"product", "I-B"}, {"fruit_per_s", flat(2, 8)}}};
  return load(d);
}

// Where allocation decides: product A (cartons, most of the fruit) and B (gift boxes). The
// outlets in order reach a gift station, then two carton stations; a static allocation in
// outlet order by demand gives A the gift station's outlet and B a carton one, where B can
// never be packed. Three packers can do both.
Instance crossed_floor() {
  json::object d = day("crossed");
  d["box_types"] = json::array{box("gift-4", 4), box("carton-5kg", 14)};
  d["products"] = json::array{json::object{{"id", "A"}, {"grade", "class_i"}, {"size_code", "D"}},
                              json::object{{"id", "B"}, {"grade", "extra"}, {"size_code", "C"}}};
  d["stations"] = json::array{station("S1", {"gift-4"}), station("S2", {"carton-5kg"}), station("S3", {"carton-5kg"})};
  d["outlets"] = json::array{json::object{{"id", "O1"}, {"stations", {"S1"}}, {"buffer_fruit", 300}},
                             json::object{{"id", "O2"}, {"stations", {"S2"}}, {"buffer_fruit", 300}},
                             json::object{{"id", "O3"}, {"stations", {"S3"}}, {"buffer_fruit", 300}},
                             json::object{{"id", "REJ"}, {"kind", "reject"}}};
  json::array workers, orders;
  for (int i = 1; i <= 3; ++i) workers.push_back(worker("W" + std::to_string(i), {skill("gift-4", 20), skill("carton-5kg", 24)}));
  for (int i = 1; i <= 24; ++i) orders.push_back(order("A" + std::to_string(i), "A", "carton-5kg", i <= 12 ? 60 : 120));
  for (int i = 1; i <= 16; ++i) orders.push_back(order("B" + std::to_string(i), "B", "gift-4", i <= 8 ? 60 : 120));
  d["workers"] = workers;
  d["orders"] = orders;
  d["flow"] = json::array{json::object{{"product", "A"}, {"fruit_per_s", flat(6, 8)}},
                          json::object{{"product", "B"}, {"fruit_per_s", flat(1, 8)}}};
  return load(d);
}

int parcels_of(const Plan& plan, const std::string& worker) {
  int n = 0;
  for (const PackTask& t : plan.tasks) n += t.worker == worker;
  return n;
}

std::string signature(const Plan& p) {
  std::string s;
  for (const OutletAssignment& a : p.outlets)
    s += a.outlet + a.product + std::to_string(a.window.start_min) + "-" + std::to_string(a.window.end_min) + a.reason + ";";
  for (const StaffAssignment& a : p.staff)
    s += a.worker + a.station + std::to_string(a.slot) + std::to_string(a.window.start_min) + "-" +
         std::to_string(a.window.end_min) + a.reason + ";";
  for (const PackTask& t : p.tasks) s += t.order + t.worker + t.station + std::to_string(t.start_min) + ";";
  return s;
}

}  // namespace

TEST_CASE("the min-cost flow assigns at least cost and keeps arc capacities", "[unit][planning]") {
  // Two workers, two stations: the cheap diagonal (1 + 1) beats the crossing (5 + 5).
  flow::MinCostFlow mcf;
  const int s = mcf.add_node(), t = mcf.add_node(), w1 = mcf.add_node(), w2 = mcf.add_node();
  const int a = mcf.add_node(), b = mcf.add_node();
  mcf.add_arc(s, w1, 1, 0);
  mcf.add_arc(s, w2, 1, 0);
  const int w1a = mcf.add_arc(w1, a, 1, 1), w1b = mcf.add_arc(w1, b, 1, 5);
  const int w2a = mcf.add_arc(w2, a, 1, 5), w2b = mcf.add_arc(w2, b, 1, 1);
  mcf.add_arc(a, t, 1, 0);
  mcf.add_arc(b, t, 1, 0);
  CHECK(mcf.solve(s, t) == 2);
  CHECK(mcf.flow(w1a) == 1);
  CHECK(mcf.flow(w2b) == 1);
  CHECK(mcf.flow(w1b) + mcf.flow(w2a) == 0);
}

TEST_CASE("flow keeps every hard constraint and gives every assignment a reason", "[unit][planning]") {
  for (const Instance& in : {seven_packers(), crossed_floor()}) {
    const Plan plan = plan_with("flow", in);
    INFO(in.name);
    CHECK(violations(in, plan).empty());
    CHECK(plan.method == "flow");
    CHECK_FALSE(plan.tasks.empty());
    for (const OutletAssignment& a : plan.outlets) CHECK_FALSE(a.reason.empty());
    for (const StaffAssignment& a : plan.staff) CHECK_FALSE(a.reason.empty());
    for (const PackTask& t : plan.tasks) CHECK_FALSE(t.reason.empty());
    CHECK(plan.kpis.parcels_demanded > 0);
  }
}

TEST_CASE("a staff reason names the bucket, its cut-off and the packer's rate", "[unit][planning]") {
  const Instance in = crossed_floor();
  const Plan plan = plan_with("flow", in);
  REQUIRE_FALSE(plan.staff.empty());
  const std::string& reason = plan.staff.front().reason;
  INFO(reason);
  CHECK(reason.find(plan.staff.front().worker + " -> " + plan.staff.front().station + ": ") == 0);
  CHECK(reason.find(" due 0") != std::string::npos);  // "gift-4 B due 08:00"
  CHECK(reason.find("/h") != std::string::npos);
}

TEST_CASE("where allocation matters, flow beats both baselines", "[unit][planning]") {
  // The mix drifts: product A's fruit comes in the first hour (its orders are due at 60), B's
  // in the second (due at 120), and one outlet feeds both stations. A day-long allocation
  // carries one of them all day; following the drift carries A, then B.
  json::object d = day("drift");
  d["box_types"] = json::array{box("gift-4", 4)};
  d["products"] = json::array{json::object{{"id", "A"}, {"grade", "class_i"}, {"size_code", "D"}},
                              json::object{{"id", "B"}, {"grade", "extra"}, {"size_code", "C"}}};
  d["stations"] = json::array{station("S1", {"gift-4"}), station("S2", {"gift-4"})};
  d["outlets"] = json::array{json::object{{"id", "O1"}, {"stations", {"S1", "S2"}}, {"buffer_fruit", 300}},
                             json::object{{"id", "REJ"}, {"kind", "reject"}}};
  d["workers"] = json::array{worker("W1", {skill("gift-4", 20)}), worker("W2", {skill("gift-4", 20)})};
  json::array orders;
  for (int i = 1; i <= 10; ++i) orders.push_back(order("A" + std::to_string(i), "A", "gift-4", 60));
  for (int i = 1; i <= 14; ++i) orders.push_back(order("B" + std::to_string(i), "B", "gift-4", 120));
  d["orders"] = orders;
  d["flow"] = json::array{json::object{{"product", "A"}, {"fruit_per_s", {2, 2, 2, 2, 0, 0, 0, 0}}},
                          json::object{{"product", "B"}, {"fruit_per_s", {0, 0, 0, 0, 2, 2, 2, 2}}}};
  const Instance in = load(d);
  const Plan flow = plan_with("flow", in), fifo = plan_with("fifo", in), edd = plan_with("edd", in);
  CHECK(violations(in, flow).empty());
  CHECK(product_at(flow, "O1", 0) == "A");
  CHECK(product_at(flow, "O1", 90) == "B");
  CHECK(flow.kpis.parcels_on_time == 24);
  CHECK(flow.kpis.parcels_on_time > fifo.kpis.parcels_on_time);
  CHECK(flow.kpis.parcels_on_time > edd.kpis.parcels_on_time);
}

TEST_CASE("twelve equal orders over seven equal packers split 2/2/2/2/2/1/1", "[unit][planning]") {
  const Instance in = seven_packers();
  const Plan plan = plan_with("flow", in);
  CHECK(violations(in, plan).empty());
  std::vector<int> loads;
  for (const PlanWorker& w : in.workers) loads.push_back(parcels_of(plan, w.id));
  std::sort(loads.rbegin(), loads.rend());
  CHECK(loads == std::vector<int>{2, 2, 2, 2, 2, 1, 1});
}

TEST_CASE("workers not checked in, absent or on a break get nothing", "[unit][planning]") {
  Instance in = seven_packers();
  in.workers[0].checked_in = false;
  in.workers[1].absent_from_min = 30;
  in.workers[2].breaks.push_back({0, 45});
  const Plan plan = plan_with("flow", in);
  CHECK(violations(in, plan).empty());
  for (const StaffAssignment& a : plan.staff) {
    CHECK(a.worker != "W1");
    if (a.worker == "W2") CHECK(a.window.end_min <= 30);
    if (a.worker == "W3") CHECK(a.window.start_min >= 45);
  }
}

TEST_CASE("what cannot be planned is reported and the rest is planned", "[unit][planning]") {
  Instance in = crossed_floor();
  in.box_types.push_back({"gift-8", 8, 3.0});
  in.orders.push_back({"X1", "B", "gift-8", 2, "SF", 90, 0, 0, -1});  // no station or packer for gift-8
  const Plan plan = plan_with("flow", in);
  CHECK(violations(in, plan).empty());
  const bool reported = std::any_of(plan.infeasible.begin(), plan.infeasible.end(),
                                    [](const Infeasibility& i) { return i.subject == "order X1"; });
  CHECK(reported);
  CHECK(plan.kpis.parcels_on_time > 20);
}

TEST_CASE("pins are kept and each says what it costs", "[unit][planning]") {
  Instance in = crossed_floor();
  in.pins.push_back({Pin::Kind::worker_station, "W1", "S3", {0, 60}});
  in.pins.push_back({Pin::Kind::outlet_product, "O3", "A", {30, 90}});
  const Plan plan = plan_with("flow", in);
  CHECK(violations(in, plan).empty());
  int pinned_minutes = 0;
  for (const StaffAssignment& a : plan.staff)
    if (a.worker == "W1" && a.pinned) {
      CHECK(a.station == "S3");
      pinned_minutes += std::min(a.window.end_min, 60) - std::max(a.window.start_min, 0);
    }
  CHECK(pinned_minutes == 60);
  for (int minute = 30; minute < 90; minute += 5) CHECK(product_at(plan, "O3", minute) == "A");
  REQUIRE(plan.pin_costs.size() == 2);
  for (const PinCost& c : plan.pin_costs) {
    CHECK(c.late_parcels_added >= 0);
    CHECK(c.objective_added >= 0);
  }
  CHECK(plan.pin_costs[0].pin.subject == "W1");
}

TEST_CASE("a pin that takes away the only way to pack a product costs parcels", "[unit][planning]") {
  Instance in = crossed_floor();
  // O1 is B's only way to a gift station: pinning it to A for the day strands B.
  in.pins.push_back({Pin::Kind::outlet_product, "O1", "A", {0, 120}});
  const Plan plan = plan_with("flow", in);
  CHECK(violations(in, plan).empty());
  REQUIRE(plan.pin_costs.size() == 1);
  CHECK(plan.pin_costs[0].late_parcels_added >= 8);
}

TEST_CASE("same input, same plan", "[unit][planning]") {
  const Instance in = crossed_floor();
  CHECK(signature(plan_with("flow", in)) == signature(plan_with("flow", in)));
}

TEST_CASE("a re-plan keeps the frozen window's tasks and staffing as published", "[unit][planning]") {
  const Instance in = crossed_floor();
  const Plan published = plan_with("flow", in);
  const int now = 30;
  PlanRequest r;
  r.instance = &in;
  r.now_min = now;
  r.published = &published;
  r.frozen_min = 20;
  const Plan replan = make_flow_planner()->plan(r);
  CHECK(violations(in, replan).empty());
  int frozen = 0;
  for (const PackTask& t : published.tasks) {
    if (t.start_min < now || t.start_min >= now + 20) continue;
    ++frozen;
    const bool kept = std::any_of(replan.tasks.begin(), replan.tasks.end(), [&](const PackTask& u) {
      return u.order == t.order && u.worker == t.worker && u.station == t.station && u.start_min == t.start_min;
    });
    CHECK(kept);
  }
  CHECK(frozen > 0);
  // Who stood where until the frozen window ends is unchanged.
  for (const StaffAssignment& a : published.staff) {
    if (!a.window.contains(now + 10)) continue;
    const bool same = std::any_of(replan.staff.begin(), replan.staff.end(), [&](const StaffAssignment& b) {
      return b.worker == a.worker && b.station == a.station && b.window.contains(now + 10);
    });
    CHECK(same);
  }
}

TEST_CASE("the XS day: no broken constraint, ahead of both baselines", "[integration][planning]") {
  const Instance in = load_file("xs.json");
  const Plan flow = plan_with("flow", in), fifo = plan_with("fifo", in), edd = plan_with("edd", in);
  CHECK(violations(in, flow).empty());
  CHECK(flow.kpis.parcels_on_time > fifo.kpis.parcels_on_time);
  CHECK(flow.kpis.parcels_on_time > edd.kpis.parcels_on_time);
  CHECK(flow.kpis.on_time_rate > 0.85);
}

TEST_CASE("after one worker leaves, a re-plan changes a handful of assignments", "[integration][planning]") {
  const Instance truth = load_file("xs.json");
  const Plan published = plan_with("flow", truth);
  const int now = 120;
  Instance left = truth;
  for (PlanWorker& w : left.workers)
    if (!w.skills.empty() && w.available(now)) {
      w.absent_from_min = now;
      break;
    }
  std::vector<int> packed(truth.orders.size(), 0);
  for (std::size_t i = 0; i < truth.orders.size(); ++i)
    for (const PackTask& t : published.tasks)
      if (t.order == truth.orders[i].id && t.finish_min <= now) packed[i] = truth.orders[i].boxes;
  const Instance known = known_at(left, now, packed);
  const Plan replan = plan_with("flow", known, now, &published);
  CHECK(violations(known, replan).empty());
  INFO("changes " << replan.kpis.changes_vs_published);
  CHECK(replan.kpis.changes_vs_published <= 6);
}

TEST_CASE("the obviously best station for a free worker comes first", "[unit][planning]") {
  // One packer cannot pack B's 30 gift boxes due at 60 alone; S1 (two slots) is the only
  // station B reaches, S2 packs cartons of A that are well in hand.
  json::object d = day("suggest");
  d["box_types"] = json::array{box("gift-4", 4), box("carton-5kg", 14)};
  d["products"] = json::array{json::object{{"id", "A"}, {"grade", "class_i"}, {"size_code", "D"}},
                              json::object{{"id", "B"}, {"grade", "extra"}, {"size_code", "C"}}};
  d["stations"] = json::array{station("S1", {"gift-4"}, 2), station("S2", {"carton-5kg", "gift-4"})};
  d["outlets"] = json::array{json::object{{"id", "O1"}, {"stations", {"S1"}}, {"buffer_fruit", 300}},
                             json::object{{"id", "O2"}, {"stations", {"S2"}}, {"buffer_fruit", 300}}};
  d["workers"] = json::array{worker("W1", {skill("gift-4", 20), skill("carton-5kg", 24)}),
                             worker("W2", {skill("carton-5kg", 24)})};
  json::array orders;
  for (int i = 1; i <= 30; ++i) orders.push_back(order("B" + std::to_string(i), "B", "gift-4", 60));
  for (int i = 1; i <= 6; ++i) orders.push_back(order("A" + std::to_string(i), "A", "carton-5kg", 120));
  d["orders"] = orders;
  d["flow"] = json::array{json::object{{"product", "A"}, {"fruit_per_s", flat(2, 8)}},
                          json::object{{"product", "B"}, {"fruit_per_s", flat(2, 8)}}};
  const Instance in = load(d);
  const Plan published = plan_with("flow", in);
  REQUIRE(product_at(published, "O1", 15) == "B");
  Instance later = in;
  later.workers.push_back({"W9", {{"gift-4", 30}}, {0, 120}, {}, true, -1});
  PlanRequest r;
  r.instance = &later;
  r.now_min = 15;
  r.published = &published;
  const auto top = suggest_stations(r, "W9");
  REQUIRE_FALSE(top.empty());
  CHECK(top.size() <= 3);
  INFO(top.front().reason);
  CHECK(top.front().station == "S1");
  CHECK(top.front().gain > 0);
  CHECK(top.front().reason.find("S1: gift-4 B due 08:00") == 0);
  for (std::size_t i = 1; i < top.size(); ++i) CHECK(top[i - 1].gain >= top[i].gain);
  CHECK(suggest_stations(r, "nobody").empty());
}
