// The shared sequencer and the two baselines (fifo, edd) on tiny hand-made days.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "coldsort/scheduler/instance_generator.hpp"
#include "coldsort/scheduler/pack_day.hpp"
#include "coldsort/scheduler/planner.hpp"
#include "dispatch.hpp"
#include "plan_support.hpp"

using namespace coldsort::scheduler;

namespace {

namespace json = boost::json;

json::object worker(const std::string& id, double rate, json::array shift, json::array breaks = {},
                    const std::string& box = "gift-4") {
  json::array b;
  for (auto& w : breaks) b.push_back(json::object{{"window", w}});
  return {{"id", id}, {"skills", json::array{json::object{{"box_type", box}, {"parcels_per_h", rate}}}},
          {"shift", shift}, {"breaks", b}};
}

json::object order(const std::string& id, int cutoff, int arrival = 0, const std::string& product = "I-B",
                   const std::string& box = "gift-4", int boxes = 1) {
  return {{"id", id}, {"product", product}, {"box_type", box}, {"boxes", boxes}, {"courier", "SF"},
          {"cutoff_min", cutoff}, {"arrival_min", arrival}};
}

// One box type, one product, `stations` one-slot stations all fed by one outlet, and fruit
// to spare (2 fruit/s against parcels of 4 fruit every few minutes).
json::object line(int stations, int horizon = 120) {
  json::array st, reach, flow;
  for (int i = 1; i <= stations; ++i) {
    st.push_back(json::object{{"id", "S" + std::to_string(i)}, {"box_types", json::array{"gift-4"}}});
    reach.push_back(json::string("S" + std::to_string(i)));
  }
  for (int p = 0; p < horizon / 15; ++p) flow.push_back(2.0);
  return {{"schema_version", 1}, {"name", "line"}, {"horizon_min", horizon}, {"period_min", 15},
          {"box_types", json::array{json::object{{"id", "gift-4"}, {"fruit_per_box", 4}, {"nominal_kg", 1.5}}}},
          {"products", json::array{json::object{{"id", "I-B"}, {"grade", "class_i"}, {"size_code", "B"}}}},
          {"stations", st},
          {"outlets", json::array{json::object{{"id", "O1"}, {"stations", reach}, {"buffer_fruit", 400}},
                                  json::object{{"id", "REJ"}, {"kind", "reject"}}}},
          {"workers", json::array{}},
          {"orders", json::array{}},
          {"flow", json::array{json::object{{"product", "I-B"}, {"fruit_per_s", flow}}}}};
}

// Two box types, two products, outlets reaching parts of the floor, a two-slot station, a
// station down for a while, breaks, a late shift, orders arriving through the day.
json::object mixed_day() {
  return json::parse(R"({
    "schema_version": 1, "name": "mixed", "horizon_min": 180, "period_min": 15, "cold_limit_min": 30,
    "box_types": [{"id": "gift-4", "fruit_per_box": 4, "nominal_kg": 1.5},
                  {"id": "carton-5kg", "fruit_per_box": 14, "nominal_kg": 5}],
    "products": [{"id": "I-B", "grade": "class_i", "size_code": "B"},
                 {"id": "II-C", "grade": "class_ii", "size_code": "C"}],
    "stations": [{"id": "S1", "box_types": ["gift-4"]},
                 {"id": "S2", "box_types": ["gift-4", "carton-5kg"], "slots": 2},
                 {"id": "S3", "box_types": ["carton-5kg"], "down": [{"window": [40, 70]}]},
                 {"id": "S4", "box_types": ["gift-4"]}],
    "outlets": [{"id": "O1", "stations": ["S1", "S2"], "buffer_fruit": 300},
                {"id": "O2", "stations": ["S2", "S3"], "buffer_fruit": 300},
                {"id": "O3", "stations": ["S3", "S4"], "buffer_fruit": 300},
                {"id": "REJ", "kind": "reject"}],
    "workers": [{"id": "W1", "skills": [{"box_type": "gift-4", "parcels_per_h": 17}], "shift": [0, 180],
                 "breaks": [{"window": [60, 75]}]},
                {"id": "W2", "skills": [{"box_type": "gift-4", "parcels_per_h": 14},
                                        {"box_type": "carton-5kg", "parcels_per_h": 9}], "shift": [0, 180]},
                {"id": "W3", "skills": [{"box_type": "carton-5kg", "parcels_per_h": 11}], "shift": [0, 120],
                 "breaks": [{"window": [45, 55]}]},
                {"id": "W4", "skills": [{"box_type": "gift-4", "parcels_per_h": 20}], "shift": [60, 180]},
                {"id": "W5", "skills": [{"box_type": "gift-4", "parcels_per_h": 16}], "shift": [0, 180],
                 "checked_in": false}],
    "orders": [],
    "flow": [{"product": "I-B", "fruit_per_s": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]},
             {"product": "II-C", "fruit_per_s": [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5]}]
  })").as_object();
}

