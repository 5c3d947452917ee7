#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "coldsort/scheduler/pack_day.hpp"

using namespace coldsort::scheduler;

namespace {

// Two products, two box types, three stations, four packers (one not checked in), two hours,
// 15-minute periods. W1 breaks 50-60; W3 starts at 30. Outlet O1 reaches S1 and S2, O2 reaches
// S2 and S3. Rates give whole-minute parcels: 20/h = 3 min, 12/h = 5 min, 10/h = 6 min.
boost::json::object small_day() {
  auto doc = boost::json::parse(R"({
    "schema_version": 1, "name": "small-day", "notes": "hand-made for the simulator tests",
    "horizon_min": 120, "period_min": 15, "cold_limit_min": 30,
    "box_types": [{"id": "gift-4", "fruit_per_box": 4, "nominal_kg": 1.5},
                  {"id": "carton-12", "fruit_per_box": 12, "nominal_kg": 5}],
    "products": [{"id": "I-B", "grade": "class_i", "size_code": "B"},
                 {"id": "II-C", "grade": "class_ii", "size_code": "C"}],
    "stations": [{"id": "S1", "box_types": ["gift-4"]},
                 {"id": "S2", "box_types": ["gift-4", "carton-12"]},
                 {"id": "S3", "box_types": ["carton-12"]}],
    "outlets": [{"id": "O1", "stations": ["S1", "S2"], "buffer_fruit": 400},
                {"id": "O2", "stations": ["S2", "S3"], "buffer_fruit": 400},
                {"id": "REJ", "kind": "reject"}],
    "workers": [{"id": "W1", "skills": [{"box_type": "gift-4", "parcels_per_h": 20}], "shift": [0, 120],
                 "breaks": [{"window": [50, 60]}]},
                {"id": "W2", "skills": [{"box_type": "gift-4", "parcels_per_h": 12},
                                        {"box_type": "carton-12", "parcels_per_h": 12}], "shift": [0, 120]},
                {"id": "W3", "skills": [{"box_type": "carton-12", "parcels_per_h": 10}], "shift": [30, 120]},
                {"id": "W4", "skills": [{"box_type": "gift-4", "parcels_per_h": 18}], "shift": [0, 120],
                 "checked_in": false}],
    "orders": [],
    "flow": [{"product": "I-B", "fruit_per_s": [2, 2, 2, 2, 2, 2, 2, 2]},
             {"product": "II-C", "fruit_per_s": [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5]}]
  })")
                 .as_object();
  // 40 orders over the day: gift boxes of I-B and cartons of both products, cut-offs at
  // 60, 90 and 120, a quarter arriving during the day.
  boost::json::array orders;
  for (int i = 0; i < 40; ++i) {
    const bool carton = i % 3 == 2;
    orders.push_back(boost::json::object{{"id", "O" + std::to_string(i)},
                                         {"product", carton && i % 2 == 0 ? "II-C" : "I-B"},
                                         {"box_type", carton ? "carton-12" : "gift-4"},
                                         {"boxes", 1 + i % 3},
                                         {"courier", i % 2 ? "SF" : "JD"},
                                         {"cutoff_min", 60 + 30 * (i % 3)},
                                         {"arrival_min", i % 4 == 3 ? 10 + i : 0},
                                         {"priority", i % 5 == 0 ? 1 : 0}});
  }
  doc["orders"] = orders;
  return doc;
}

Instance load(const boost::json::object& doc) {
  auto loaded = load_instance_text(boost::json::serialize(doc), "small-day.json");
  INFO(loaded.errors.joined());
  REQUIRE(loaded.instance);
  return *loaded.instance;
}

boost::json::object& at(boost::json::object& doc, const char* list, std::size_t i) {
  return doc[list].as_array()[i].as_object();
}

