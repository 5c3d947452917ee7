// ThSensor and Scale: values with quality, optional flags from points or named bits, tare
// as a command word or a tare point, start-up checks.
#include <catch2/catch.hpp>

#include "catch_result.hpp"
#include "coldsort/bridge/scale.hpp"
#include "coldsort/bridge/th_sensor.hpp"
#include "driver_fixtures.hpp"

using namespace coldsort;
using bridge::Quality;

TEST_CASE("a T/RH transmitter reports both values and the worse quality", "[unit]") {
  const auto device = test::device_from_json(R"({ "model": "th", "points": [
    { "name": "temp_c", "table": "input_register", "address": 1, "type": "s16", "scale": 0.1 },
    { "name": "humidity_pct", "table": "input_register", "address": 2, "scale": 0.1 }]})");
  const bridge::ThSensor sensor(device);
  test::Values v;
  v.set("temp_c", -12.3).set("humidity_pct", 87.5);
  auto s = sensor.status(v);
  CHECK(s.temp_c == Approx(-12.3));
  CHECK(s.humidity_pct == Approx(87.5));
  CHECK(s.quality == Quality::good);
  CHECK(sensor.status(test::Values(v).set("humidity_pct", 87.5, Quality::stale)).quality ==
        Quality::stale);
  CHECK(sensor.status(test::Values(v).set("temp_c", 3276.7, Quality::bad)).quality == Quality::bad);
  CHECK(sensor.status(test::Values(v).drop("temp_c")).quality == Quality::stale);

  const auto no_humidity = test::device_from_json(R"({ "model": "t", "points": [
    { "name": "temp_c", "table": "input_register", "address": 1 }]})",
                                                  "TH-3");
  CHECK_THROWS_WITH(bridge::ThSensor(no_humidity),
                    Catch::Contains("TH-3") && Catch::Contains("\"humidity_pct\""));
}

TEST_CASE("a scale with flag points and a tare point", "[unit]") {
  const auto device = test::device_from_json(R"({ "model": "scale-flags", "points": [
    { "name": "weight_g", "table": "input_register", "address": 0, "type": "s32", "scale": 0.1 },
    { "name": "stable",   "table": "discrete_input", "address": 0 },
    { "name": "overload", "table": "discrete_input", "address": 1 },
    { "name": "tare",     "table": "coil",           "address": 0, "access": "w" }]})");
  const bridge::Scale scale(device);
  test::Values v;
  v.set("weight_g", 1234.5).set("stable", 1).set("overload", 0);
  auto s = scale.status(v);
  CHECK(s.weight_g == Approx(1234.5));
  REQUIRE(s.stable);
  CHECK(*s.stable);
  REQUIRE(s.overload);
  CHECK_FALSE(*s.overload);
  CHECK(s.quality == Quality::good);
  CHECK(*scale.status(test::Values(v).set("overload", 1)).overload);
  CHECK(scale.status(test::Values(v).set("stable", 0, Quality::stale)).quality == Quality::stale);

  REQUIRE(scale.can_tare());
  CHECK(scale.tare()->point == "tare");
  CHECK(scale.tare()->value == 1);
  CHECK(scale.tare_idle()->point == "tare");
  CHECK(scale.tare_idle()->value == 0);
}

TEST_CASE("a scale with a status word and a command register", "[unit]") {
  const auto device = test::device_from_json(R"({ "model": "scale-indicator",
    "commands": { "idle": 0, "zero": 1, "tare": 2 },
    "bits": { "status": ["negative", "stable", "underload", "overload"] },
    "points": [
      { "name": "command",  "table": "holding_register", "address": 0, "access": "w", "max": 255 },
      { "name": "status",   "table": "holding_register", "address": 201 },
      { "name": "weight_g", "table": "holding_register", "address": 202, "type": "s32" }]})");
  const bridge::Scale scale(device);
  for (int word : {0b0000, 0b0010, 0b1000, 0b1010, 0b0101}) {
    INFO("status word " << word);
    const auto s = scale.status(test::Values().set("weight_g", -40).set("status", word));
    CHECK(*s.stable == ((word & 2) != 0));
    CHECK(*s.overload == ((word & 8) != 0));
    CHECK(s.weight_g == -40);
  }
  CHECK(scale.tare()->point == "command");
  CHECK(scale.tare()->value == 2);
  CHECK(scale.tare_idle()->value == 0);
}

TEST_CASE("a scale without flags or tare reports only the weight", "[unit]") {
  const auto device = test::device_from_json(R"({ "model": "bare", "points": [
    { "name": "weight_g", "table": "input_register", "address": 0 }]})");
  const bridge::Scale scale(device);
  const auto s = scale.status(test::Values().set("weight_g", 500));
  CHECK_FALSE(s.stable);
  CHECK_FALSE(s.overload);
  CHECK(s.quality == Quality::good);
  CHECK_FALSE(scale.can_tare());
  CHECK(scale.tare().error() == core::errc::not_found);
  CHECK(scale.tare_idle().error() == core::errc::not_found);
}

TEST_CASE("a scale map that cannot tare as it claims is a start-up error", "[unit]") {
  const auto read_only_tare = test::device_from_json(R"({ "model": "m", "points": [
    { "name": "weight_g", "table": "input_register", "address": 0 },
    { "name": "tare", "table": "discrete_input", "address": 0 }]})",
                                                     "SC-1");
  CHECK_THROWS_WITH(bridge::Scale(read_only_tare),
                    Catch::Contains("SC-1") && Catch::Contains("writable"));
  const auto no_command_point = test::device_from_json(R"({ "model": "m",
    "commands": { "tare": 2 }, "points": [
    { "name": "weight_g", "table": "input_register", "address": 0 }]})");
  CHECK_THROWS_WITH(bridge::Scale(no_command_point), Catch::Contains("\"command\""));
  const auto no_weight = test::device_from_json(R"({ "model": "m", "points": [
    { "name": "stable", "table": "discrete_input", "address": 0 }]})");
  CHECK_THROWS_WITH(bridge::Scale(no_weight), Catch::Contains("\"weight_g\""));
}