void add_mixed_orders(json::object& day) {
  json::array& orders = day["orders"].as_array();
  const int cutoffs[] = {60, 120, 180};
  for (int i = 0; i < 48; ++i) {
    const bool carton = i % 3 == 0;
    orders.push_back(order("O" + std::to_string(i), cutoffs[i % 3], (i * 7) % (cutoffs[i % 3] - 20), i % 2 == 0 ? "I-B" : "II-C",
                           carton ? "carton-5kg" : "gift-4", 1 + i % 2));
  }
}

Instance load(const json::object& doc) {
  auto loaded = load_instance_text(json::serialize(doc), "test-day.json");
  INFO(loaded.errors.joined());
  REQUIRE(loaded.instance);
  return *loaded.instance;
}

Plan plan_with(std::string_view method, const Instance& in, int now = 0, const Plan* published = nullptr) {
  auto planner = make_planner(method);
  REQUIRE(planner);
  PlanRequest request;
  request.instance = &in;
  request.now_min = now;
  request.published = published;
  return planner->plan(request);
}

std::string violations(const Instance& in, const Plan& plan) {
  std::string text;
  for (const Violation& v : check_plan(in, plan)) text += v.subject + ": " + v.rule + "\n";
  return text;
}

std::vector<std::string> order_sequence(const Plan& plan) {
  std::vector<const PackTask*> tasks;
  for (const PackTask& t : plan.tasks) tasks.push_back(&t);
  std::stable_sort(tasks.begin(), tasks.end(), [](auto* a, auto* b) { return a->start_min < b->start_min; });
  std::vector<std::string> ids;
  for (const PackTask* t : tasks) ids.push_back(t->order);
  return ids;
}

}  // namespace

TEST_CASE("baseline plans keep every hard constraint and say why", "[unit][planning]") {
  auto day = mixed_day();
  add_mixed_orders(day);
  const Instance in = load(day);
  for (const char* method : {"fifo", "edd"}) {
    INFO(method);
    const Plan plan = plan_with(method, in);
    CHECK(plan.method == method);
    CHECK(violations(in, plan).empty());
    CHECK(plan.kpis.parcels_planned > 20);  // not vacuous: most of the day gets packed
    for (const PackTask& t : plan.tasks) CHECK_FALSE(t.reason.empty());
    for (const StaffAssignment& a : plan.staff) {
      CHECK_FALSE(a.reason.empty());
      CHECK(a.worker != "W5");  // not checked in
    }
    for (const OutletAssignment& a : plan.outlets) CHECK_FALSE(a.reason.empty());
    // Tasks keep clear of breaks and of the station's down time.
    for (const PackTask& t : plan.tasks) {
      if (t.worker == "W1") CHECK((t.finish_min <= 60 + 1e-9 || t.start_min >= 75 - 1e-9));
      if (t.station == "S3") CHECK((t.finish_min <= 40 + 1e-9 || t.start_min >= 70 - 1e-9));
    }
  }
}