// The simplest planner: product outlets carry the products in turn all day, every worker
// checked in stands at the first station they can pack at, and no tasks, so the floor packs
// by its own rule. It remembers what it was told.
class StaffFirst : public Planner {
 public:
  explicit StaffFirst(bool staff = true) : staff_(staff) {}
  std::string_view name() const override { return "staff-first"; }
  Plan plan(const PlanRequest& request) override {
    const Instance& in = *request.instance;
    seen.push_back(in);
    calls.push_back(request.now_min);
    Plan p;
    p.method = "staff-first";
    p.made_at_min = request.now_min;
    std::size_t next = 0;
    for (const PlanOutlet& o : in.outlets)
      if (o.kind == coldsort::core::OutletKind::product && !in.products.empty())
        p.outlets.push_back({o.id,
                             in.products[next++ % in.products.size()].id,
                             {request.now_min, in.horizon_min},
                             "in turn",
                             false});
    for (const PlanWorker& w : in.workers) {
      if (!staff_ || !w.checked_in || w.shift.end_min <= request.now_min) continue;
      for (const PlanStation& s : in.stations) {
        const bool can = std::any_of(s.box_types.begin(), s.box_types.end(),
                                     [&](const std::string& b) { return w.rate_for(b) > 0; });
        if (!can) continue;
        p.staff.push_back({w.id,
                           s.id,
                           0,
                           {std::max(request.now_min, w.shift.start_min), w.shift.end_min},
                           "first station",
                           false});
        break;
      }
    }
    return p;
  }
  std::vector<Instance> seen;
  std::vector<int> calls;

 private:
  bool staff_;
};

// Returns the same plan at every call.
class FixedPlanner : public Planner {
 public:
  explicit FixedPlanner(Plan plan) : plan_(std::move(plan)) {}
  std::string_view name() const override { return "fixed"; }
  Plan plan(const PlanRequest&) override { return plan_; }

 private:
  Plan plan_;
};

DayOptions quiet(std::uint64_t seed = 1) {
  DayOptions o;
  o.seed = seed;
  o.rate_noise = 0;
  o.flow_noise = 0;
  return o;
}

bool logged(const DayResult& r, const std::string& line) {
  return std::find(r.log.begin(), r.log.end(), line) != r.log.end();
}

bool inside(const std::vector<Window>& windows, double t) {
  return std::any_of(windows.begin(), windows.end(),
                     [&](const Window& w) { return t >= w.start_min && t < w.end_min; });
}

}  // namespace

TEST_CASE("a planner is told only what is known at the minute", "[unit][planning]") {
  auto doc = small_day();
  at(doc, "orders", 0)["cancelled_min"] = 20;   // cancelled before minute 30
  at(doc, "orders", 1)["cancelled_min"] = 100;  // cancelled later: not known yet
  at(doc, "workers", 1)["absent_from_min"] = 25;
  at(doc, "workers", 2)["absent_from_min"] = 90;
  at(doc, "stations", 0)["down"] = boost::json::array{boost::json::object{{"window", {10, 40}}},
                                                      boost::json::object{{"window", {70, 80}}}};
  doc["forecast"] = boost::json::array{
      boost::json::object{{"product", "I-B"}, {"fruit_per_s", {1, 1, 1, 1, 1, 1, 1, 1}}},
      boost::json::object{{"product", "II-C"}, {"fruit_per_s", {1, 1, 1, 1, 1, 1, 1, 1}}}};
  doc["pins"] = boost::json::array{boost::json::object{
      {"kind", "worker"}, {"subject", "W1"}, {"target", "S2"}, {"window", {0, 60}}}};
  const Instance truth = load(doc);
  std::vector<int> packed(truth.orders.size(), 0);
  packed[2] = truth.orders[2].boxes;  // all packed: gone
  packed[4] = 1;                      // O4 has 2 boxes: one left

  const Instance known = known_at(truth, 30, packed);
  auto find = [&](const std::string& id) { return known.find_worker(id); };
  std::map<std::string, const PlanOrder*> orders;
  for (const PlanOrder& o : known.orders) orders[o.id] = &o;
  CHECK(orders.count("O0") == 0);
  CHECK(orders.count("O2") == 0);
  REQUIRE(orders.count("O1") == 1);
  CHECK(orders["O1"]->cancelled_min == -1);
  REQUIRE(orders.count("O4") == 1);
  CHECK(orders["O4"]->boxes == 1);
  CHECK(orders.count("O3") == 1);   // arrived at minute 13
  CHECK(orders.count("O39") == 0);  // arrives at 49
  CHECK(find("W2")->checked_in == false);
  CHECK(find("W3")->checked_in == true);
  CHECK(find("W3")->absent_from_min == -1);
  CHECK(known.stations[0].down.size() == 1);
  CHECK(known.flow[0].fruit_per_s[0] == Approx(2));  // periods 0 and 1 are over: actual
  CHECK(known.flow[0].fruit_per_s[1] == Approx(2));
  // The rest: the forecast (1 fruit/s) scaled by the live flow against it over the last two
  // periods (I-B came at 2, II-C at 1.5): the grader's counts say the mix moved.
  CHECK(known.flow[0].fruit_per_s[2] == Approx(2));
  CHECK(known.planning_flow()[1].fruit_per_s[5] == Approx(1.5));
  REQUIRE(known.pins.size() == 1);
  CHECK(known.pins[0].target == "S2");
}

