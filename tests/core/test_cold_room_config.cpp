#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "coldsort/core/config.hpp"
#include "temp_dir.hpp"

using namespace coldsort::core;
using coldsort::test::TempDir;

namespace {

const std::string kDefault = std::string(COLDSORT_CONFIG_DIR) + "/default.json";

boost::json::value default_doc() {
  std::ifstream in(kDefault);
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str());
}

// A room with only the keys that were required before the cold-chain settings existed.
boost::json::object plain_room() {
  return boost::json::object{{"id", "CR-X"},     {"role", "raw_store"}, {"setpoint_c", 6.0},
                             {"min_c", 5.0},     {"max_c", 8.0},        {"device", "cold-raw"}};
}

LoadedConfig load_with_room(const boost::json::object& room) {
  auto doc = default_doc();
  doc.at("cold_rooms").as_array() = boost::json::array{room};
  return load_config_text(boost::json::serialize(doc), COLDSORT_CONFIG_DIR);
}

ColdRoom loaded_room(const boost::json::object& room) {
  LoadedConfig loaded = load_with_room(room);
  INFO(loaded.errors.joined());
  REQUIRE(loaded.config);
  REQUIRE(loaded.config->cold_rooms.size() == 1);
  return loaded.config->cold_rooms[0];
}

std::string errors_with_room(const boost::json::object& room) {
  LoadedConfig loaded = load_with_room(room);
  CHECK_FALSE(loaded.config);
  return loaded.errors.joined();
}

bool has(const std::string& errors, const std::string& line) {
  INFO(errors);
  return errors.find(line) != std::string::npos;
}

}  // namespace

TEST_CASE("a room without cold-chain keys gets the pomegranate defaults from its band",
          "[unit][config][cold]") {
  const ColdRoom room = loaded_room(plain_room());
  CHECK(room.low.limit_c == 5.0);
  CHECK(room.high.limit_c == 8.0);
  CHECK(room.low_low.limit_c == 3.0);
  CHECK(room.high_high.limit_c == 10.0);
  for (const TempAlarmLevel* level : {&room.low_low, &room.low, &room.high, &room.high_high}) {
    CHECK(level->delay_min == 30);
    CHECK(level->deadband_c == 0.5);
  }
  CHECK(room.high.priority == AlarmPriority::medium);
  CHECK(room.high_high.priority == AlarmPriority::high);
  CHECK(room.humidity_low.limit_pct == 85);
  CHECK(room.humidity_high.limit_pct == 98);
  CHECK(room.door_open_max_min == 10);
  CHECK(room.defrost_recovery_min == 30);
  CHECK(room.chilling.below_c == 5.0);
  CHECK(room.chilling.max_days == 28);
  CHECK(room.long_term_after_days == 60);  // a raw store; 7 degC lies within 5..8
  CHECK(room.long_term_setpoint_c == 7.0);
  CHECK(room.probes.control_point == "air_temp_c");
  CHECK(room.probes.record_point == "record_temp_c");
  CHECK(room.probes.record_device.empty());  // the room's own controller
  CHECK(room.probes.humidity_point == "humidity_pct");
  CHECK(room.probes.range_min_c == -40);
  CHECK(room.probes.range_max_c == 60);
}

TEST_CASE("a controller without a second probe simply has no record probe by default",
          "[unit][config][cold]") {
  // The sim map without record_temp_c (and humidity), as older controllers are.
  TempDir dir;
  const std::string map = (dir / "one-probe.json").string();
  std::ofstream(map) << R"({"model": "one-probe", "points": [
    {"name": "air_temp_c", "table": "input_register", "address": 0, "type": "s16", "scale": 0.1},
    {"name": "defrost", "table": "input_register", "address": 2, "type": "u16"},
    {"name": "door_open", "table": "input_register", "address": 3, "type": "u16"},
    {"name": "setpoint_c", "table": "holding_register", "address": 0, "type": "s16",
     "scale": 0.1, "access": "rw"}]})";
  auto doc = default_doc();
  for (auto& device : doc.at("devices").as_array())
    if (device.at("id") == "cold-raw") device.as_object()["register_map"] = map;
  doc.at("cold_rooms").as_array() = boost::json::array{plain_room()};
  LoadedConfig loaded = load_config_text(boost::json::serialize(doc), COLDSORT_CONFIG_DIR);
  INFO(loaded.errors.joined());
  REQUIRE(loaded.config);
  CHECK(loaded.config->cold_rooms[0].probes.record_point.empty());
  CHECK(loaded.config->cold_rooms[0].probes.humidity_point.empty());

  // Named explicitly, the same absence is an error.
  auto named = plain_room();
  named["probes"] = {{"record", "record_temp_c"}};
  doc.at("cold_rooms").as_array() = boost::json::array{named};
  loaded = load_config_text(boost::json::serialize(doc), COLDSORT_CONFIG_DIR);
  CHECK(has(loaded.errors.joined(),
            "cold_rooms[0].probes.record: device \"cold-raw\" has no point \"record_temp_c\""));
}

