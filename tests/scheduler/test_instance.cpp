#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "coldsort/scheduler/instance.hpp"

using namespace coldsort;
using scheduler::load_instance_text;

namespace {

// Two box types, two products, two stations, three workers, three orders over 2 hours.
boost::json::object tiny() {
  return boost::json::parse(R"({
    "schema_version": 1, "name": "tiny", "notes": "hand-made for tests",
    "horizon_min": 120, "period_min": 30,
    "box_types": [{"id": "gift-4", "fruit_per_box": 4, "nominal_kg": 1.5},
                  {"id": "carton-5kg", "fruit_per_box": 14, "nominal_kg": 5}],
    "products": [{"id": "I-B", "grade": "class_i", "size_code": "B"},
                 {"id": "II-C", "grade": "class_ii", "size_code": "C"}],
    "stations": [{"id": "S1", "box_types": ["gift-4"]},
                 {"id": "S2", "box_types": ["gift-4", "carton-5kg"], "down": [{"window": [60, 90]}]}],
    "outlets": [{"id": "O1", "stations": ["S1", "S2"]}, {"id": "REJ", "kind": "reject"}],
    "workers": [{"id": "W1", "skills": [{"box_type": "gift-4", "parcels_per_h": 18}], "shift": [0, 120],
                 "breaks": [{"window": [50, 60]}]},
                {"id": "W2", "skills": [{"box_type": "carton-5kg", "parcels_per_h": 30}], "shift": [90, 120]},
                {"id": "W3", "skills": [{"box_type": "gift-4", "parcels_per_h": 15}], "shift": [0, 120],
                 "checked_in": false}],
    "orders": [{"id": "A", "product": "I-B", "box_type": "gift-4", "boxes": 3, "courier": "SF", "cutoff_min": 60},
               {"id": "B", "product": "II-C", "box_type": "carton-5kg", "courier": "JD", "cutoff_min": 80},
               {"id": "C", "product": "I-B", "box_type": "gift-4", "courier": "SF", "cutoff_min": 120,
                "arrival_min": 30, "priority": 2}],
    "flow": [{"product": "I-B", "fruit_per_s": [2, 2, 3, 1]}, {"product": "II-C", "fruit_per_s": [1, 1, 1, 1]}]
  })").as_object();
}

std::string errors_of(const boost::json::object& doc) {
  auto loaded = load_instance_text(boost::json::serialize(doc), "day.json");
  CHECK_FALSE(loaded.instance);
  return loaded.errors.joined();
}

}  // namespace

TEST_CASE("an instance file reads into the day's floor, people and demand", "[unit][planning]") {
  auto loaded = load_instance_text(boost::json::serialize(tiny()));
  INFO(loaded.errors.joined());
  REQUIRE(loaded.instance);
  const scheduler::Instance& in = *loaded.instance;
  CHECK(in.periods() == 4);
  CHECK(in.find_box_type("carton-5kg")->fruit_per_box == 14);
  CHECK(in.find_product("II-C")->grade == core::Grade::class_ii);
  CHECK(in.stations[1].down.at(0).contains(75));
  CHECK(in.outlets[1].kind == core::OutletKind::reject);
  CHECK(in.workers[0].breaks.at(0).length_min() == 10);
  CHECK_FALSE(in.workers[2].checked_in);
  CHECK(in.orders[2].arrival_min == 30);
  CHECK(in.orders[2].priority == 2);
  CHECK(in.flow[0].fruit_per_s[2] == 3);
}

TEST_CASE("a saved instance reads back the same", "[unit][planning]") {
  auto first = load_instance_text(boost::json::serialize(tiny()));
  REQUIRE(first.instance);
  const std::string saved = scheduler::save_instance(*first.instance);
  auto again = load_instance_text(saved, "saved.json");
  INFO(again.errors.joined());
  REQUIRE(again.instance);
  CHECK(scheduler::save_instance(*again.instance) == saved);
  CHECK(again.instance->workers[0].breaks.size() == 1);
  CHECK(again.instance->stations[1].down.size() == 1);
}

TEST_CASE("a malformed instance names every path that is wrong", "[unit][planning]") {
  auto doc = tiny();
  doc["orders"].as_array()[0].as_object()["product"] = "XL";
  doc["orders"].as_array()[1].as_object()["arrival_min"] = 100;  // after its cut-off at 80
  doc["workers"].as_array()[0].as_object()["shift"] = boost::json::array{30, 10};
  doc["flow"].as_array()[1].as_object()["fruit_per_s"] = boost::json::array{1, 1};
  doc["stations"].as_array()[0].as_object()["box_types"] = boost::json::array{"crate"};
  doc["workers"].as_array()[1].as_object()["id"] = "W1";
  const std::string e = errors_of(doc);
  CHECK(e.find("day.json.orders[0].product: unknown product \"XL\"") != std::string::npos);
  CHECK(e.find("day.json.orders[1].arrival_min: after the order's cut-off") != std::string::npos);
  CHECK(e.find("day.json.workers[0].shift: must satisfy 0 <= start < end") != std::string::npos);
  CHECK(e.find("day.json.flow[1].fruit_per_s: needs one value per period: 4") != std::string::npos);
  CHECK(e.find("day.json.stations[0].box_types: unknown box type \"crate\"") != std::string::npos);
  CHECK(e.find("workers[1].id: duplicate id \"W1\"") != std::string::npos);
  CHECK(errors_of(boost::json::object{{"name", "x"}}).find("missing required key") != std::string::npos);
}

TEST_CASE("what cannot be planned is said in words, and only that", "[unit][planning]") {
  auto doc = tiny();
  // Order B's cartons: only W2 packs them, and W2 starts at minute 90, after B's cut-off.
  auto loaded = load_instance_text(boost::json::serialize(doc));
  REQUIRE(loaded.instance);
  auto found = scheduler::find_infeasibilities(*loaded.instance);
  REQUIRE(found.size() == 1);
  CHECK(found[0].subject == "order B");
  CHECK(found[0].reason == "nobody who can pack carton-5kg starts before its cut-off (minute 80)");

  // At minute 70, order A's cut-off has passed; W1 still packs gift boxes for C.
  found = scheduler::find_infeasibilities(*loaded.instance, 70);
  REQUIRE(found.size() == 2);
  CHECK(found[0].subject == "order A");
  CHECK(found[0].reason == "its cut-off (minute 60) has passed");

  // Nobody checked in can pack gift boxes: W1 is gone, W3 never checked in.
  loaded.instance->workers[0].checked_in = false;
  found = scheduler::find_infeasibilities(*loaded.instance);
  CHECK(found.size() == 3);
  CHECK(found[0].reason == "no worker on shift can pack gift-4");
}
