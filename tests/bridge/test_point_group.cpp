#include <catch2/catch.hpp>

#include "catch_result.hpp"
#include "coldsort/bridge/device_io.hpp"
#include "coldsort/bridge/point_group.hpp"
#include "coldsort/bridge/sorter_plc.hpp"
#include "memory_bus.hpp"
#include "sim_fixture.hpp"

using namespace coldsort;
using core::RegisterTable;
using namespace std::chrono_literals;

namespace {

core::RegisterPoint reg(const char* name, RegisterTable table, std::uint16_t address,
                        core::ValueType type = core::ValueType::u16, int count = 1) {
  core::RegisterPoint p;
  p.name = name;
  p.table = table;
  p.address = address;
  p.type = type;
  p.count = count;
  return p;
}

}  // namespace

TEST_CASE("a point group merges nearby points of one table into one request", "[unit]") {
  const auto a = reg("a", RegisterTable::input_register, 0, core::ValueType::u32);
  const auto b = reg("b", RegisterTable::input_register, 5);
  const auto far = reg("far", RegisterTable::input_register, 40);
  const auto held = reg("held", RegisterTable::holding_register, 1);
  bridge::PointGroup group({&far, &held, &b, nullptr, &a});
  const auto& blocks = group.blocks();
  REQUIRE(blocks.size() == 3);
  CHECK(blocks[0].table == RegisterTable::input_register);
  CHECK(blocks[0].address == 0);
  CHECK(blocks[0].count == 6);
  CHECK(blocks[1].table == RegisterTable::input_register);
  CHECK(blocks[1].address == 40);
  CHECK(blocks[1].count == 1);
  CHECK(blocks[2].table == RegisterTable::holding_register);
  CHECK(blocks[2].address == 1);
}

TEST_CASE("a merged block never exceeds one request's 125 registers", "[unit]") {
  const auto first = reg("first", RegisterTable::holding_register, 0, core::ValueType::u16, 100);
  const auto next = reg("next", RegisterTable::holding_register, 100, core::ValueType::u16, 30);
  bridge::PointGroup group({&first, &next});
  REQUIRE(group.blocks().size() == 2);
  CHECK(group.blocks()[0].count == 100);
  CHECK(group.blocks()[1].address == 100);
}

TEST_CASE("values come back decoded from the block that covers each point", "[unit]") {
  test::MemoryBus bus;
  const auto a = reg("a", RegisterTable::input_register, 2, core::ValueType::u32);
  auto b = reg("b", RegisterTable::input_register, 6, core::ValueType::s16);
  b.scale = 0.1;
  bus.word(RegisterTable::input_register, 2) = 0x0001;
  bus.word(RegisterTable::input_register, 3) = 0x0000;
  bus.word(RegisterTable::input_register, 6) = static_cast<std::uint16_t>(-55);
  bridge::PointGroup group({&a, &b});
  auto values = group.read(bus, 1);
  REQUIRE(values);
  CHECK(bus.requests.size() == 1);
  CHECK(values->value(a).value() == 65536);
  CHECK(values->value(b).value() == Approx(-5.5));
  const auto unread = reg("unread", RegisterTable::holding_register, 0);
  CHECK_THROWS_AS(values->value(unread), std::invalid_argument);
}

TEST_CASE("the sorter's fast poll is one request per table and a decision is one write",
          "[unit]") {
  const core::Config config = test::load_default_config();
  const core::DeviceConfig& plc = *config.first_device(core::DeviceKind::sorter_plc);
  test::MemoryBus bus;
  bridge::SorterPlc sorter(plc, config.line.lanes, config.line.outlet_table_slots);
  bridge::DevicePoller poller(plc);
  // The device period (status, commands) and the ejection counters' own slower period; the
  // outlet table (poll_ms 0) is never read back.
  REQUIRE(poller.schedules().size() == 2);
  bridge::DeviceValues values;
  REQUIRE(poller.poll(bus, 0, values, core::SteadyTime{} + 1h));
  CHECK(bus.requests.size() == 2);  // input registers 0..9, holding registers 0..3
  CHECK(sorter.status(values));
  CHECK(values.find("outlet_table") == nullptr);

  bus.requests.clear();
  const std::vector<int> outlets{1, 0, 12, 7};
  REQUIRE(bridge::apply_writes(bus, plc, sorter.decisions(70, outlets)));
  REQUIRE(bus.requests.size() == 1);
  const auto& req = bus.requests[0];
  const core::RegisterPoint& table = *plc.map.find("outlet_table");
  const int slot = 70 % config.line.outlet_table_slots;
  CHECK(req.write);
  CHECK(req.count == static_cast<std::size_t>(config.line.lanes * 2));
  CHECK(req.address == table.address + slot * config.line.lanes * 2);
  for (int lane = 0; lane < config.line.lanes; ++lane) {
    const auto at = static_cast<std::uint16_t>(req.address + lane * 2);
    CHECK(bus.word(RegisterTable::holding_register, at) == bridge::outlet_slot_tag(70));
    CHECK(bus.word(RegisterTable::holding_register, at + 1) ==
          outlets[static_cast<std::size_t>(lane)]);
  }
  CHECK_THROWS_AS(sorter.decisions(1, std::vector<int>{1, 2}), std::invalid_argument);
}

TEST_CASE("SorterPlc status refuses stale and bad values", "[unit]") {
  const core::Config config = test::load_default_config();
  const core::DeviceConfig& plc = *config.first_device(core::DeviceKind::sorter_plc);
  test::MemoryBus bus;
  bridge::SorterPlc sorter(plc, config.line.lanes, config.line.outlet_table_slots);
  bridge::DevicePoller poller(plc);
  bridge::DeviceValues values;
  CHECK(sorter.status(values).error() == core::errc::link_down);  // nothing read yet
  const auto t0 = core::SteadyTime{} + 1h;
  REQUIRE(poller.poll_all(bus, values, t0));
  REQUIRE(sorter.status(values));
  bridge::age_values(values, plc, t0 + std::chrono::milliseconds(plc.stale_after_ms + 1));
  CHECK(sorter.status(values).error() == core::errc::link_down);
  // run_state 7 is outside the map's range 0..2: read, but bad.
  bus.word(RegisterTable::input_register, plc.map.find("run_state")->address) = 7;
  REQUIRE(poller.poll_all(bus, values, t0));
  CHECK(values.find("run_state")->quality == bridge::Quality::bad);
  CHECK(sorter.status(values).error() == core::errc::bad_register_value);
}

TEST_CASE("SorterPlc refuses a map that lacks what it needs", "[unit]") {
  const core::Config config = test::load_default_config();
  core::DeviceConfig plc = *config.first_device(core::DeviceKind::sorter_plc);
  CHECK_THROWS_AS(bridge::SorterPlc(plc, config.line.lanes, 1000), std::invalid_argument);
  std::erase_if(plc.map.points, [](const auto& p) { return p.name == "run_state"; });
  CHECK_THROWS_AS(bridge::SorterPlc(plc, config.line.lanes, 64), std::invalid_argument);
}