TEST_CASE("the default config's rooms load with their cold-chain settings",
          "[unit][config][cold]") {
  LoadedConfig loaded = load_config(kDefault);
  INFO(loaded.errors.joined());
  REQUIRE(loaded.config);
  const ColdRoom& raw = loaded.config->cold_rooms.at(0);
  CHECK(raw.id == "CR-RAW");
  CHECK(raw.high_high.delay_min == 15);
  CHECK(raw.high_high.priority == AlarmPriority::high);
  CHECK(raw.low_low.limit_c == 3.0);
  CHECK(raw.humidity_low.limit_pct == 85);
  CHECK(raw.long_term_after_days == 60);
  const ColdRoom& staging = loaded.config->cold_rooms.at(1);
  CHECK(staging.role == ColdRoomRole::parcel_staging);
  CHECK(staging.long_term_after_days == 0);  // parcels do not stay for months
}

TEST_CASE("every cold-chain key can be set", "[unit][config][cold]") {
  auto room = plain_room();
  room["long_term"] = {{"after_days", 45}, {"setpoint_c", 7.5}};
  room["temp_alarms"] = {
      {"low_low",
       {{"limit_c", 2.0}, {"delay_min", 10}, {"deadband_c", 0.3}, {"priority", "urgent"}}},
      {"high", {{"limit_c", 8.5}, {"delay_min", 45}}},
  };
  room["humidity_alarms"] = {{"low", {{"limit_pct", 80}, {"deadband_pct", 3}}}};
  room["door_open_max_min"] = 20;
  room["defrost_recovery_min"] = 45;
  room["chilling"] = {{"below_c", 4.5}, {"max_days", 21}};
  room["probes"] = {{"control", "evaporator_temp_c"}, {"record", "temp_c"},
                    {"record_device", "packhall-th"}, {"range_min_c", -30},
                    {"range_max_c", 50},             {"stuck_after_min", 90},
                    {"stale_after_min", 3},          {"disagree_c", 1.5},
                    {"disagree_delay_min", 20},      {"disagree_deadband_c", 0.3}};
  const ColdRoom r = loaded_room(room);
  CHECK(r.long_term_after_days == 45);
  CHECK(r.long_term_setpoint_c == 7.5);
  CHECK(r.low_low.limit_c == 2.0);
  CHECK(r.low_low.delay_min == 10);
  CHECK(r.low_low.deadband_c == 0.3);
  CHECK(r.low_low.priority == AlarmPriority::urgent);
  CHECK(r.high.limit_c == 8.5);
  CHECK(r.high.delay_min == 45);
  CHECK(r.high_high.limit_c == 10.5);  // its default follows the high level it sits beyond
  CHECK(r.humidity_low.limit_pct == 80);
  CHECK(r.humidity_low.deadband_pct == 3);
  CHECK(r.door_open_max_min == 20);
  CHECK(r.defrost_recovery_min == 45);
  CHECK(r.chilling.below_c == 4.5);
  CHECK(r.chilling.max_days == 21);
  CHECK(r.probes.control_point == "evaporator_temp_c");
  CHECK(r.probes.record_point == "temp_c");
  CHECK(r.probes.record_device == "packhall-th");
  CHECK(r.probes.range_min_c == -30);
  CHECK(r.probes.stuck_after_min == 90);
  CHECK(r.probes.stale_after_min == 3);
  CHECK(r.probes.disagree_c == 1.5);
  CHECK(r.probes.disagree_delay_min == 20);
  CHECK(r.probes.disagree_deadband_c == 0.3);
}

