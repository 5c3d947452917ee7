// Vfd: status from polled values (status codes, fault code, quality), command words from the
// map, range-checked setpoints, and start-up checks of the map.
#include <catch2/catch.hpp>
#include <cmath>

#include "catch_result.hpp"
#include "coldsort/bridge/vfd.hpp"
#include "driver_fixtures.hpp"

using namespace coldsort;
using bridge::Quality;

namespace {

// A drive laid out like an INVT GD-series: command word, status word with per-model codes.
constexpr const char* kStatusWordDrive = R"({
  "model": "test-vfd-status-word",
  "commands": { "run": 1, "stop": 5, "reset_fault": 7 },
  "status_codes": { "running": [1, 2], "stopped": [3], "fault": [4] },
  "points": [
    { "name": "run_command",           "table": "holding_register", "address": 8192, "access": "w", "min": 1, "max": 8 },
    { "name": "frequency_setpoint_hz", "table": "holding_register", "address": 8193, "scale": 0.01, "access": "rw", "min": 0, "max": 50 },
    { "name": "status_word",           "table": "holding_register", "address": 8448 },
    { "name": "fault_code",            "table": "holding_register", "address": 8450 },
    { "name": "frequency_hz",          "table": "holding_register", "address": 12288, "scale": 0.01, "min": 0, "max": 400 }
  ]})";

// A drive with a plain run register and no status word (like the simulator's).
constexpr const char* kPlainDrive = R"({
  "model": "test-vfd-plain",
  "commands": { "run": 1, "stop": 0 },
  "points": [
    { "name": "run_command",           "table": "holding_register", "address": 0, "access": "rw", "min": 0, "max": 1 },
    { "name": "frequency_setpoint_hz", "table": "holding_register", "address": 1, "scale": 0.01, "access": "w", "min": 0, "max": 60 },
    { "name": "frequency_hz",          "table": "input_register",   "address": 0, "scale": 0.01, "min": 0, "max": 60 }
  ]})";

}  // namespace

TEST_CASE("a VFD's status word is read through the model's status codes", "[unit]") {
  const auto device = test::device_from_json(kStatusWordDrive, "conveyor");
  const bridge::Vfd vfd(device);
  test::Values v;
  v.set("frequency_hz", 35.5).set("frequency_setpoint_hz", 40).set("fault_code", 0);

  SECTION("each running code means running, not faulted") {
    for (int code : {1, 2}) {
      const auto s = vfd.status(v.set("status_word", code));
      CHECK(s.running);
      CHECK_FALSE(s.faulted);
      CHECK(s.status_word == code);
      CHECK(s.quality == Quality::good);
    }
  }
  SECTION("the stop code means stopped even while the output still ramps down") {
    const auto s = vfd.status(v.set("status_word", 3));
    CHECK_FALSE(s.running);
    CHECK_FALSE(s.faulted);
    CHECK(s.frequency_hz == Approx(35.5));
  }
  SECTION("the fault code means faulted") {
    const auto s = vfd.status(v.set("status_word", 4).set("fault_code", 23));
    CHECK_FALSE(s.running);
    CHECK(s.faulted);
    CHECK(s.fault_code == 23);
  }
  SECTION("a fault number alone also means faulted") {
    const auto s = vfd.status(v.set("status_word", 1).set("fault_code", 5));
    CHECK(s.faulted);
    CHECK(s.fault_code == 5);
  }
  SECTION("a code the model does not name is neither running nor faulted") {
    const auto s = vfd.status(v.set("status_word", 5));
    CHECK_FALSE(s.running);
    CHECK_FALSE(s.faulted);
  }
  SECTION("frequency and setpoint are reported in hertz") {
    const auto s = vfd.status(v.set("status_word", 1));
    CHECK(s.frequency_hz == Approx(35.5));
    REQUIRE(s.setpoint_hz);
    CHECK(*s.setpoint_hz == Approx(40));
  }
}

TEST_CASE("a VFD status carries the worst quality of the points it used", "[unit]") {
  const auto device = test::device_from_json(kStatusWordDrive);
  const bridge::Vfd vfd(device);
  test::Values v;
  v.set("frequency_hz", 10)
      .set("frequency_setpoint_hz", 10)
      .set("status_word", 1)
      .set("fault_code", 0);
  CHECK(vfd.status(v).quality == Quality::good);
  CHECK(vfd.status(test::Values(v).set("status_word", 1, Quality::stale)).quality ==
        Quality::stale);
  CHECK(vfd.status(test::Values(v).set("fault_code", 0, Quality::bad)).quality == Quality::bad);
  CHECK(vfd.status(test::Values(v)
                       .set("frequency_hz", 10, Quality::stale)
                       .set("fault_code", 0, Quality::bad))
            .quality == Quality::bad);
  const auto missing = vfd.status(test::Values(v).drop("frequency_hz"));
  CHECK(missing.quality == Quality::stale);
  CHECK(missing.frequency_hz == 0);
  CHECK(vfd.status(bridge::DeviceValues{}).quality == Quality::stale);
}

