// ColdRoom: probes with their own quality, optional points, flags from points or named bits,
// controller alarms by the model's bit names, setpoint range checks, start-up checks.
#include <catch2/catch.hpp>
#include <cmath>

#include "catch_result.hpp"
#include "coldsort/bridge/cold_room.hpp"
#include "driver_fixtures.hpp"

using namespace coldsort;
using bridge::Quality;

namespace {

// Every optional point present; defrost and door come from named bits of a status word.
constexpr const char* kFullRoom = R"({
  "model": "test-room-full",
  "bits": {
    "status_bits": ["compressor_on", "defrost", "", "door_open"],
    "alarm_bits": ["high temperature", "low temperature", "", "probe 1 failure"],
    "alarm_bits_2": ["", "", "", "", "", "", "", "", "", "high pressure"]
  },
  "points": [
    { "name": "air_temp_c",        "table": "holding_register", "address": 256, "type": "s16", "scale": 0.1, "min": -50, "max": 150 },
    { "name": "evaporator_temp_c", "table": "holding_register", "address": 257, "type": "s16", "scale": 0.1, "min": -50, "max": 150 },
    { "name": "record_temp_c",     "table": "holding_register", "address": 258, "type": "s16", "scale": 0.1, "min": -50, "max": 150 },
    { "name": "humidity_pct",      "table": "input_register",   "address": 6, "scale": 0.1, "min": 0, "max": 100 },
    { "name": "setpoint_c",        "table": "holding_register", "address": 272, "type": "s16", "scale": 0.1, "access": "rw", "min": -30, "max": 30 },
    { "name": "status_bits",       "table": "holding_register", "address": 300 },
    { "name": "alarm_bits",        "table": "holding_register", "address": 3328 },
    { "name": "alarm_bits_2",      "table": "holding_register", "address": 3329 }
  ]})";

// Only what a cold room needs: no record probe, no door, no alarms.
constexpr const char* kMinimalRoom = R"({
  "model": "test-room-minimal",
  "points": [
    { "name": "air_temp_c", "table": "input_register",   "address": 0, "type": "s16", "scale": 0.1 },
    { "name": "defrost",    "table": "coil",             "address": 0 },
    { "name": "setpoint_c", "table": "holding_register", "address": 0, "type": "s16", "scale": 0.1, "access": "rw", "min": -30, "max": 30 }
  ]})";

test::Values full_values() {
  test::Values v;
  v.set("air_temp_c", 4.8).set("evaporator_temp_c", -2.5).set("record_temp_c", 5.1);
  v.set("humidity_pct", 92.5).set("setpoint_c", 5).set("status_bits", 0);
  v.set("alarm_bits", 0).set("alarm_bits_2", 0);
  return v;
}

}  // namespace

TEST_CASE("a cold room reports every probe with its own quality", "[unit]") {
  const auto device = test::device_from_json(kFullRoom, "CR-RAW");
  const bridge::ColdRoom room(device);
  auto v = full_values();
  v.set("record_temp_c", 3276.7, Quality::bad);  // an open probe answering 0x7FFF
  v.set("humidity_pct", 91, Quality::stale);
  const auto s = room.status(v);
  CHECK(s.air_temp_c.value == Approx(4.8));
  CHECK(s.air_temp_c.quality == Quality::good);
  REQUIRE(s.evaporator_temp_c);
  CHECK(s.evaporator_temp_c->value == Approx(-2.5));
  REQUIRE(s.record_temp_c);
  CHECK(s.record_temp_c->value == Approx(3276.7));
  CHECK(s.record_temp_c->quality == Quality::bad);
  REQUIRE(s.humidity_pct);
  CHECK(s.humidity_pct->quality == Quality::stale);
  CHECK(s.setpoint_c.value == Approx(5));
  CHECK(s.quality == Quality::bad);  // the worst of them
  CHECK(room.status(full_values()).quality == Quality::good);
}

TEST_CASE("a cold room without optional points leaves them empty", "[unit]") {
  const auto device = test::device_from_json(kMinimalRoom);
  const bridge::ColdRoom room(device);
  const auto s =
      room.status(test::Values().set("air_temp_c", -0.4).set("defrost", 1).set("setpoint_c", 0.5));
  CHECK(s.air_temp_c.value == Approx(-0.4));
  CHECK_FALSE(s.record_temp_c);
  CHECK_FALSE(s.evaporator_temp_c);
  CHECK_FALSE(s.humidity_pct);
  CHECK_FALSE(s.door_open);
  CHECK_FALSE(s.compressor_on);
  CHECK(s.defrost.on);
  CHECK(s.alarms.empty());
  CHECK(s.alarm_words.empty());
  CHECK(s.quality == Quality::good);  // absent optional points do not make it stale
}

