// SorterPlc over a real Modbus TCP link to the in-process simulator: its points polled with a
// DevicePoller and its states written with apply_writes, as the link worker does.
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "catch_result.hpp"
#include "coldsort/bridge/device_io.hpp"
#include "coldsort/bridge/point_group.hpp"
#include "coldsort/bridge/sorter_plc.hpp"
#include "sim_fixture.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using bridge::Ejection;
using bridge::RunState;

namespace {

// The driver with one synchronous round trip per call, over the fixture's bus.
struct PlcOverBus {
  bridge::FieldBus& bus;
  const core::DeviceConfig& device;
  const core::Clock& clock;
  bridge::SorterPlc driver;
  bridge::DevicePoller poller{device};

  core::Result<bridge::SorterStatus> read_status() {
    bridge::DeviceValues values;
    if (auto r = poller.poll_all(bus, values, clock.now()); !r) return r.error();
    return driver.status(values);
  }
  core::Result<std::vector<std::uint32_t>> read_ejections() {
    bridge::DeviceValues values;
    if (auto r = poller.poll_all(bus, values, clock.now()); !r) return r.error();
    return driver.ejections(values);
  }
  core::Result<void> write(std::vector<bridge::PointWrite> w) { return bridge::apply_writes(bus, device, w); }
  core::Result<void> write_decisions(std::uint64_t cup, std::span<const int> outlets) {
    return write(driver.decisions(cup, outlets));
  }
  core::Result<void> write_heartbeat(std::uint16_t v) { return write({driver.heartbeat(v)}); }
  core::Result<void> set_running(bool on) { return write({driver.run(on)}); }
  core::Result<void> write_heartbeat_timeout(int ms) {
    return write({driver.watchdog(std::chrono::milliseconds(ms))});
  }
};

struct SorterFixture : test::SimFixture {
  const core::DeviceConfig& plc_device = *config.first_device(core::DeviceKind::sorter_plc);
  PlcOverBus plc{*bus, plc_device, clock,
                 bridge::SorterPlc{plc_device, config.line.lanes, config.line.outlet_table_slots}};

  int first_position() const {
    int p = 1 << 30;
    for (const auto& o : config.outlets) p = std::min(p, o.position_cups);
    return p;
  }
  int last_position() const {
    int p = 0;
    for (const auto& o : config.outlets) p = std::max(p, o.position_cups);
    return p;
  }
  // Steps until the cup under the camera reaches `cup` (at the configured belt speed).
  void run_until_cup(std::uint64_t cup) {
    while (sim.cup_at_camera() < cup) advance(250ms);
  }
};

}  // namespace

TEST_CASE("the cup under the camera advances as the fake clock advances", "[integration]") {
  SorterFixture f;
  auto before = f.plc.read_status();
  REQUIRE(before);
  CHECK(before->run_state == RunState::running);
  CHECK(before->belt_speed_cups_per_s == Approx(f.config.line.belt_speed_cups_per_s));
  f.advance(2s);
  auto after = f.plc.read_status();
  REQUIRE(after);
  const auto expected_cups = static_cast<std::uint64_t>(2 * f.config.line.belt_speed_cups_per_s);
  CHECK(after->cup_at_camera == before->cup_at_camera + expected_cups);
  CHECK(after->cup_at_camera == f.sim.cup_at_camera());
  CHECK(after->encoder_count == after->cup_at_camera * 100);
  CHECK(after->plc_heartbeat != before->plc_heartbeat);
  // No motion is lost to rounding: many tiny steps add up to the same distance.
  f.advance(1s, 3ms);
  CHECK(f.plc.read_status()->cup_at_camera ==
        after->cup_at_camera + static_cast<std::uint64_t>(f.config.line.belt_speed_cups_per_s));
}