TEST_CASE("a VFD without a status word runs while it puts out a frequency", "[unit]") {
  const auto device = test::device_from_json(kPlainDrive);
  const bridge::Vfd vfd(device);
  CHECK(vfd.status(test::Values().set("frequency_hz", 0.01)).running);
  const auto stopped = vfd.status(test::Values().set("frequency_hz", 0));
  CHECK_FALSE(stopped.running);
  CHECK_FALSE(stopped.faulted);
  CHECK_FALSE(stopped.setpoint_hz);  // write-only setpoint: nothing to report
  CHECK_FALSE(stopped.status_word);
  CHECK(stopped.quality == Quality::good);  // the write-only setpoint does not count
}

TEST_CASE("VFD commands are the model's command words", "[unit]") {
  const auto invt_like = test::device_from_json(kStatusWordDrive);
  const bridge::Vfd a(invt_like);
  CHECK(a.run().point == "run_command");
  CHECK(a.run().value == 1);
  CHECK(a.stop().value == 5);
  REQUIRE(a.reset_fault());
  CHECK(a.reset_fault()->value == 7);
  CHECK(a.reset_fault()->point == "run_command");

  const auto plain = test::device_from_json(kPlainDrive);
  const bridge::Vfd b(plain);
  CHECK(b.run().value == 1);
  CHECK(b.stop().value == 0);
  CHECK(b.reset_fault().error() == core::errc::not_found);
}

TEST_CASE("a VFD frequency outside the setpoint's range is refused, not clamped", "[unit]") {
  const auto device = test::device_from_json(kStatusWordDrive);
  const bridge::Vfd vfd(device);
  auto ok = vfd.set_frequency(35.25);
  REQUIRE(ok);
  CHECK(ok->point == "frequency_setpoint_hz");
  CHECK(ok->index == 0);
  CHECK(ok->value == 35.25);
  CHECK(vfd.set_frequency(0));
  CHECK(vfd.set_frequency(50));
  CHECK(vfd.set_frequency(50.01).error() == core::errc::bad_register_value);
  CHECK(vfd.set_frequency(-0.5).error() == core::errc::bad_register_value);
  CHECK(vfd.set_frequency(std::nan("")).error() == core::errc::bad_register_value);
}

TEST_CASE("a VFD map without what the driver needs is a start-up error naming it", "[unit]") {
  auto check_throws = [](const std::string& json, const std::string& what) {
    const auto device = test::device_from_json(json, "conveyor-7");
    try {
      bridge::Vfd vfd(device);
      FAIL("no error for: " << what);
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      CHECK_THAT(message, Catch::Contains("conveyor-7"));
      CHECK_THAT(message, Catch::Contains("inline-test-map.json"));
      CHECK_THAT(message, Catch::Contains(what));
    }
  };
  const std::string points = R"(
    { "name": "run_command", "table": "holding_register", "address": 0, "access": "rw", "min": 0, "max": 1 },
    { "name": "frequency_setpoint_hz", "table": "holding_register", "address": 1, "access": "rw" },
    { "name": "frequency_hz", "table": "input_register", "address": 0 })";
  check_throws(R"({ "model": "m", "points": [)" + points + "]}", "\"run\"");
  check_throws(R"({ "model": "m", "commands": { "run": 1 }, "points": [)" + points + "]}",
               "\"stop\"");
  check_throws(R"({ "model": "m", "commands": { "run": 1, "stop": 0, "reset_fault": 2 },
                    "points": [)" +
                   points + "]}",
               "\"reset_fault\" = 2 does not fit");
  check_throws(R"({ "model": "m", "commands": { "run": 1, "stop": 0 }, "points": [
    { "name": "frequency_setpoint_hz", "table": "holding_register", "address": 1, "access": "rw" },
    { "name": "frequency_hz", "table": "input_register", "address": 0 }]})",
               "\"run_command\"");
  check_throws(R"({ "model": "m", "commands": { "run": 1, "stop": 0 }, "points": [
    { "name": "run_command", "table": "holding_register", "address": 0, "access": "rw" },
    { "name": "frequency_setpoint_hz", "table": "holding_register", "address": 1 },
    { "name": "frequency_hz", "table": "input_register", "address": 0 }]})",
               "must be writable");
  check_throws(R"({ "model": "m", "commands": { "run": 1, "stop": 0 }, "points": [)" + points +
                   R"(, { "name": "status_word", "table": "input_register", "address": 5 }]})",
               "status_codes \"running\"");
  check_throws(R"({ "model": "m", "commands": { "run": 1, "stop": 0 },
                    "status_codes": { "running": [1] }, "points": [)" +
                   points + "]}",
               "no point \"status_word\"");
}
