// ModbusFieldBus against link faults: nothing listening, a server that never answers, a
// server that goes away and comes back.
#include <catch2/catch.hpp>

#include "catch_result.hpp"
#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/bridge/line_simulator.hpp"
#include "sim_fixture.hpp"
#include "socket_helpers.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using core::RegisterTable;

namespace {

core::LinkConfig tcp_link(int port, int timeout_ms = 200) {
  core::LinkConfig link;
  link.id = "test";
  link.type = core::LinkType::tcp;
  link.host = "127.0.0.1";
  link.port = port;
  link.response_timeout_ms = timeout_ms;
  return link;
}

}  // namespace

TEST_CASE("connecting where nothing listens is link_down, quickly", "[integration]") {
  auto port = test::unused_port();
  auto bus = bridge::make_modbus_bus(tcp_link(port.port()));
  const auto start = std::chrono::steady_clock::now();
  auto r = bus->connect();
  REQUIRE_FALSE(r);
  CHECK(r.error() == core::errc::link_down);
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK_FALSE(bus->is_connected());
  CHECK(bus->read(1, RegisterTable::holding_register, 0, 1).error() == core::errc::link_down);
}

TEST_CASE("a device that never answers times out, and keeps timing out", "[integration]") {
  test::LoopbackSocket silent(true);  // the kernel accepts; nobody ever reads or answers
  auto bus = bridge::make_modbus_bus(tcp_link(silent.port(), 50));
  REQUIRE(bus->connect());
  for (int i = 0; i < 2; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto r = bus->read(1, RegisterTable::input_register, 0, 4);
    REQUIRE_FALSE(r);
    CHECK(r.error() == core::errc::timeout);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= 40ms);
    CHECK(took < 2s);
    CHECK(bus->is_connected());  // a timeout is not a broken link
  }
}

TEST_CASE("after the server stops reads fail, and a new server can be reached", "[integration]") {
  test::SimFixture f;
  const int unit = f.device("sorter").unit_id;
  REQUIRE(f.bus->read(unit, RegisterTable::input_register, 0, 10));
  f.sim.stop();
  auto r = f.bus->read(unit, RegisterTable::input_register, 0, 10);
  REQUIRE_FALSE(r);
  CHECK((r.error() == core::errc::link_down || r.error() == core::errc::timeout));
  if (r.error() == core::errc::link_down) CHECK_FALSE(f.bus->is_connected());

  auto again = f.sim.start("127.0.0.1", 0);
  REQUIRE(again);
  auto link = f.link;
  link.port = *again;
  auto bus = bridge::make_modbus_bus(link);
  REQUIRE(bus->connect());
  CHECK(bus->read(unit, RegisterTable::input_register, 0, 10));
}

TEST_CASE("a simulator cannot listen on a port that is taken", "[integration]") {
  const core::Config config = test::load_default_config();
  core::FakeClock clock;
  SECTION("by another simulator") {
    bridge::LineSimulator first(config, clock);
    auto port = first.start("127.0.0.1", 0);
    REQUIRE(port);
    bridge::LineSimulator second(config, clock);
    auto r = second.start("127.0.0.1", *port);
    REQUIRE_FALSE(r);
    CHECK(r.error() == core::errc::address_in_use);
  }
  SECTION("by any listening socket") {
    test::LoopbackSocket taken(true);
    bridge::LineSimulator sim(config, clock);
    auto r = sim.start("127.0.0.1", taken.port());
    REQUIRE_FALSE(r);
    CHECK(r.error() == core::errc::address_in_use);
  }
  SECTION("a host name is refused rather than bound to a wrong address") {
    bridge::LineSimulator sim(config, clock);
    CHECK(sim.start("localhost", 0).error() == core::errc::io_error);
  }
}

TEST_CASE("reads and writes longer than one request are split transparently", "[integration]") {
  test::SimFixture f;
  const int unit = f.device("sorter").unit_id;
  // The sorter's holding table covers the 612 registers up to the end of the outlet table.
  std::vector<std::uint16_t> values(300);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint16_t>(1000 + i);
  REQUIRE(f.bus->write(unit, RegisterTable::holding_register, 200, values));
  auto back = f.bus->read(unit, RegisterTable::holding_register, 200, 300);
  REQUIRE(back);
  CHECK(*back == values);
  CHECK(f.bus->read(unit, RegisterTable::holding_register, 0, 0).value().empty());
  CHECK_THROWS_AS(f.bus->read(unit, RegisterTable::holding_register, 65535, 2), std::out_of_range);
  CHECK_THROWS_AS(f.bus->write(unit, RegisterTable::input_register, 0, values),
                  std::invalid_argument);
}