TEST_CASE("at the day's end with nothing hidden, a planner is told the whole instance",
          "[unit][planning]") {
  auto doc = small_day();
  doc["day_start"] = "06:30";
  doc["weights"] = boost::json::object{{"late_parcel", 500}, {"fairness", 3}};
  doc["lots"] = boost::json::array{
      boost::json::object{{"id", "L1"},
                          {"grower", "Huili 3"},
                          {"start_min", 0},
                          {"fruit", 9000},
                          {"mix", {boost::json::object{{"product", "I-B"}, {"share", 0.6}}}}}};
  doc["pins"] = boost::json::array{boost::json::object{
      {"kind", "outlet"}, {"subject", "O1"}, {"target", "I-B"}, {"window", {0, 60}}}};
  at(doc, "stations", 2)["down"] = boost::json::array{boost::json::object{{"window", {30, 45}}}};
  const Instance truth = load(doc);
  Instance known = known_at(truth, truth.horizon_min);
  known.forecast.clear();  // the whole day is past: known as the actual flow
  CHECK(save_instance(known) == save_instance(truth));
}

TEST_CASE("the same seed gives the same day and another seed another", "[unit][planning]") {
  auto doc = small_day();
  // Two growers' lots: the flow's noise is partly each lot's own mix.
  doc["lots"] = boost::json::array{
      boost::json::object{{"id", "L1"},
                          {"start_min", 0},
                          {"fruit", 20000},
                          {"mix", {boost::json::object{{"product", "I-B"}, {"share", 0.5}}}}},
      boost::json::object{{"id", "L2"},
                          {"start_min", 60},
                          {"fruit", 20000},
                          {"mix", {boost::json::object{{"product", "I-B"}, {"share", 0.6}}}}}};
  const Instance day = load(doc);
  std::vector<double> seen_flow;
  auto run = [&](std::uint64_t seed) {
    StaffFirst planner;
    DayOptions o;
    o.seed = seed;
    o.rate_noise = 0.15;
    o.flow_noise = 0.05;
    DayResult r = simulate_day(day, planner, o);
    seen_flow = planner.seen.back().flow[0].fruit_per_s;
    return r;
  };
  const DayResult a = run(7), b = run(7), c = run(8);
  // The last re-plan knew the flow of the periods already over, as it came: noisy.
  CHECK(seen_flow[0] != 2.0);
  CHECK(seen_flow[0] == Approx(2.0).epsilon(0.3));
  CHECK(seen_flow.back() == Approx(2.0).epsilon(0.3));  // the forecast, scaled by the live flow
  REQUIRE(!a.parcels.empty());
  REQUIRE(a.parcels.size() == b.parcels.size());
  for (std::size_t i = 0; i < a.parcels.size(); ++i) {
    CHECK(a.parcels[i].order == b.parcels[i].order);
    CHECK(a.parcels[i].finish_min == b.parcels[i].finish_min);
  }
  CHECK(a.kpis.parcels.parcels_on_time == b.kpis.parcels.parcels_on_time);
  CHECK(a.kpis.cold_wait_p95_min == b.kpis.cold_wait_p95_min);
  CHECK(a.fruit_left == b.fruit_left);
  CHECK(a.log == b.log);
  bool differs = a.parcels.size() != c.parcels.size();
  for (std::size_t i = 0; !differs && i < a.parcels.size(); ++i)
    differs = a.parcels[i].finish_min != c.parcels[i].finish_min;
  CHECK(differs);
}

