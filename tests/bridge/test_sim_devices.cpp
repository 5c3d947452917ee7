// The simulated devices' behaviour as a master sees it over Modbus TCP: the cold room's
// door and warm-fruit heat load, its recording probe and humidity, the drive's fault and
// reset, and the scale.
#include <catch2/catch.hpp>
#include <chrono>

#include "catch_result.hpp"
#include "coldsort/bridge/point_group.hpp"
#include "sim_fixture.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using bridge::DoorMode;

namespace {

double read_value(test::SimFixture& f, const core::DeviceConfig& d, const char* point) {
  const core::RegisterPoint* p = d.map.find(point);
  REQUIRE(p != nullptr);
  return bridge::read_point(*f.bus, d.unit_id, *p).value().at(0);
}

void write_value(test::SimFixture& f, const core::DeviceConfig& d, const char* point,
                 double value) {
  const core::RegisterPoint* p = d.map.find(point);
  REQUIRE(p != nullptr);
  REQUIRE(bridge::write_point(*f.bus, d.unit_id, *p, value));
}

// Thermal runs span hours and need no belt; stopped, a simulated hour costs little.
void stop_belt(test::SimFixture& f) {
  write_value(f, f.device("sorter"), "run_command", 0);
  f.advance(10ms);
}

}  // namespace

TEST_CASE("a cold room warms and dries with its door held open, then recovers once shut",
          "[integration]") {
  test::SimFixture f;
  const core::DeviceConfig& room = f.device("cold-raw");
  const double setpoint = read_value(f, room, "setpoint_c");
  stop_belt(f);
  f.sim.set_door("cold-raw", DoorMode::held_closed);
  f.advance(30min, 10s);
  const double air_before = read_value(f, room, "air_temp_c");
  const double humidity_before = read_value(f, room, "humidity_pct");
  CHECK(humidity_before >= 90.0);
  CHECK(humidity_before <= 95.0);
  CHECK(read_value(f, room, "door_open") == 0);

  f.sim.set_door("cold-raw", DoorMode::held_open);
  f.advance(10min, 1s);
  CHECK(read_value(f, room, "door_open") == 1);
  const double air_open = read_value(f, room, "air_temp_c");
  CHECK(air_open > air_before + 1.5);
  CHECK(read_value(f, room, "compressor_on") == 1);
  CHECK(read_value(f, room, "humidity_pct") < humidity_before - 5);
  // The recording probe lags the air while it warms.
  CHECK(read_value(f, room, "record_temp_c") < air_open);

  f.sim.set_door("cold-raw", DoorMode::held_closed);
  f.advance(2h, 10s);
  CHECK(read_value(f, room, "air_temp_c") == Approx(setpoint).margin(1.0));
  CHECK(read_value(f, room, "humidity_pct") >= 89.0);
  CHECK(read_value(f, room, "record_temp_c") ==
        Approx(read_value(f, room, "air_temp_c")).margin(0.7));
}

TEST_CASE("warm fruit brought into a cold room heats it until the compressor pulls it down",
          "[integration]") {
  test::SimFixture f;
  const core::DeviceConfig& room = f.device("cold-raw");
  const double setpoint = read_value(f, room, "setpoint_c");
  stop_belt(f);
  f.sim.set_door("cold-raw", DoorMode::held_closed);
  f.advance(30min, 10s);
  // A truck of field-warm fruit: 3 t at 25 degC.
  f.sim.add_fruit("cold-raw", 3000, 25);
  double peak = read_value(f, room, "air_temp_c");
  for (int minutes = 0; minutes < 120; minutes += 5) {
    f.advance(5min, 10s);
    peak = std::max(peak, read_value(f, room, "air_temp_c"));
  }
  CHECK(peak > setpoint + 2.0);
  CHECK(read_value(f, room, "compressor_on") == 1);
  // Hours: ~200 MJ of field heat against a few kW of net cooling.
  f.advance(15h, 30s);
  CHECK(read_value(f, room, "air_temp_c") == Approx(setpoint).margin(1.0));
}

