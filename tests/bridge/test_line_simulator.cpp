// The simulator as a Modbus server: several clients, clients that vanish, the small devices.
#include <catch2/catch.hpp>

#include "catch_result.hpp"
#include "coldsort/bridge/point_group.hpp"
#include "sim_fixture.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using core::RegisterTable;

TEST_CASE("the simulator steps without serving, and its belt starts running", "[unit]") {
  const core::Config config = test::load_default_config();
  core::FakeClock clock;
  bridge::LineSimulator sim(config, clock);
  CHECK(sim.cup_at_camera() == 0);
  clock.advance(10s);
  sim.step(clock.now());
  CHECK(sim.cup_at_camera() == static_cast<std::uint64_t>(10 * config.line.belt_speed_cups_per_s));
  sim.step(clock.now() - 1s);  // time never runs backwards in the model
  CHECK(sim.cup_at_camera() == static_cast<std::uint64_t>(10 * config.line.belt_speed_cups_per_s));
  CHECK_FALSE(sim.take_ejections().empty());
  CHECK(sim.take_ejections().empty());  // taken means removed
}

TEST_CASE("several clients are served at once and a client that leaves is dropped cleanly",
          "[integration]") {
  test::SimFixture f;
  const int unit = f.device("sorter").unit_id;
  std::vector<std::unique_ptr<bridge::FieldBus>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(bridge::make_modbus_bus(f.link));
    REQUIRE(clients.back()->connect());
  }
  // Interleave requests from all clients; each sees the others' writes.
  for (std::size_t i = 0; i < clients.size(); ++i) {
    const std::vector<std::uint16_t> beat{static_cast<std::uint16_t>(100 + i)};
    REQUIRE(clients[i]->write(unit, RegisterTable::holding_register, 0, beat));
    auto seen =
        clients[(i + 1) % clients.size()]->read(unit, RegisterTable::holding_register, 0, 1);
    REQUIRE(seen);
    CHECK(seen->at(0) == 100 + i);
  }
  clients[1]->close();
  clients[2].reset();
  CHECK(clients[0]->read(unit, RegisterTable::input_register, 0, 10));
  CHECK(clients[3]->read(unit, RegisterTable::input_register, 0, 10));
  CHECK(f.bus->read(unit, RegisterTable::input_register, 0, 10));
}

TEST_CASE("the conveyor drive ramps toward its setpoint and stops on command", "[integration]") {
  test::SimFixture f;
  const core::DeviceConfig& vfd = f.device("infeed-vfd");
  const auto& frequency = *vfd.map.find("frequency_hz");
  CHECK(bridge::read_point(*f.bus, vfd.unit_id, frequency).value().at(0) == Approx(35.0));
  REQUIRE(bridge::write_point(*f.bus, vfd.unit_id, *vfd.map.find("frequency_setpoint_hz"), 45.0));
  f.advance(500ms);
  const double ramping = bridge::read_point(*f.bus, vfd.unit_id, frequency).value().at(0);
  CHECK(ramping > 35.0);
  CHECK(ramping < 45.0);
  f.advance(2s);
  CHECK(bridge::read_point(*f.bus, vfd.unit_id, frequency).value().at(0) == Approx(45.0));
  REQUIRE(bridge::write_point(*f.bus, vfd.unit_id, *vfd.map.find("run_command"), 0));
  f.advance(10s);
  CHECK(bridge::read_point(*f.bus, vfd.unit_id, frequency).value().at(0) == Approx(0.0));
}

TEST_CASE("the hall sensor reads about 18 degC and 70 %RH and drifts slowly", "[integration]") {
  test::SimFixture f;
  const core::DeviceConfig& th = f.device("packhall-th");
  bridge::PointGroup group({th.map.find("temp_c"), th.map.find("humidity_pct")});
  auto first = group.read(*f.bus, th.unit_id);
  REQUIRE(first);
  CHECK(first->value(*th.map.find("temp_c")).value() == Approx(18.0).margin(1.5));
  CHECK(first->value(*th.map.find("humidity_pct")).value() == Approx(70.0).margin(5));
  f.advance(20min, 10s);
  auto later = group.read(*f.bus, th.unit_id);
  REQUIRE(later);
  CHECK(later->value(*th.map.find("temp_c")).value() !=
        first->value(*th.map.find("temp_c")).value());
}