TEST_CASE("every parcel demanded is packed or unpacked, and packed parcels use their fruit",
          "[unit][planning]") {
  auto doc = small_day();
  // Little buffer and a short cold limit, so fruit also overflows and expires.
  at(doc, "outlets", 0)["buffer_fruit"] = 60;
  at(doc, "outlets", 1)["buffer_fruit"] = 60;
  doc["cold_limit_min"] = 10;
  const Instance day = load(doc);
  StaffFirst planner;
  const DayResult r = simulate_day(day, planner, quiet());
  const PlanKpis& k = r.kpis.parcels;
  int demanded = 0;
  for (const PlanOrder& o : day.orders) demanded += o.boxes;
  CHECK(k.parcels_demanded == demanded);
  CHECK(k.parcels_planned + k.parcels_unplanned == demanded);
  CHECK(k.parcels_on_time + k.parcels_late == k.parcels_planned);
  CHECK(k.parcels_planned == static_cast<int>(r.parcels.size()));
  CHECK(k.parcels_planned > 0);

  std::map<std::size_t, int> per_order;
  double fruit = 0;
  for (const PackedParcel& p : r.parcels) {
    CHECK(p.fruit == day.find_box_type(day.orders[p.order].box_type)->fruit_per_box);
    fruit += p.fruit;
    ++per_order[p.order];
  }
  for (const auto& [order, parcels] : per_order) CHECK(parcels <= day.orders[order].boxes);
  CHECK(r.fruit_packed == Approx(fruit));
  // Both products are carried all day (the planner's allocation), so all their flow came to
  // the outlets: packed, sent back to the cold, or still there at the end.
  const double arrived = (2.0 + 1.5) * 60 * day.horizon_min;
  CHECK(r.kpis.fruit_expired > 0);
  CHECK(r.fruit_packed + r.kpis.fruit_expired + r.fruit_left == Approx(arrived).margin(1.0));
  CHECK(r.kpis.overflow_outlet_min > 0);
}

TEST_CASE("no parcel is started by a worker away or at a station that is down",
          "[unit][planning]") {
  auto doc = small_day();
  at(doc, "workers", 1)["absent_from_min"] = 70;
  at(doc, "stations", 0)["down"] = boost::json::array{boost::json::object{{"window", {80, 95}}}};
  const Instance day = load(doc);
  StaffFirst planner;
  DayOptions o;
  o.rate_noise = 0.2;
  const DayResult r = simulate_day(day, planner, o);
  std::map<std::size_t, std::vector<const PackedParcel*>> by_worker;
  for (const PackedParcel& p : r.parcels) {
    const PlanWorker& w = day.workers[p.worker];
    INFO(w.id << " at " << day.stations[p.station].id << " from " << p.start_min);
    CHECK(w.checked_in);
    CHECK(w.shift.start_min <= p.start_min);
    CHECK(p.start_min < w.shift.end_min);
    CHECK_FALSE(inside(w.breaks, p.start_min));
    CHECK((w.absent_from_min < 0 || p.start_min < w.absent_from_min));
    CHECK_FALSE(inside(day.stations[p.station].down, p.start_min));
    by_worker[p.worker].push_back(&p);
  }
  // One parcel at a time per worker, and at most one finished after leaving.
  for (auto& [w, list] : by_worker)
    for (std::size_t i = 1; i < list.size(); ++i)
      CHECK(list[i]->start_min >= list[i - 1]->finish_min - 1e-9);
  // The rules bit: W1 packed on both sides of the break, W2 before leaving.
  auto packed_between = [&](std::size_t w, double from, double to) {
    return std::count_if(r.parcels.begin(), r.parcels.end(), [&](const PackedParcel& p) {
      return p.worker == w && p.start_min >= from && p.start_min < to;
    });
  };
  CHECK(packed_between(0, 40, 50) > 0);
  CHECK(packed_between(0, 60, 70) > 0);
  CHECK(packed_between(1, 60, 70) > 0);
  CHECK(packed_between(3, 0, 120) == 0);  // W4 never checked in
}

TEST_CASE("a planner that staffs nobody packs nothing", "[unit][planning]") {
  const Instance day = load(small_day());
  StaffFirst nobody(false);
  const DayResult r = simulate_day(day, nobody, quiet());
  CHECK(r.parcels.empty());
  CHECK(r.kpis.parcels.parcels_planned == 0);
  CHECK(r.kpis.parcels.parcels_unplanned == r.kpis.parcels.parcels_demanded);
  CHECK(r.kpis.parcels.on_time_rate == 0);
  CHECK(r.kpis.parcels.utilisation == 0);
  CHECK(r.kpis.starvation_outlet_min == 0);
  CHECK(r.kpis.reassignments == 0);
  CHECK(r.kpis.overflow_outlet_min > 0);  // the fruit came and nobody took it
}