TEST_CASE("more warm fruit warms the room more", "[integration]") {
  auto peak_after = [](double kg) {
    test::SimFixture f;
    const core::DeviceConfig& room = f.device("cold-staging");
    stop_belt(f);
    f.sim.set_door("cold-staging", DoorMode::held_closed);
    f.sim.add_fruit("cold-staging", kg, 24);
    double peak = read_value(f, room, "air_temp_c");
    for (int i = 0; i < 24; ++i) {
      f.advance(5min, 1min);
      peak = std::max(peak, read_value(f, room, "air_temp_c"));
    }
    return peak;
  };
  CHECK(peak_after(3000) > peak_after(500) + 1.0);
}

TEST_CASE("a drive fault stops the conveyor drive until it is reset and run again",
          "[integration]") {
  test::SimFixture f;
  const core::DeviceConfig& vfd = f.device("infeed-vfd");
  const double run = vfd.map.command("run").value();
  const double reset = vfd.map.command("reset_fault").value();
  const double stop = vfd.map.command("stop").value();
  f.advance(1s);
  const double running_hz = read_value(f, vfd, "frequency_hz");
  REQUIRE(running_hz > 10);
  CHECK(read_value(f, vfd, "fault_code") == 0);

  f.sim.inject(vfd.unit_id, bridge::SimFault::device_fault(14));
  f.advance(100ms);
  CHECK(read_value(f, vfd, "fault_code") == 14);
  CHECK(read_value(f, vfd, "frequency_hz") == 0);
  // Run is still commanded, but a tripped drive does not restart on its own.
  write_value(f, vfd, "run_command", run);
  f.advance(5s);
  CHECK(read_value(f, vfd, "frequency_hz") == 0);

  write_value(f, vfd, "run_command", reset);
  f.advance(100ms);
  CHECK(read_value(f, vfd, "fault_code") == 0);
  f.advance(5s);
  CHECK(read_value(f, vfd, "frequency_hz") == 0);  // reset, but not told to run
  write_value(f, vfd, "run_command", run);
  f.advance(5s);
  CHECK(read_value(f, vfd, "frequency_hz") == Approx(running_hz));
  write_value(f, vfd, "run_command", stop);
  f.advance(5s);
  CHECK(read_value(f, vfd, "frequency_hz") == 0);
}

TEST_CASE("a weight on the scale settles, tares and overloads", "[integration]") {
  test::SimFixture f;
  const core::DeviceConfig& scale = f.device("pack-scale");
  CHECK(read_value(f, scale, "weight_g") == 0);
  f.sim.set_scale_load("pack-scale", 1234.5);
  f.advance(100ms, 10ms);
  CHECK(read_value(f, scale, "stable") == 0);
  CHECK(read_value(f, scale, "weight_g") < 1234.5);
  f.advance(1s, 10ms);
  CHECK(read_value(f, scale, "stable") == 1);
  CHECK(read_value(f, scale, "weight_g") == Approx(1234.5));

  write_value(f, scale, "command", scale.map.command("tare").value());
  f.advance(100ms, 10ms);
  CHECK(read_value(f, scale, "weight_g") == Approx(0).margin(0.05));
  CHECK(read_value(f, scale, "tare_g") == Approx(1234.5));
  // Writing tare again is no new command.
  write_value(f, scale, "command", scale.map.command("tare").value());
  f.sim.set_scale_load("pack-scale", 1234.5 + 250);
  f.advance(1s, 10ms);
  CHECK(read_value(f, scale, "weight_g") == Approx(250));

  write_value(f, scale, "command", scale.map.command("clear_tare").value());
  f.advance(100ms, 10ms);
  CHECK(read_value(f, scale, "weight_g") == Approx(1484.5));

  f.sim.set_scale_load("pack-scale", 16000);
  f.advance(1s, 10ms);
  CHECK(read_value(f, scale, "overload") == 1);
  CHECK(read_value(f, scale, "weight_g") == Approx(15000));  // Max (docs/register-maps.md)
}