TEST_CASE("decided cups are ejected exactly where decided, the rest ride to the end",
          "[integration]") {
  SorterFixture f;
  const int lanes = f.config.line.lanes;
  const std::uint64_t planned = 40;
  std::map<std::pair<int, std::uint64_t>, int> decided;  // (lane, cup) -> outlet
  for (std::uint64_t cup = 0; cup < planned; ++cup) {
    if (cup % 7 == 3) continue;  // no decision at all for these cups
    std::vector<int> outlets;
    for (int lane = 0; lane < lanes; ++lane) {
      outlets.push_back(static_cast<int>((cup * 3 + static_cast<std::uint64_t>(lane)) % 13));
      decided[{lane, cup}] = outlets.back();
    }
    REQUIRE(f.plc.write_decisions(cup, outlets));
  }
  // One big step crosses many cups at once; the ejectors must still act on each in order.
  f.advance(3s, 3s);
  f.run_until_cup(planned + static_cast<std::uint64_t>(f.last_position()) + 5);
  const std::uint64_t at_camera = f.sim.cup_at_camera();

  std::map<std::pair<int, std::uint64_t>, Ejection> seen;
  std::map<int, std::uint32_t> per_outlet;
  for (const Ejection& e : f.sim.take_ejections()) {
    INFO("lane " << e.lane << " cup " << e.cup);
    CHECK(seen.emplace(std::make_pair(e.lane, e.cup), e).second);  // each cup once
    if (e.outlet != 0) ++per_outlet[e.outlet];
  }
  // Every cup that has passed the last outlet is accounted for, on every lane.
  const std::uint64_t passed = at_camera - static_cast<std::uint64_t>(f.last_position()) + 1;
  for (int lane = 0; lane < lanes; ++lane) {
    for (std::uint64_t cup = 0; cup < passed; ++cup) {
      INFO("lane " << lane << " cup " << cup);
      auto it = seen.find({lane, cup});
      REQUIRE(it != seen.end());
      auto d = decided.find({lane, cup});
      CHECK(it->second.had_decision == (d != decided.end()));
      CHECK(it->second.outlet == (d != decided.end() ? d->second : 0));
    }
  }
  // Cups that reached the first outlet without a decision: the skipped ones and every cup
  // after the plan.
  std::uint64_t undecided = 0;
  const std::uint64_t reached_first = at_camera - static_cast<std::uint64_t>(f.first_position());
  for (std::uint64_t cup = 0; cup <= reached_first; ++cup)
    if (cup >= planned || cup % 7 == 3) undecided += static_cast<std::uint64_t>(lanes);
  auto status = f.plc.read_status();
  REQUIRE(status);
  CHECK(status->undecided_cups == undecided);

  auto counters = f.plc.read_ejections();
  REQUIRE(counters);
  for (std::size_t i = 0; i < counters->size(); ++i) {
    INFO("outlet " << i + 1);
    CHECK((*counters)[i] == per_outlet[static_cast<int>(i) + 1]);
  }
}

TEST_CASE("a slot still holding an older cup's decision never ejects a later cup",
          "[integration]") {
  SorterFixture f;
  const auto slots = static_cast<std::uint64_t>(f.config.line.outlet_table_slots);
  const std::vector<int> outlet_three(static_cast<std::size_t>(f.config.line.lanes), 3);
  const std::uint64_t cup = 5;
  REQUIRE(f.plc.write_decisions(cup, outlet_three));
  // The controller never writes cup + slots: its slot still holds cup's tag and outlet 3.
  f.run_until_cup(cup + slots + static_cast<std::uint64_t>(f.last_position()) + 1);
  int first_round = 0;
  int second_round = 0;
  for (const Ejection& e : f.sim.take_ejections()) {
    if (e.cup == cup) {
      ++first_round;
      CHECK(e.outlet == 3);
      CHECK(e.had_decision);
    }
    if (e.cup == cup + slots) {
      ++second_round;
      CHECK(e.outlet == 0);
      CHECK_FALSE(e.had_decision);
    }
  }
  CHECK(first_round == f.config.line.lanes);
  CHECK(second_round == f.config.line.lanes);
  CHECK(f.plc.read_ejections()->at(2) == static_cast<std::uint32_t>(f.config.line.lanes));
}

TEST_CASE("the PLC watchdog stops the belt when the PC heartbeat stalls", "[integration]") {
  SorterFixture f;
  REQUIRE(f.plc.write_heartbeat_timeout(500));
  std::uint16_t beat = 0;
  for (int i = 0; i < 20; ++i) {  // 2 s of healthy heartbeats, 100 ms apart
    REQUIRE(f.plc.write_heartbeat(++beat));
    f.advance(100ms);
  }
  CHECK(f.plc.read_status()->run_state == RunState::running);

  f.advance(600ms, 100ms);  // heartbeat stalls past the 500 ms timeout
  auto tripped = f.plc.read_status();
  REQUIRE(tripped);
  CHECK(tripped->run_state == RunState::faulted);
  CHECK((tripped->fault_bits & 1) != 0);
  CHECK(tripped->belt_speed_cups_per_s == 0);
  f.advance(2s);
  CHECK(f.plc.read_status()->cup_at_camera == tripped->cup_at_camera);

  SECTION("a live heartbeat alone does not restart it") {
    REQUIRE(f.plc.write_heartbeat(++beat));
    f.advance(50ms);
    CHECK(f.plc.read_status()->run_state == RunState::faulted);
  }
  SECTION("run_command 0 then 1 with a stale heartbeat does not restart it") {
    REQUIRE(f.plc.set_running(false));
    f.advance(50ms);
    REQUIRE(f.plc.set_running(true));
    f.advance(50ms);
    CHECK(f.plc.read_status()->run_state == RunState::faulted);
    SECTION("until the heartbeat is live again") {
      REQUIRE(f.plc.write_heartbeat(++beat));
      f.advance(50ms);
      auto restarted = f.plc.read_status();
      CHECK(restarted->run_state == RunState::running);
      CHECK((restarted->fault_bits & 1) == 0);
      REQUIRE(f.plc.write_heartbeat(++beat));
      f.advance(400ms);
      CHECK(f.plc.read_status()->cup_at_camera > tripped->cup_at_camera);
    }
  }
}