TEST_CASE("a cancelled order is no longer demanded, planned or packed", "[unit][planning]") {
  auto doc = small_day();
  // O0 is 1 box, due at 60, priority 1: the floor's first pick. O1 (2 boxes) goes at minute 4.
  at(doc, "orders", 1)["cancelled_min"] = 4;
  at(doc, "orders", 1)["cutoff_min"] = 60;
  at(doc, "orders", 1)["priority"] = 2;
  const Instance day = load(doc);
  StaffFirst planner;
  DayOptions options = quiet();
  options.replan_cancellations = 1;  // a small day: every cancellation re-plans
  const DayResult r = simulate_day(day, planner, options);
  int demanded = 0;
  for (const PlanOrder& o : day.orders)
    if (o.id != "O1") demanded += o.boxes;
  CHECK(r.kpis.parcels.parcels_demanded == demanded);
  bool started_before = false;
  for (const PackedParcel& p : r.parcels)
    if (p.order == 1) {
      CHECK(p.start_min < 4);
      started_before = true;
    }
  CHECK(started_before);  // it was on a bench when cancelled: that parcel is wasted
  CHECK(logged(r, "07:04 re-plan: 1 order cancelled"));
  REQUIRE(std::find(planner.calls.begin(), planner.calls.end(), 4) != planner.calls.end());
  const Instance& told = planner.seen[static_cast<std::size_t>(
      std::find(planner.calls.begin(), planner.calls.end(), 4) - planner.calls.begin())];
  CHECK(std::none_of(told.orders.begin(), told.orders.end(),
                     [](const PlanOrder& o) { return o.id == "O1"; }));
}

TEST_CASE("an absence re-plans at its minute and the log says so", "[unit][planning]") {
  auto doc = small_day();
  at(doc, "workers", 1)["absent_from_min"] = 70;
  const Instance day = load(doc);
  StaffFirst planner;
  DayOptions o = quiet();
  o.replan_every_min = 45;  // periodic re-plans at 45 and 90 only
  const DayResult r = simulate_day(day, planner, o);
  auto it = std::find(planner.calls.begin(), planner.calls.end(), 70);
  REQUIRE(it != planner.calls.end());
  const Instance& told = planner.seen[static_cast<std::size_t>(it - planner.calls.begin())];
  CHECK_FALSE(told.find_worker("W2")->checked_in);
  CHECK(planner.seen.front().find_worker("W2")->checked_in);  // unknown at the start
  CHECK(logged(r, "08:10 re-plan: 1 worker absent"));
  CHECK(r.kpis.replans == static_cast<int>(planner.calls.size()) - 1);
  CHECK(planner.calls == std::vector<int>{0, 45, 70, 115});  // 45 min after the last plan
}

TEST_CASE("fruit never waits at the outlets longer than the cold limit", "[unit][planning]") {
  auto doc = small_day();
  doc["cold_limit_min"] = 5;
  at(doc, "outlets", 0)["buffer_fruit"] = 2000;
  at(doc, "outlets", 1)["buffer_fruit"] = 2000;
  const Instance day = load(doc);
  StaffFirst planner;
  DayOptions o;
  o.rate_noise = 0.3;
  const DayResult r = simulate_day(day, planner, o);
  REQUIRE(!r.parcels.empty());
  double longest = 0;
  for (const PackedParcel& p : r.parcels) longest = std::max(longest, p.cold_wait_min);
  CHECK(longest <= 5.0);
  CHECK(longest > 0);
  CHECK(r.kpis.cold_wait_p95_min <= 5.0);
  CHECK(r.kpis.cold_wait_p50_min <= r.kpis.cold_wait_p95_min);
  CHECK(r.kpis.fruit_expired > 0);  // far more fruit than four packers take
}