TEST_CASE("equal tasks split evenly over equal workers: 12 over 7 is 2/2/2/2/2/1/1", "[unit][planning]") {
  auto day = line(7);
  for (int i = 1; i <= 7; ++i) day["workers"].as_array().push_back(worker("W" + std::to_string(i), 15, {0, 120}));
  for (int i = 1; i <= 12; ++i) day["orders"].as_array().push_back(order("O" + std::to_string(i), 120));
  const Instance in = load(day);
  auto split = [](const Plan& plan) {
    std::map<std::string, int> per_worker;
    for (const PackTask& t : plan.tasks) ++per_worker[t.worker];
    std::vector<int> counts;
    for (const auto& [w, n] : per_worker) counts.push_back(n);
    std::sort(counts.rbegin(), counts.rend());
    return counts;
  };
  const Plan fifo = plan_with("fifo", in);
  CHECK(split(fifo) == std::vector<int>{2, 2, 2, 2, 2, 1, 1});
  // The sequencer itself, by cut-off, with every worker staffed at their own station.
  Plan plan;
  plan.outlets.push_back({"O1", "I-B", {0, 120}, "test", false});
  for (int i = 1; i <= 7; ++i)
    plan.staff.push_back({"W" + std::to_string(i), "S" + std::to_string(i), 0, {0, 120}, "test", false});
  dispatch_orders(in, plan, DispatchOptions{});
  CHECK(split(plan) == std::vector<int>{2, 2, 2, 2, 2, 1, 1});
  CHECK(violations(in, plan).empty());
}

TEST_CASE("fifo packs in arrival order, edd in cut-off order", "[unit][planning]") {
  auto day = line(1);
  day["workers"].as_array().push_back(worker("W1", 15, {5, 120}));
  auto& orders = day["orders"].as_array();
  orders.push_back(order("A", 110, 0));
  orders.push_back(order("B", 60, 1));
  orders.push_back(order("C", 40, 2));
  orders.push_back(order("D", 40, 3));  // same cut-off as C, arrived later
  const Instance in = load(day);
  const Plan fifo = plan_with("fifo", in);
  const Plan edd = plan_with("edd", in);
  CHECK(order_sequence(fifo) == std::vector<std::string>{"A", "B", "C", "D"});
  CHECK(order_sequence(edd) == std::vector<std::string>{"C", "D", "B", "A"});
  REQUIRE(edd.tasks.size() == 4);
  CHECK(edd.tasks.front().reason.rfind("EDD: cut-off 07:40 (SF), ", 0) == 0);
  CHECK(fifo.tasks.front().reason.rfind("FIFO: arrived 07:00", 0) == 0);
  CHECK(violations(in, fifo).empty());
  CHECK(violations(in, edd).empty());
}

TEST_CASE("a task never straddles a break or the end of a shift", "[unit][planning]") {
  auto day = line(1);
  // 8 minutes a parcel; the break at 20 and the shift end at 50 fall mid-parcel.
  day["workers"].as_array().push_back(worker("W1", 7.5, {0, 50}, {json::array{20, 30}}));
  for (int i = 1; i <= 10; ++i) day["orders"].as_array().push_back(order("O" + std::to_string(i), 120));
  const Instance in = load(day);
  const Plan plan = plan_with("edd", in);
  REQUIRE(plan.tasks.size() == 4);  // 0-8 and 8-16 before the break, 30-38 and 38-46 after
  for (const PackTask& t : plan.tasks) {
    CHECK((t.finish_min <= 20 + 1e-9 || t.start_min >= 30 - 1e-9));
    CHECK(t.finish_min <= 50 + 1e-9);
  }
  CHECK(violations(in, plan).empty());
}

TEST_CASE("supervisor pins are kept: a worker's station and an outlet's product", "[unit][planning]") {
  auto day = mixed_day();
  add_mixed_orders(day);
  day["pins"] = json::parse(R"([{"kind": "worker", "subject": "W1", "target": "S4", "window": [30, 90]},
                                {"kind": "outlet", "subject": "O3", "target": "I-B", "window": [0, 60]}])");
  const Instance in = load(day);
  for (const char* method : {"fifo", "edd"}) {
    INFO(method);
    const Plan plan = plan_with(method, in);
    CHECK(violations(in, plan).empty());
    const auto w = std::find_if(plan.staff.begin(), plan.staff.end(), [](const StaffAssignment& a) {
      return a.pinned && a.worker == "W1" && a.station == "S4";
    });
    REQUIRE(w != plan.staff.end());
    CHECK(w->window.start_min == 30);
    CHECK(w->window.end_min == 90);
    for (int minute = 0; minute < 60; ++minute) CHECK(product_at(plan, "O3", minute) == "I-B");
    for (const PackTask& t : plan.tasks)
      if (t.worker == "W1" && t.start_min >= 30 && t.start_min < 90) CHECK(t.station == "S4");
  }
}

