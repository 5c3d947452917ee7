// Fault injection over Modbus TCP, observed through a real libmodbus master
// (bridge::make_modbus_bus): dropped connections, delayed and late replies, exceptions,
// stuck and forced points.
#include <modbus/modbus.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "catch_result.hpp"
#include "coldsort/bridge/point_group.hpp"
#include "sim_fixture.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using bridge::SimFault;
using core::RegisterTable;

namespace {

// A second master on the simulator with a short response timeout, so that the timeouts
// these tests provoke cost 100 ms each.
std::unique_ptr<bridge::FieldBus> quick_bus(const test::SimFixture& f, int timeout_ms = 100) {
  core::LinkConfig link = f.link;
  link.response_timeout_ms = timeout_ms;
  auto bus = bridge::make_modbus_bus(link);
  REQUIRE(bus->connect());
  return bus;
}

// The T/RH transmitter's two input registers, as the fixture's own (unfaulted) master
// reads them: the truth to compare with, at the same simulated instant.
std::vector<std::uint16_t> truth(test::SimFixture& f, int unit, std::uint16_t address) {
  return f.bus->read(unit, RegisterTable::input_register, address, 1).value();
}

}  // namespace

TEST_CASE("a dropped connection is link_down, and the master reconnects to good answers",
          "[integration]") {
  test::SimFixture f;
  const int th = f.device("packhall-th").unit_id;
  auto bus = quick_bus(f);
  f.sim.inject(th, SimFault::drop_connection());
  auto dropped = bus->read(th, RegisterTable::input_register, 1, 2);
  REQUIRE_FALSE(dropped);
  CHECK(dropped.error() == core::errc::link_down);
  CHECK_FALSE(bus->is_connected());
  // Other clients were not affected.
  CHECK(f.bus->read(th, RegisterTable::input_register, 1, 2));
  REQUIRE(bus->connect());
  CHECK(bus->read(th, RegisterTable::input_register, 1, 1).value() == truth(f, th, 1));
}

TEST_CASE("a reply delayed past the timeout is a timeout; the next request gets its own answer",
          "[integration]") {
  test::SimFixture f;
  const int th = f.device("packhall-th").unit_id;
  auto bus = quick_bus(f);
  f.sim.inject(th, SimFault::delay_reply(5000));
  auto late = bus->read(th, RegisterTable::input_register, 1, 1);
  REQUIRE_FALSE(late);
  CHECK(late.error() == core::errc::timeout);
  // The master flushes and asks again (another register, so a stale answer would show); the
  // simulator abandons the held answer once the client has moved on.
  f.advance(1s);
  CHECK(bus->read(th, RegisterTable::input_register, 2, 1).value() == truth(f, th, 2));
  CHECK(bus->read(th, RegisterTable::input_register, 1, 1).value() == truth(f, th, 1));
}

TEST_CASE("a reply delayed below the timeout arrives, late but good", "[integration]") {
  test::SimFixture f;
  const int th = f.device("packhall-th").unit_id;
  auto bus = quick_bus(f, 2000);
  f.sim.inject(th, SimFault::delay_reply(60));
  const auto sent = std::chrono::steady_clock::now();
  auto slow = bus->read(th, RegisterTable::input_register, 1, 1);
  const auto took = std::chrono::steady_clock::now() - sent;
  CHECK(slow.value() == truth(f, th, 1));
  CHECK(took >= 60ms);
  // Other clients were served while the answer was held.
  CHECK(f.bus->read(th, RegisterTable::input_register, 2, 1));
}

TEST_CASE("a late reply costs one failed request and never shifts later answers", "[integration]") {
  test::SimFixture f;
  const int th = f.device("packhall-th").unit_id;
  auto bus = quick_bus(f);
  f.advance(10min, 10s);  // temperature and humidity registers now differ clearly
  REQUIRE(truth(f, th, 1) != truth(f, th, 2));
  f.sim.inject(th, SimFault::late_reply());
  auto gave_up = bus->read(th, RegisterTable::input_register, 1, 1);
  REQUIRE_FALSE(gave_up);
  CHECK(gave_up.error() == core::errc::timeout);
  // The answer to the first request arrives just before this one's: its transaction id
  // does not match, so the master rejects it (and flushes, which drops this request's own
  // answer that came in the same segment). It must never be taken as register 2.
  auto next = bus->read(th, RegisterTable::input_register, 2, 1);
  REQUIRE_FALSE(next);
  CHECK(next.error() == core::errc::crc_error);
  for (int i = 0; i < 3; ++i) {
    CHECK(bus->read(th, RegisterTable::input_register, 2, 1).value() == truth(f, th, 2));
    CHECK(bus->read(th, RegisterTable::input_register, 1, 1).value() == truth(f, th, 1));
  }
}

