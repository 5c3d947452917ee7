#include <catch2/catch.hpp>

#include "coldsort/scheduler/plan.hpp"

using namespace coldsort::scheduler;

namespace {

// One product through one outlet to two gift-box stations, two packers, two orders, 2 hours.
Instance two_packers() {
  auto loaded = load_instance_text(R"({
    "schema_version": 1, "name": "two-packers", "horizon_min": 120, "period_min": 30,
    "box_types": [{"id": "gift-4", "fruit_per_box": 4, "nominal_kg": 1.5},
                  {"id": "carton-5kg", "fruit_per_box": 14, "nominal_kg": 5}],
    "products": [{"id": "I-B", "grade": "class_i", "size_code": "B"}],
    "stations": [{"id": "S1", "box_types": ["gift-4"]}, {"id": "S2", "box_types": ["gift-4"]},
                 {"id": "S3", "box_types": ["carton-5kg"], "down": [{"window": [0, 30]}]}],
    "outlets": [{"id": "O1", "stations": ["S1", "S2"]}, {"id": "O2", "stations": ["S3"]},
                {"id": "REJ", "kind": "reject"}],
    "workers": [{"id": "W1", "skills": [{"box_type": "gift-4", "parcels_per_h": 15}], "shift": [0, 120],
                 "breaks": [{"window": [60, 70]}]},
                {"id": "W2", "skills": [{"box_type": "gift-4", "parcels_per_h": 12}], "shift": [0, 120]}],
    "orders": [{"id": "A", "product": "I-B", "box_type": "gift-4", "boxes": 3, "courier": "SF", "cutoff_min": 60},
               {"id": "B", "product": "I-B", "box_type": "gift-4", "courier": "SF", "cutoff_min": 30}],
    "flow": [{"product": "I-B", "fruit_per_s": [1, 1, 1, 1]}]
  })");
  INFO(loaded.errors.joined());
  REQUIRE(loaded.instance);
  return *loaded.instance;
}

// W1 packs B at S1, W2 packs A's three boxes at S2 (5 min each at 12/h).
Plan good_plan() {
  Plan p;
  p.outlets = {{"O1", "I-B", {0, 120}, "I-B demand", false}};
  p.staff = {{"W1", "S1", 0, {0, 60}, "", false}, {"W2", "S2", 0, {0, 120}, "", false}};
  p.tasks = {{"B", "S1", "W1", 0, 4, ""}, {"A", "S2", "W2", 0, 15, ""}};
  return p;
}