TEST_CASE("run_command stops and restarts the belt and the speed setpoint applies",
          "[integration]") {
  SorterFixture f;
  REQUIRE(f.plc.set_running(false));
  f.advance(100ms);
  auto stopped = f.plc.read_status();
  CHECK(stopped->run_state == RunState::stopped);
  f.advance(1s);
  CHECK(f.plc.read_status()->cup_at_camera == stopped->cup_at_camera);

  REQUIRE(bridge::write_point(*f.bus, f.plc_device.unit_id,
                              *f.plc_device.map.find("belt_speed_setpoint"), 4.0));
  REQUIRE(f.plc.set_running(true));
  f.advance(10ms);
  const auto start = f.plc.read_status()->cup_at_camera;
  f.advance(5s);
  auto running = f.plc.read_status();
  CHECK(running->belt_speed_cups_per_s == Approx(4.0));
  CHECK(running->cup_at_camera == start + 20);
}

TEST_CASE("the 512-register outlet table reads and writes in one call", "[integration]") {
  SorterFixture f;
  const core::RegisterPoint& table = *f.plc_device.map.find("outlet_table");
  const int lanes = f.config.line.lanes;
  for (std::uint64_t cup = 100; cup < 164; ++cup) {
    std::vector<int> outlets;
    for (int lane = 0; lane < lanes; ++lane) outlets.push_back(static_cast<int>(cup % 12) + 1);
    REQUIRE(f.plc.write_decisions(cup, outlets));
  }
  auto words = f.bus->read(f.plc_device.unit_id, table.table, table.address,
                           static_cast<std::uint16_t>(table.count));
  REQUIRE(words);
  REQUIRE(words->size() == 512);
  for (std::uint64_t cup = 100; cup < 164; ++cup) {
    const auto slot = static_cast<std::size_t>(cup % 64);
    for (std::size_t lane = 0; lane < static_cast<std::size_t>(lanes); ++lane) {
      CHECK((*words)[(slot * 4 + lane) * 2] == bridge::outlet_slot_tag(cup));
      CHECK((*words)[(slot * 4 + lane) * 2 + 1] == cup % 12 + 1);
    }
  }
  std::vector<std::uint16_t> pattern(512);
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<std::uint16_t>(i * 7);
  REQUIRE(f.bus->write(f.plc_device.unit_id, table.table, table.address, pattern));
  CHECK(f.bus->read(f.plc_device.unit_id, table.table, table.address, 512).value() == pattern);
}

TEST_CASE("the cold room reads near its setpoint and its temperature moves with time",
          "[integration]") {
  test::SimFixture f;
  const core::ColdRoom& room = f.config.cold_rooms.at(0);
  bridge::DevicePoller poller(f.device(room.device));
  auto read = [&] {
    bridge::DeviceValues v;
    REQUIRE(poller.poll_all(*f.bus, v, f.clock.now()));
    return v;
  };
  auto first = read();
  CHECK(first.good("setpoint_c") == Approx(room.setpoint_c));
  const double first_air = first.good("air_temp_c").value();
  CHECK(first_air == Approx(room.setpoint_c).margin(0.5));
  CHECK(first.good("door_open") == 0);
  CHECK(first.good("defrost") == 0);

  f.advance(3min, 1s);
  const double later_air = read().good("air_temp_c").value();
  CHECK(later_air != first_air);
  CHECK(later_air == Approx(room.setpoint_c).margin(1.5));

  f.advance(150s, 1s);  // the door of the first room opens 5 min after start, for 60 s
  CHECK(read().good("door_open") == 1);
  f.advance(90min, 10s);  // the thermostat holds the room in its band
  CHECK(read().good("air_temp_c").value() == Approx(room.setpoint_c).margin(1.5));
}

TEST_CASE("a request for a unit id nobody serves fails at once instead of hanging",
          "[integration]") {
  test::SimFixture f;
  auto r = f.bus->read(99, core::RegisterTable::input_register, 0, 1);
  REQUIRE_FALSE(r);
  // An exception response, not a timeout: the simulator answered for the missing unit.
  CHECK(r.error() == core::errc::modbus_exception);
  // The link survives and the next request to a real unit works.
  CHECK(f.bus->is_connected());
  CHECK(f.bus->read(f.device("sorter").unit_id, core::RegisterTable::input_register, 0, 2));
  // An address outside the device's map is the device's own exception.
  auto outside =
      f.bus->read(f.device("sorter").unit_id, core::RegisterTable::input_register, 5000, 1);
  CHECK(outside.error() == core::errc::modbus_exception);
}