TEST_CASE("alarm levels must be ordered, each error naming its path", "[unit][config][cold]") {
  auto room = plain_room();
  room["temp_alarms"] = {{"high", {{"limit_c", 11.0}}}, {"high_high", {{"limit_c", 10.0}}},
                         {"low", {{"limit_c", 2.0}}},   {"low_low", {{"limit_c", 2.0}}}};
  const std::string e = errors_with_room(room);
  CHECK(has(e, "cold_rooms[0].temp_alarms.high_high.limit_c: must be above high.limit_c (11)"));
  CHECK(has(e, "cold_rooms[0].temp_alarms.low.limit_c: must be above low_low.limit_c (2)"));
}

TEST_CASE("deadbands must be positive and smaller than the gap to the next level",
          "[unit][config][cold]") {
  auto room = plain_room();
  room["temp_alarms"] = {{"low", {{"deadband_c", 0}}},
                         {"high_high", {{"deadband_c", 2.5}}},
                         {"high", {{"deadband_c", 3.0}}}};
  room["humidity_alarms"] = {{"high", {{"deadband_pct", 20}}}};
  const std::string e = errors_with_room(room);
  CHECK(has(e, "cold_rooms[0].temp_alarms.low.deadband_c: must be positive, got 0"));
  CHECK(has(e, "cold_rooms[0].temp_alarms.high_high.deadband_c: must be smaller than the gap "
               "to high.limit_c (2)"));
  CHECK(has(e, "cold_rooms[0].temp_alarms.high.deadband_c: must be smaller than the gap to "
               "low.limit_c (3)"));
  CHECK(has(e, "cold_rooms[0].humidity_alarms.high.deadband_pct: must be smaller than the gap"));
}

TEST_CASE("cold-chain keys are checked for names, ranges and references",
          "[unit][config][cold]") {
  auto room = plain_room();
  room["temp_alarms"] = {{"high", {{"limt_c", 9.0}, {"priority", "critical"}}}};
  room["humidity_alarms"] = {{"low", {{"limit_pct", 99}}}};
  room["long_term"] = {{"setpoint_c", 9.0}};
  room["door_open_max_min"] = 0;
  room["probes"] = {{"control", "nothing_c"},      {"record", "record2_c"},
                    {"humidity_device", "sorter"}, {"range_max_c", 9.0},
                    {"disagree_c", 1.0},           {"disagree_deadband_c", 1.0}};
  const std::string e = errors_with_room(room);
  CHECK(has(e, "cold_rooms[0].temp_alarms.high.limt_c: unknown key"));
  CHECK(has(e, "cold_rooms[0].temp_alarms.high.priority: unknown value \"critical\""));
  CHECK(has(e, "cold_rooms[0].humidity_alarms.high.limit_pct: must be above low.limit_pct (99)"));
  CHECK(has(e, "cold_rooms[0].long_term.setpoint_c: must lie within [min_c, max_c]"));
  CHECK(has(e, "cold_rooms[0].door_open_max_min: must be an integer between 1 and 1440, got 0"));
  CHECK(has(e, "cold_rooms[0].probes.control: device \"cold-raw\" has no point \"nothing_c\""));
  // Named explicitly, a missing record probe is an error (by default it is just absent).
  CHECK(has(e, "cold_rooms[0].probes.record: device \"cold-raw\" has no point \"record2_c\""));
  CHECK(has(e, "cold_rooms[0].probes.humidity_device: unknown cold_room or th_sensor device "
               "\"sorter\""));
  CHECK(has(e, "cold_rooms[0].probes: the probe range [-40, 9] must contain every alarm limit"));
  CHECK(has(e, "cold_rooms[0].probes.disagree_deadband_c: must be smaller than the gap "
               "disagree_c (1)"));
}

TEST_CASE("rooms keep their older rules: band, setpoint, device, unique ids",
          "[unit][config][cold]") {
  auto a = plain_room();
  a["setpoint_c"] = 9.0;
  auto b = plain_room();
  b["device"] = "cold-nowhere";
  auto doc = default_doc();
  doc.at("cold_rooms").as_array() = boost::json::array{a, b};
  LoadedConfig loaded = load_config_text(boost::json::serialize(doc), COLDSORT_CONFIG_DIR);
  const std::string e = loaded.errors.joined();
  CHECK(has(e, "cold_rooms[0].setpoint_c: must lie within [min_c, max_c]"));
  CHECK(has(e, "cold_rooms[1].device: unknown cold-room device \"cold-nowhere\" (known: "));
  CHECK(has(e, "cold_rooms[1].id: duplicate id \"CR-X\""));
}