TEST_CASE("a re-plan keeps the published plan's frozen tasks and staffing", "[unit][planning]") {
  auto day = mixed_day();
  add_mixed_orders(day);
  const Instance in = load(day);
  for (const char* method : {"fifo", "edd"}) {
    INFO(method);
    const Plan first = plan_with(method, in);
    auto planner = make_planner(method);
    PlanRequest request;
    request.instance = &in;
    request.now_min = 30;
    request.published = &first;
    request.frozen_min = 20;
    const Plan again = planner->plan(request);
    CHECK(violations(in, again).empty());
    int frozen = 0;
    for (const PackTask& t : first.tasks) {
      if (t.start_min >= 50) continue;
      ++frozen;
      const bool kept = std::any_of(again.tasks.begin(), again.tasks.end(), [&](const PackTask& u) {
        return u.order == t.order && u.worker == t.worker && u.station == t.station && u.start_min == t.start_min &&
               u.finish_min == t.finish_min;
      });
      CHECK(kept);
    }
    CHECK(frozen > 3);
    CHECK(again.made_at_min == 30);
  }
}

TEST_CASE("a frozen task the fruit model cannot supply any more is planned afresh", "[unit][planning]") {
  auto day = line(1);
  json::array trickle;
  for (int p = 0; p < 8; ++p) trickle.push_back(0.01);  // 0.6 fruit a minute: a box of 4 every ~7 min
  day["flow"].as_array()[0].as_object()["fruit_per_s"] = trickle;
  day["workers"].as_array().push_back(worker("W1", 15, {0, 120}));
  day["orders"].as_array().push_back(order("A", 120));
  const Instance in = load(day);
  const Plan first = plan_with("edd", in);
  REQUIRE(first.tasks.size() == 1);
  CHECK(first.tasks[0].start_min == 6);  // minutes 0..6 bring 4.2 fruit
  // Re-planned at minute 5 the fruit model counts from 5, so by minute 6 it has 1.2 fruit.
  const Plan again = plan_with("edd", in, 5, &first);
  CHECK(violations(in, again).empty());
  REQUIRE(again.tasks.size() == 1);
  CHECK(again.tasks[0].start_min == 11);
}

TEST_CASE("an order whose fruit never comes stays unplanned, the rest is planned", "[unit][planning]") {
  auto day = mixed_day();
  add_mixed_orders(day);
  json::array none;
  for (int p = 0; p < 12; ++p) none.push_back(0.0);
  day["flow"].as_array()[1].as_object()["fruit_per_s"] = none;  // no II-C at all
  const Instance in = load(day);
  for (const char* method : {"fifo", "edd"}) {
    INFO(method);
    const Plan plan = plan_with(method, in);
    CHECK(violations(in, plan).empty());
    std::map<std::string, std::string> product;
    for (const PlanOrder& o : in.orders) product[o.id] = o.product;
    int planned_ib = 0;
    for (const PackTask& t : plan.tasks) {
      CHECK(product[t.order] == "I-B");
      ++planned_ib;
    }
    CHECK(planned_ib > 10);
    CHECK(plan.kpis.parcels_unplanned > 0);
  }
}

TEST_CASE("what cannot be planned is reported and the rest still planned", "[unit][planning]") {
  auto day = mixed_day();
  add_mixed_orders(day);
  day["box_types"].as_array().push_back(json::object{{"id", "gift-6"}, {"fruit_per_box", 6}, {"nominal_kg", 2}});
  day["stations"].as_array()[0].as_object()["box_types"].as_array().push_back("gift-6");
  day["orders"].as_array().push_back(order("NOSKILL", 120, 0, "I-B", "gift-6"));
  const Instance in = load(day);
  const Plan plan = plan_with("edd", in);
  CHECK(std::any_of(plan.infeasible.begin(), plan.infeasible.end(),
                    [](const Infeasibility& i) { return i.subject == "order NOSKILL"; }));
  CHECK(std::none_of(plan.tasks.begin(), plan.tasks.end(), [](const PackTask& t) { return t.order == "NOSKILL"; }));
  CHECK(plan.kpis.parcels_planned > 20);
}