bool names(const std::vector<Violation>& found, const std::string& subject, const std::string& rule_part) {
  for (const Violation& v : found)
    if (v.subject == subject && v.rule.find(rule_part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a plan that keeps every hard constraint has no violations and counts its parcels", "[unit][planning]") {
  const Instance in = two_packers();
  Plan plan = good_plan();
  CHECK(check_plan(in, plan).empty());
  const PlanKpis k = evaluate_plan(in, plan);
  CHECK(k.orders == 2);
  CHECK(k.parcels_demanded == 4);
  CHECK(k.parcels_on_time == 4);
  CHECK(k.parcels_unplanned == 0);
  CHECK(k.on_time_rate == 1.0);
  CHECK(k.parcels_per_h == Approx(4 / (15 / 60.0)));

  // A finishing after its cut-off is late, not on time; dropping B leaves it unplanned.
  plan.tasks = {{"A", "S2", "W2", 50, 65, ""}};
  CHECK(check_plan(in, plan).empty());
  const PlanKpis late = evaluate_plan(in, plan);
  CHECK(late.parcels_late == 3);
  CHECK(late.parcels_unplanned == 1);
  CHECK(late.on_time_rate == 0.0);
  CHECK(late.objective > k.objective);
}

TEST_CASE("each broken hard constraint is named with its subject", "[unit][planning]") {
  const Instance in = two_packers();
  Plan plan = good_plan();
  plan.staff.push_back({"W2", "S1", 0, {30, 60}, "", false});   // W2 in two places, S1 slot shared
  plan.staff.push_back({"W1", "S3", 0, {60, 120}, "", false});  // fine as staffing
  plan.tasks = {
      {"B", "S1", "W1", 58, 62, ""},    // crosses W1's break at 60
      {"A", "S3", "W1", 80, 92, ""},    // S3 packs cartons only; O2 carries nothing
  };
  auto found = check_plan(in, plan);
  CHECK(names(found, "task B", "crosses a break"));
  CHECK(names(found, "task A", "station S3 cannot pack gift-4"));
  CHECK(names(found, "task A", "no outlet carrying I-B reaches S3"));
  CHECK(names(found, "staffing W2 and W2", "one worker in two places"));
  CHECK(names(found, "staffing W1 and W2", "share one station slot"));

  plan = good_plan();
  plan.tasks = {{"A", "S2", "W2", 0, 12, ""}, {"A", "S1", "W1", 20, 32, ""}, {"B", "S1", "W1", 70, 74, ""}};
  found = check_plan(in, plan);
  CHECK(names(found, "task A", "not boxes x 60 / rate"));  // 3 boxes at 12/h take 15 min
  CHECK(names(found, "task A", "order planned twice"));
  CHECK(names(found, "task B", "not staffed at S1"));      // W1 left S1 at 60
  CHECK_FALSE(names(found, "task A", "not staffed at S1"));  // A at S1 ends at 32, inside W1's stay
}

TEST_CASE("fruit is counted: none without an outlet, none older than the cold limit", "[unit][planning]") {
  Instance in = two_packers();
  Plan plan = good_plan();
  plan.outlets = {{"O1", "I-B", {40, 120}, "", false}};  // nothing carries I-B before minute 40
  auto found = check_plan(in, plan);
  CHECK(names(found, "task B", "no outlet carrying I-B reaches S1"));
  CHECK(names(found, "task A", "not enough fresh fruit of I-B"));

  // A trickle: 0.05 fruit/s = 3 fruit/min. A's 12 fruit are there after 4 minutes, not at 0;
  // and with a 2-minute cold limit they never are.
  in.flow[0].fruit_per_s = {0.05, 0.05, 0.05, 0.05};
  plan = good_plan();
  plan.tasks = {{"A", "S2", "W2", 4, 19, ""}};
  CHECK(check_plan(in, plan).empty());
  plan.tasks = {{"A", "S2", "W2", 2, 17, ""}};
  CHECK(names(check_plan(in, plan), "task A", "not enough fresh fruit"));
  in.cold_limit_min = 2;
  plan.tasks = {{"A", "S2", "W2", 30, 45, ""}};
  CHECK(names(check_plan(in, plan), "task A", "not enough fresh fruit"));
}

TEST_CASE("changes against the published plan count workers and outlets, not windows", "[unit][planning]") {
  const Instance in = two_packers();
  const Plan published = good_plan();
  Plan replan = good_plan();
  replan.made_at_min = 30;
  // The same stay split into two windows is no change.
  replan.staff = {{"W1", "S1", 0, {0, 30}, "", false}, {"W1", "S1", 0, {30, 60}, "", false},
                  {"W2", "S2", 0, {0, 120}, "", false}};
  CHECK(evaluate_plan(in, replan, &published).changes_vs_published == 0);
  // W2 moves to S1 at 60: one worker changed; O1 stops at 90: one outlet changed.
  replan.staff = {{"W1", "S1", 0, {0, 60}, "", false}, {"W2", "S2", 0, {0, 60}, "", false},
                  {"W2", "S1", 0, {60, 120}, "", false}};
  replan.outlets = {{"O1", "I-B", {0, 90}, "", false}};
  const PlanKpis k = evaluate_plan(in, replan, &published);
  CHECK(k.changes_vs_published == 2);
  CHECK(k.reassignments == 1);
}