TEST_CASE("without a flush, a late reply puts every later answer one behind", "[integration]") {
  // What the bus's flush prevents: a bare libmodbus master that never flushes.
  test::SimFixture f;
  const int th = f.device("packhall-th").unit_id;
  modbus_t* ctx = modbus_new_tcp("127.0.0.1", f.port);
  REQUIRE(ctx != nullptr);
  modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
  modbus_set_response_timeout(ctx, 0, 100'000);
  REQUIRE(modbus_connect(ctx) == 0);
  modbus_set_slave(ctx, th);
  f.sim.inject(th, SimFault::late_reply());
  std::uint16_t word = 0;
  CHECK(modbus_read_input_registers(ctx, 1, 1, &word) == -1);
  int shifted = 0;
  for (int i = 0; i < 4; ++i)
    if (modbus_read_input_registers(ctx, 1, 1, &word) == -1 && errno == EMBBADDATA) ++shifted;
  CHECK(shifted == 4);
  modbus_close(ctx);
  modbus_free(ctx);
}

TEST_CASE("an exception fault answers with that code, standard or vendor", "[integration]") {
  test::SimFixture f;
  const core::DeviceConfig& vfd = f.device("infeed-vfd");
  const auto& setpoint = *vfd.map.find("frequency_setpoint_hz");
  const int code = GENERATE(4, 6, 9);
  f.sim.inject(vfd.unit_id, SimFault::exception(code, 2));
  auto refused = bridge::write_point(*f.bus, vfd.unit_id, setpoint, 48.0);
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == core::errc::modbus_exception);
  auto read = bridge::read_point(*f.bus, vfd.unit_id, setpoint);
  REQUIRE_FALSE(read);
  CHECK(read.error() == core::errc::modbus_exception);
  // Used up: answers are normal again, and the refused write changed nothing.
  CHECK(bridge::read_point(*f.bus, vfd.unit_id, setpoint).value().at(0) == Approx(35.0));
}

TEST_CASE("an exception code libmodbus does not know still fails the request", "[integration]") {
  test::SimFixture f;
  const int th = f.device("packhall-th").unit_id;
  f.sim.inject(th, SimFault::exception(0x80));
  CHECK_FALSE(f.bus->read(th, RegisterTable::input_register, 1, 1));
  CHECK(f.bus->read(th, RegisterTable::input_register, 1, 1));
}

TEST_CASE("an exception fault with count 0 holds until cleared", "[integration]") {
  test::SimFixture f;
  const int th = f.device("packhall-th").unit_id;
  f.sim.inject(th, SimFault::exception(MODBUS_EXCEPTION_SLAVE_OR_SERVER_BUSY, 0));
  for (int i = 0; i < 5; ++i)
    CHECK(f.bus->read(th, RegisterTable::input_register, 1, 1).error() ==
          core::errc::modbus_exception);
  f.sim.clear_faults(th);
  CHECK(f.bus->read(th, RegisterTable::input_register, 1, 1));
}

TEST_CASE("a stuck sensor keeps its value while the model moves on", "[integration]") {
  test::SimFixture f;
  const core::DeviceConfig& th = f.device("packhall-th");
  const auto& temp = *th.map.find("temp_c");
  const auto& humidity = *th.map.find("humidity_pct");
  f.advance(5min, 10s);
  const double stuck = bridge::read_point(*f.bus, th.unit_id, temp).value().at(0);
  const double humidity_before = bridge::read_point(*f.bus, th.unit_id, humidity).value().at(0);
  f.sim.inject(th.unit_id, SimFault::stick_point("temp_c"));
  f.advance(30min, 10s);
  CHECK(bridge::read_point(*f.bus, th.unit_id, temp).value().at(0) == stuck);
  CHECK(bridge::read_point(*f.bus, th.unit_id, humidity).value().at(0) != humidity_before);
  f.sim.clear_faults(th.unit_id);
  f.advance(1s);
  CHECK(bridge::read_point(*f.bus, th.unit_id, temp).value().at(0) != stuck);
}

TEST_CASE("a forced probe-fault code reads as out of range until cleared", "[integration]") {
  test::SimFixture f;
  const core::DeviceConfig& room = f.device("cold-raw");
  const auto& air = *room.map.find("air_temp_c");
  const auto& record = *room.map.find("record_temp_c");
  // 0x7FFF: an open probe on x0.1 controllers; -32768: a shorted one.
  const double raw = GENERATE(32767.0, -32768.0);
  f.sim.inject(room.unit_id, SimFault::force_raw("air_temp_c", raw));
  for (int i = 0; i < 3; ++i) {
    auto words = f.bus->read(room.unit_id, RegisterTable::input_register, air.address, 1);
    CHECK(static_cast<std::int16_t>(words.value().at(0)) == raw);
    CHECK(bridge::read_point(*f.bus, room.unit_id, air).error() == core::errc::bad_register_value);
    f.advance(1min, 10s);
  }
  CHECK(bridge::read_point(*f.bus, room.unit_id, record));  // the other probe is fine
  f.sim.clear_faults(room.unit_id);
  f.advance(1s);
  CHECK(bridge::read_point(*f.bus, room.unit_id, air));
}

TEST_CASE("fault injection rejects what it cannot do", "[unit]") {
  const core::Config config = test::load_default_config();
  core::FakeClock clock;
  bridge::LineSimulator sim(config, clock);
  CHECK_THROWS_AS(sim.inject(99, SimFault::drop_connection()), std::invalid_argument);
  CHECK_THROWS_AS(sim.inject(30, SimFault::stick_point("no_such_point")), std::invalid_argument);
  CHECK_THROWS_AS(sim.inject(10, SimFault::force_raw("air_temp_c", 70000)), std::invalid_argument);
  CHECK_THROWS_AS(sim.inject(30, SimFault::exception(0)), std::invalid_argument);
  CHECK_THROWS_AS(sim.inject(30, SimFault::device_fault(3)), std::invalid_argument);
  CHECK_THROWS_AS(sim.set_door("packhall-th", bridge::DoorMode::held_open), std::invalid_argument);
  CHECK_THROWS_AS(sim.set_scale_load("cold-raw", 100), std::invalid_argument);
  CHECK_THROWS_AS(sim.add_fruit("cold-raw", -1, 20), std::invalid_argument);
}