TEST_CASE("same input, same plan", "[unit][planning]") {
  auto day = mixed_day();
  add_mixed_orders(day);
  const Instance in = load(day);
  for (const char* method : {"fifo", "edd"}) {
    INFO(method);
    const Plan a = plan_with(method, in), b = plan_with(method, in);
    REQUIRE(a.tasks.size() == b.tasks.size());
    for (std::size_t i = 0; i < a.tasks.size(); ++i) {
      CHECK(a.tasks[i].order == b.tasks[i].order);
      CHECK(a.tasks[i].worker == b.tasks[i].worker);
      CHECK(a.tasks[i].start_min == b.tasks[i].start_min);
    }
    REQUIRE(a.staff.size() == b.staff.size());
    for (std::size_t i = 0; i < a.staff.size(); ++i) CHECK(a.staff[i].station == b.staff[i].station);
    CHECK(a.iterations == b.iterations);
  }
}

TEST_CASE("the planner registry knows the baselines", "[unit][planning]") {
  CHECK(make_planner("flow")->name() == "flow");
  CHECK(make_planner("fifo")->name() == "fifo");
  CHECK(make_planner("edd")->name() == "edd");
  CHECK(make_planner("no-such-method") == nullptr);
  const auto methods = planner_methods();
  CHECK(std::count(methods.begin(), methods.end(), "fifo") == 1);
  CHECK(std::count(methods.begin(), methods.end(), "edd") == 1);
}

TEST_CASE("outlets are shared in proportion to demand, one at least for each product with demand",
          "[unit][planning]") {
  CHECK(apportion({70, 20, 10, 0}, 10) == std::vector<int>{7, 2, 1, 0});
  CHECK(apportion({90, 5, 5}, 6) == std::vector<int>{4, 1, 1});   // the floor of one costs the big one
  CHECK(apportion({10, 30, 20}, 2) == std::vector<int>{0, 1, 1});  // too few: largest demands first
  CHECK(apportion({1, 1, 1}, 4) == std::vector<int>{2, 1, 1});     // ties: list order
}

TEST_CASE("the sequencer follows a station's preference before the rule", "[unit][planning]") {
  auto day = line(1);
  day["workers"].as_array().push_back(worker("W1", 15, {0, 120}));
  auto& orders = day["orders"].as_array();
  orders.push_back(order("EARLY", 40));
  orders.push_back(order("LATE", 100));
  const Instance in = load(day);
  Plan plan = plan_with("edd", in);
  CHECK(order_sequence(plan) == std::vector<std::string>{"EARLY", "LATE"});
  DispatchOptions options;
  options.preference = [](const PlanOrder& o, const PlanStation&) { return o.cutoff_min == 100 ? 0.0 : 1.0; };
  dispatch_orders(in, plan, options);
  CHECK(order_sequence(plan) == std::vector<std::string>{"LATE", "EARLY"});
}

namespace {

// A planner that checks every plan it hands out against the day as it was known then.
class CheckedPlanner final : public Planner {
 public:
  explicit CheckedPlanner(std::string_view method) : inner_(make_planner(method)) {}
  std::string_view name() const override { return inner_->name(); }
  Plan plan(const PlanRequest& request) override {
    Plan plan = inner_->plan(request);
    ++plans_;
    broken_ += violations(*request.instance, plan);
    return plan;
  }
  int plans_ = 0;
  std::string broken_;

 private:
  std::unique_ptr<Planner> inner_;
};

}  // namespace

TEST_CASE("every re-plan through a simulated day keeps the hard constraints", "[integration][planning]") {
  const Instance day = generate_instance(*generator_preset("xs"));
  for (const char* method : {"fifo", "edd"}) {
    INFO(method);
    CheckedPlanner planner(method);
    const DayResult result = simulate_day(day, planner);
    CHECK(planner.plans_ > 3);  // the day re-plans on its events and every 30 minutes
    CHECK(planner.broken_.empty());
    CHECK(result.kpis.parcels.parcels_on_time > result.kpis.parcels.parcels_demanded / 2);
  }
}