TEST_CASE("with no noise the floor packs a fixed plan at the plan's own times",
          "[unit][planning]") {
  auto doc = small_day();
  at(doc, "workers", 0)["breaks"] = boost::json::array{};
  at(doc, "stations", 1)["slots"] = 2;
  for (auto& o : doc["orders"].as_array())
    o.as_object()["arrival_min"] = 0;  // a plan knows its orders
  const Instance day = load(doc);
  // W1 packs gift boxes at S1 until 42, then moves to S2 (slot 1); W3 packs cartons at S2 from 30.
  // Every order is planned, so nobody falls back to the floor's own rule.
  Plan plan;
  plan.method = "fixed";
  plan.outlets = {{"O1", "I-B", {0, 120}, "", false}, {"O2", "II-C", {0, 120}, "", false}};
  plan.staff = {{"W1", "S1", 0, {0, 42}, "", false},
                {"W1", "S2", 1, {42, 120}, "", false},
                {"W3", "S2", 0, {30, 120}, "", false}};
  double w1 = 0, w3 = 30;
  for (const PlanOrder& o : day.orders) {
    const bool carton = o.box_type == "carton-12";
    double& clock = carton ? w3 : w1;
    const double start = std::max(clock, static_cast<double>(o.arrival_min));
    const double minutes = o.boxes * (carton ? 6.0 : 3.0);
    if (!carton && start < 42 && start + minutes > 42) continue;  // would not fit at S1
    if (start + minutes > 120) continue;
    plan.tasks.push_back({o.id, carton || start >= 42 ? "S2" : "S1", carton ? "W3" : "W1", start,
                          start + minutes, ""});
    clock = start + minutes;
  }
  // Drop the orders the plan leaves out, so the floor has nothing else to pick.
  std::vector<PlanOrder> kept;
  for (const PlanOrder& o : day.orders)
    if (std::any_of(plan.tasks.begin(), plan.tasks.end(),
                    [&](const PackTask& t) { return t.order == o.id; }))
      kept.push_back(o);
  Instance planned_day = day;
  planned_day.orders = kept;
  REQUIRE(plan.tasks.size() > 10);
  CHECK(check_plan(planned_day, plan).empty());

  FixedPlanner fixed(plan);
  const DayResult r = simulate_day(planned_day, fixed, quiet());
  std::map<std::string, std::pair<double, double>> packed;  // order -> first start, last finish
  for (const PackedParcel& p : r.parcels) {
    auto [it, fresh] =
        packed.emplace(planned_day.orders[p.order].id, std::make_pair(p.start_min, p.finish_min));
    if (!fresh)
      it->second = {std::min(it->second.first, p.start_min),
                    std::max(it->second.second, p.finish_min)};
  }
  REQUIRE(packed.size() == plan.tasks.size());
  for (const PackTask& t : plan.tasks) {
    INFO("task " << t.order);
    CHECK(packed[t.order].first == Approx(t.start_min).margin(1e-6));
    CHECK(packed[t.order].second == Approx(t.finish_min).margin(1e-6));
  }
  CHECK(r.kpis.reassignments == 1);  // W1, S1 -> S2 at 42
  CHECK(r.kpis.starvation_outlet_min == 0);
  const PlanKpis planned = evaluate_plan(planned_day, plan);
  CHECK(r.kpis.parcels.parcels_on_time == planned.parcels_on_time);
  CHECK(r.kpis.parcels.parcels_per_h == Approx(planned.parcels_per_h));
}

TEST_CASE("stations going down and up, new orders and a drifting flow re-plan at once",
          "[unit][planning]") {
  auto doc = small_day();
  at(doc, "stations", 0)["down"] = boost::json::array{boost::json::object{{"window", {80, 95}}}};
  auto& orders = doc["orders"].as_array();
  for (int i = 0; i < 20; ++i)  // a rush of 20 orders at minute 65
    orders.push_back(boost::json::object{{"id", "R" + std::to_string(i)},
                                         {"product", "I-B"},
                                         {"box_type", "gift-4"},
                                         {"courier", "SF"},
                                         {"cutoff_min", 120},
                                         {"arrival_min", 65}});
  // The forecast says 2 fruit/s of I-B; in period 1 (15-30) the grader gives 3.
  doc["forecast"] = doc["flow"];
  doc["flow"].as_array()[0].as_object()["fruit_per_s"].as_array()[1] = 3;
  const Instance day = load(doc);
  StaffFirst planner;
  DayOptions o = quiet();
  o.replan_every_min = 200;  // no periodic re-plans: only triggers
  o.replan_new_orders = 20;
  const DayResult r = simulate_day(day, planner, o);
  INFO([&] {
    std::string all;
    for (auto& l : r.log) all += l + "\n";
    return all;
  }());
  CHECK(logged(r, "07:00 plan: 30 orders known, 3 workers checked in"));
  CHECK(logged(r, "07:30 re-plan: flow off forecast: I-B +50 %"));
  CHECK(logged(r, "08:05 re-plan: 25 new orders"));  // 5 trickled in since 07:30
  CHECK(logged(r, "08:20 re-plan: station S1 down"));
  CHECK(logged(r, "08:35 re-plan: station S1 up"));
  CHECK(planner.calls == std::vector<int>{0, 30, 65, 80, 95});
  CHECK(r.kpis.replans == 4);
  // The planner saw the down window once it started, with its end.
  REQUIRE(planner.seen[3].stations[0].down.size() == 1);
  CHECK(planner.seen[3].stations[0].down[0].end_min == 95);
  CHECK(planner.seen[2].stations[0].down.empty());
}