TEST_CASE("cold-room flags come from named bits of a status word", "[unit]") {
  const auto device = test::device_from_json(kFullRoom);
  const bridge::ColdRoom room(device);
  struct Case {
    int word;
    bool compressor, defrost, door;
  };
  for (const Case c : {Case{0b0000, false, false, false}, Case{0b0001, true, false, false},
                       Case{0b0010, false, true, false}, Case{0b1000, false, false, true},
                       Case{0b0100, false, false, false}, Case{0b1011, true, true, true}}) {
    INFO("status word " << c.word);
    const auto s = room.status(full_values().set("status_bits", c.word));
    REQUIRE(s.compressor_on);
    REQUIRE(s.door_open);
    CHECK(s.compressor_on->on == c.compressor);
    CHECK(s.defrost.on == c.defrost);
    CHECK(s.door_open->on == c.door);
  }
  const auto stale = room.status(full_values().set("status_bits", 8, Quality::stale));
  CHECK(stale.door_open->quality == Quality::stale);
  CHECK(stale.defrost.quality == Quality::stale);
  CHECK(stale.quality == Quality::stale);
}

TEST_CASE("each controller alarm bit is reported by the model's name", "[unit]") {
  const auto device = test::device_from_json(kFullRoom);
  const bridge::ColdRoom room(device);
  SECTION("one bit at a time") {
    const std::vector<std::pair<int, std::string>> named{
        {0, "high temperature"}, {1, "low temperature"}, {3, "probe 1 failure"}};
    for (const auto& [bit, name] : named) {
      const auto s = room.status(full_values().set("alarm_bits", 1 << bit));
      CHECK(s.alarms == std::vector<std::string>{name});
      CHECK(s.alarm_words.at("alarm_bits") == (1u << bit));
    }
  }
  SECTION("a set bit without a name is reported by number, not dropped") {
    CHECK(room.status(full_values().set("alarm_bits", 1 << 2)).alarms ==
          std::vector<std::string>{"alarm_bits bit 2"});
    CHECK(room.status(full_values().set("alarm_bits", 1 << 15)).alarms ==
          std::vector<std::string>{"alarm_bits bit 15"});
  }
  SECTION("several words and bits at once, in word then bit order") {
    const auto s = room.status(full_values().set("alarm_bits", 0b1001).set("alarm_bits_2", 1 << 9));
    CHECK(s.alarms ==
          std::vector<std::string>{"high temperature", "probe 1 failure", "high pressure"});
    CHECK(s.alarm_words.at("alarm_bits_2") == 512u);
  }
  SECTION("no bits, no alarms") {
    const auto s = room.status(full_values());
    CHECK(s.alarms.empty());
    CHECK(s.alarm_words.size() == 2);
  }
  SECTION("an alarm word that was never read is stale and reports nothing") {
    const auto s = room.status(full_values().drop("alarm_bits_2"));
    CHECK(s.alarms.empty());
    CHECK(s.quality == Quality::stale);
  }
}

TEST_CASE("a cold-room setpoint outside its range is refused", "[unit]") {
  const auto device = test::device_from_json(kMinimalRoom);
  const bridge::ColdRoom room(device);
  auto ok = room.set_setpoint(-1.5);
  REQUIRE(ok);
  CHECK(ok->point == "setpoint_c");
  CHECK(ok->value == -1.5);
  CHECK(room.set_setpoint(30));
  CHECK(room.set_setpoint(30.1).error() == core::errc::bad_register_value);
  CHECK(room.set_setpoint(-31).error() == core::errc::bad_register_value);
  CHECK(room.set_setpoint(INFINITY).error() == core::errc::bad_register_value);
}

TEST_CASE("a cold-room map without what the driver needs is a start-up error", "[unit]") {
  auto message_for = [](const std::string& json) -> std::string {
    const auto device = test::device_from_json(json, "CR-9");
    try {
      bridge::ColdRoom room(device);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  const std::string air = R"({ "name": "air_temp_c", "table": "input_register", "address": 0 })";
  const std::string setpoint =
      R"({ "name": "setpoint_c", "table": "holding_register", "address": 0, "access": "rw" })";
  const std::string defrost = R"({ "name": "defrost", "table": "coil", "address": 0 })";
  auto map = [](const std::string& points) {
    return R"({ "model": "m", "points": [)" + points + "]}";
  };

  CHECK_THAT(message_for(map(setpoint + "," + defrost)), Catch::Contains("\"air_temp_c\""));
  CHECK_THAT(message_for(map(air + "," + defrost)), Catch::Contains("\"setpoint_c\""));
  CHECK_THAT(message_for(map(air + "," + setpoint)), Catch::Contains("\"defrost\""));
  CHECK_THAT(
      message_for(map(air + "," + defrost +
                      R"(, { "name": "setpoint_c", "table": "holding_register", "address": 0 })")),
      Catch::Contains("must be writable"));
  CHECK_THAT(
      message_for(map(
          air + "," + setpoint + "," + defrost +
          R"(, { "name": "alarm_bits", "table": "input_register", "address": 5, "type": "s16" })")),
      Catch::Contains("u16 or u32"));
  CHECK_THAT(message_for(map(air + "," + setpoint + "," + defrost)), Catch::Equals(""));
  CHECK_THAT(message_for(map(setpoint + "," + defrost)), Catch::Contains("CR-9"));
}