TEST_CASE("progress is reported every period and at the end", "[unit][planning]") {
  const Instance day = load(small_day());
  StaffFirst planner;
  DayOptions o = quiet();
  std::vector<int> seen;
  o.progress = [&](int now, int horizon) {
    CHECK(horizon == 120);
    seen.push_back(now);
  };
  simulate_day(day, planner, o);
  CHECK(seen == std::vector<int>{15, 30, 45, 60, 75, 90, 105, 120});
}

TEST_CASE("with no tasks planned the floor packs the earliest cut-off first", "[unit][planning]") {
  auto doc = small_day();
  // One packer, every order known at the start, gift boxes of I-B only.
  auto& workers = doc["workers"].as_array();
  workers.erase(workers.begin() + 1, workers.end());
  workers[0].as_object()["breaks"] = boost::json::array{};
  auto& orders = doc["orders"].as_array();
  boost::json::array gifts;
  for (auto& v : orders) {
    auto& o = v.as_object();
    if (o["box_type"] != "gift-4") continue;
    o["arrival_min"] = 0;
    gifts.push_back(o);
  }
  doc["orders"] = gifts;
  const Instance day = load(doc);
  StaffFirst planner;
  const DayResult r = simulate_day(day, planner, quiet());
  REQUIRE(r.parcels.size() > 10);
  for (std::size_t i = 1; i < r.parcels.size(); ++i) {
    const PlanOrder& a = day.orders[r.parcels[i - 1].order];
    const PlanOrder& b = day.orders[r.parcels[i].order];
    CHECK((a.cutoff_min < b.cutoff_min ||
           (a.cutoff_min == b.cutoff_min && a.priority >= b.priority)));
  }
  // One packer busy all day: utilisation is packing minutes over the shift.
  double packing = 0;
  for (const PackedParcel& p : r.parcels) packing += p.finish_min - p.start_min;
  CHECK(r.kpis.parcels.utilisation == Approx(packing / 120.0));
  CHECK(r.kpis.parcels.utilisation > 0.9);
  CHECK(r.kpis.parcels.fairness_ratio == 1.0);
}

TEST_CASE("the EDD baseline runs a whole day on the simulated floor", "[integration][planning]") {
  auto doc = small_day();
  at(doc, "workers", 1)["absent_from_min"] = 70;
  const Instance day = load(doc);
  auto edd = make_planner("edd");
  REQUIRE(edd);
  DayOptions o;
  o.seed = 3;
  const DayResult a = simulate_day(day, *edd, o);
  auto again = make_planner("edd");
  const DayResult b = simulate_day(day, *again, o);
  const PlanKpis& k = a.kpis.parcels;
  CHECK(k.parcels_planned + k.parcels_unplanned == k.parcels_demanded);
  CHECK(k.parcels_on_time > 0);
  CHECK(k.parcels_on_time == b.kpis.parcels.parcels_on_time);
  CHECK(a.parcels.size() == b.parcels.size());
  CHECK(logged(a, "08:10 re-plan: 1 worker absent"));
  CHECK(a.last_plan.method == "edd");
  CHECK(a.kpis.plan_ms_max >= a.kpis.plan_ms_p50);
  for (const PackedParcel& p : a.parcels) {
    const PlanWorker& w = day.workers[p.worker];
    CHECK_FALSE(inside(w.breaks, p.start_min));
    CHECK((w.absent_from_min < 0 || p.start_min < w.absent_from_min));
  }
}
