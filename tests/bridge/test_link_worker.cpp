// The link worker's state machine over a memory bus that fails on command: polling into
// values with quality, state-based writes, device and link loss, back-off, recovery.
#include <catch2/catch.hpp>

#include "coldsort/bridge/device_hub.hpp"
#include "coldsort/bridge/link_worker.hpp"
#include "coldsort/bridge/sorter_plc.hpp"
#include "memory_bus.hpp"
#include "sim_fixture.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using bridge::BridgeEvent;
using bridge::DeviceState;
using bridge::Quality;
using core::RegisterTable;

namespace {

struct WorkerRig {
  core::Config config = test::load_default_config();
  core::FakeClock clock;
  const core::DeviceConfig& plc = *config.first_device(core::DeviceKind::sorter_plc);
  test::MemoryBus* bus = nullptr;  // owned by the worker
  std::unique_ptr<bridge::LinkWorker> worker;

  explicit WorkerRig(int refuse_connects = 0) {
    auto memory = std::make_unique<test::MemoryBus>();
    bus = memory.get();
    bus->close();
    bus->refuse_connects = refuse_connects;
    worker = std::make_unique<bridge::LinkWorker>(*config.find_link(plc.link),
                                                  std::vector{&plc}, std::move(memory), clock);
  }
  void run_for(std::chrono::milliseconds total, std::chrono::milliseconds tick = 10ms) {
    for (auto t = 0ms; t < total; t += tick) {
      clock.advance(tick);
      worker->step(clock.now());
    }
  }
  std::uint16_t holding(const char* point, int index = 0) {
    return bus->word(RegisterTable::holding_register,
                     static_cast<std::uint16_t>(plc.map.find(point)->address + index));
  }
  bool has_event(BridgeEvent::Kind kind) {
    for (const auto& e : worker->take_events())
      if (e.kind == kind) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("the worker polls a device into good values and writes held states once", "[unit]") {
  WorkerRig rig;
  rig.bus->word(RegisterTable::input_register, rig.plc.map.find("plc_heartbeat")->address) = 42;
  rig.worker->hold("sorter", {{"pc_heartbeat", 0, 7}});
  rig.run_for(50ms);
  auto values = rig.worker->values("sorter");
  REQUIRE(values);
  CHECK(values->state == DeviceState::online);
  CHECK(values->good("plc_heartbeat") == 42);
  CHECK(values->stats.requests > 0);
  CHECK(values->stats.errors == 0);
  CHECK(rig.holding("pc_heartbeat") == 7);

  // Holding the same state again does not write it again: writes follow changes, not calls.
  auto writes_before = rig.worker->status().writes;
  rig.worker->hold("sorter", {{"pc_heartbeat", 0, 7}});
  rig.run_for(50ms);
  CHECK(rig.worker->status().writes == writes_before);
  rig.worker->hold("sorter", {{"pc_heartbeat", 0, 8}});
  rig.run_for(20ms);
  CHECK(rig.worker->status().writes == writes_before + 1);
  CHECK(rig.holding("pc_heartbeat") == 8);
  CHECK_THROWS_AS(rig.worker->hold("no-such-device", {}), std::invalid_argument);
}

TEST_CASE("a value outside its range is refused before any request", "[unit]") {
  WorkerRig rig;
  rig.run_for(20ms);
  rig.worker->take_events();
  const auto writes = rig.worker->status().writes;
  rig.worker->hold("sorter", {{"run_command", 0, 5}});  // run_command is 0..1
  rig.run_for(50ms);
  CHECK(rig.worker->status().writes == writes);
  CHECK(rig.has_event(BridgeEvent::Kind::write_refused));
  CHECK(rig.holding("run_command") == 0);
  CHECK(rig.worker->values("sorter")->state == DeviceState::online);
}

TEST_CASE("three timeouts in a row take the device offline; its values go stale; it recovers",
          "[unit]") {
  WorkerRig rig;
  rig.run_for(50ms);
  REQUIRE(rig.worker->values("sorter")->state == DeviceState::online);
  rig.worker->take_events();
  rig.bus->fail_request = static_cast<int>(rig.bus->requests.size());
  rig.bus->fail_count = 1000;
  rig.bus->fail_with = core::errc::timeout;
  rig.run_for(rig.plc.stale_after_ms * 1ms + 100ms);
  auto values = rig.worker->values("sorter");
  CHECK(values->state == DeviceState::offline);
  CHECK(values->stats.timeouts >= 3);
  CHECK(values->find("plc_heartbeat")->quality == Quality::stale);
  // The only device on a TCP link is silent: the connection is treated as dead (and
  // reconnects, since connecting still works; the silent device is then only probed).
  CHECK(rig.has_event(BridgeEvent::Kind::link_down));
  CHECK(rig.worker->status().connects >= 2);

  rig.bus->fail_count = 0;
  rig.run_for(6s);  // longer than the capped back-off and the offline probe period
  CHECK(rig.worker->status().state == bridge::LinkState::up);
  CHECK(rig.worker->values("sorter")->state == DeviceState::online);
  CHECK(rig.worker->values("sorter")->find("plc_heartbeat")->quality == Quality::good);
  CHECK(rig.has_event(BridgeEvent::Kind::device_online));
}

TEST_CASE("reconnects back off exponentially up to the cap", "[unit]") {
  WorkerRig rig(1000);
  const auto& link = *rig.config.find_link(rig.plc.link);
  std::vector<std::chrono::milliseconds> waits;
  for (int i = 0; i < 10; ++i) {
    const auto next = rig.worker->step(rig.clock.now());
    waits.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(next - rig.clock.now()));
    rig.clock.advance(next - rig.clock.now());
  }
  CHECK(waits.front() == std::chrono::milliseconds(link.reconnect_min_ms));
  CHECK(waits[1] == 2 * waits[0]);
  CHECK(waits.back() == std::chrono::milliseconds(link.reconnect_max_ms));
  CHECK(rig.bus->connect_calls == 10);
  CHECK(rig.worker->status().connect_failures == 10);
  CHECK(rig.has_event(BridgeEvent::Kind::link_down));
}

TEST_CASE("an exception answer keeps the device online and is retried later", "[unit]") {
  WorkerRig rig;
  rig.run_for(20ms);
  rig.bus->fail_request = static_cast<int>(rig.bus->requests.size());
  rig.bus->fail_with = core::errc::modbus_exception;
  rig.bus->exception_code = 6;
  rig.worker->hold("sorter", {{"run_command", 0, 1}});
  rig.run_for(10ms);
  auto values = rig.worker->values("sorter");
  CHECK(values->state == DeviceState::online);
  CHECK(values->stats.exceptions == 1);
  CHECK(values->stats.last_exception_code == 6);
  CHECK_THAT(values->stats.last_error, Catch::Contains("exception 06"));
  CHECK(rig.holding("run_command") == 0);
  rig.run_for(1100ms);  // retried after the refusal back-off
  CHECK(rig.holding("run_command") == 1);
}

// Sweep: fail the Nth request of the worker's life with each kind of error, for every N in
// the first cycles. Whatever fails, the worker must end up connected, with every held state
// in the device and fresh values.
TEST_CASE("whatever request fails, the worker recovers to the held state", "[unit]") {
  for (core::errc kind : {core::errc::timeout, core::errc::link_down, core::errc::modbus_exception,
                          core::errc::crc_error}) {
    for (int n = 0; n < 12; ++n) {
      WorkerRig rig;
      rig.bus->fail_request = n;
      rig.bus->fail_count = 2;
      rig.bus->fail_with = kind;
      bridge::SorterPlc sorter(rig.plc, rig.config.line.lanes, rig.config.line.outlet_table_slots);
      std::vector<int> outlets(static_cast<std::size_t>(rig.config.line.lanes), 3);
      rig.worker->hold("sorter", sorter.decisions(5, outlets));
      rig.worker->hold("sorter", {sorter.heartbeat(9), sorter.watchdog(2000ms)});
      rig.run_for(8s);
      INFO("error " << make_error_code(kind).message() << " at request " << n);
      CHECK(rig.worker->status().state == bridge::LinkState::up);
      CHECK(rig.holding("pc_heartbeat") == 9);
      CHECK(rig.holding("heartbeat_timeout_ms") == 2000);
      const int slot = 5 % rig.config.line.outlet_table_slots;
      CHECK(rig.holding("outlet_table", slot * rig.config.line.lanes * 2) == bridge::outlet_slot_tag(5));
      CHECK(rig.holding("outlet_table", slot * rig.config.line.lanes * 2 + 1) == 3);
      CHECK(rig.worker->values("sorter")->find("plc_heartbeat")->quality == Quality::good);
    }
  }
}

TEST_CASE("after a reconnect every held state is written again", "[unit]") {
  WorkerRig rig;
  rig.worker->hold("sorter", {{"heartbeat_timeout_ms", 0, 1500}});
  rig.run_for(20ms);
  REQUIRE(rig.holding("heartbeat_timeout_ms") == 1500);
  // The PLC restarted: its registers are back to power-up values and the link dropped.
  rig.bus->word(RegisterTable::holding_register, rig.plc.map.find("heartbeat_timeout_ms")->address) = 0;
  rig.bus->fail_request = static_cast<int>(rig.bus->requests.size());
  rig.bus->fail_with = core::errc::link_down;
  rig.run_for(1s);
  CHECK(rig.holding("heartbeat_timeout_ms") == 1500);
  CHECK(rig.worker->status().connects == 2);
}

TEST_CASE("the hub runs one worker per link over the real simulator", "[integration]") {
  test::SimFixture f;
  bridge::DeviceHub hub(f.config, f.clock, [&](const core::LinkConfig& link) {
    core::LinkConfig to_sim = link;
    to_sim.port = f.port;
    return bridge::make_modbus_bus(to_sim);
  });
  for (int i = 0; i < 20; ++i) {
    f.advance(50ms);
    hub.step(f.clock.now());
  }
  REQUIRE(hub.link_status().size() == 1);
  CHECK(hub.link_status()[0].state == bridge::LinkState::up);
  for (const core::DeviceConfig& d : f.config.devices) {
    auto v = hub.values(d.id);
    REQUIRE(v);
    INFO(d.id << ": " << v->stats.last_error);
    CHECK(v->state == DeviceState::online);
    CHECK(v->stats.errors == 0);
    CHECK(v->stats.latency_p99_ms > 0);
  }
  const core::ColdRoom& room = f.config.cold_rooms.at(0);
  CHECK(hub.values(room.device)->good("air_temp_c").value() == Approx(room.setpoint_c).margin(1.0));
  CHECK_FALSE(hub.values("no-such-device"));
}

TEST_CASE("a cup's decision goes out as one request even where a lane's outlet is unchanged",
          "[unit]") {
  WorkerRig rig;
  bridge::SorterPlc sorter(rig.plc, rig.config.line.lanes, rig.config.line.outlet_table_slots);
  const std::uint64_t cup = 5;
  const auto next_round = cup + static_cast<std::uint64_t>(rig.config.line.outlet_table_slots);
  rig.worker->hold("sorter", sorter.decisions(cup, std::vector<int>{3, 3, 3, 3}));
  rig.run_for(20ms);
  const auto writes = rig.worker->status().writes;
  // The same slot one ring later: every tag changes, two of the four outlets do not.
  rig.worker->hold("sorter", sorter.decisions(next_round, std::vector<int>{3, 4, 3, 4}));
  rig.run_for(10ms);
  CHECK(rig.worker->status().writes == writes + 1);
  const int base = static_cast<int>(cup % 64) * rig.config.line.lanes * 2;
  for (int lane = 0; lane < 4; ++lane) {
    CHECK(rig.holding("outlet_table", base + lane * 2) == bridge::outlet_slot_tag(next_round));
    CHECK(rig.holding("outlet_table", base + lane * 2 + 1) == (lane % 2 == 0 ? 3 : 4));
  }
}

TEST_CASE("a write that timed out is tried again on the next cycle", "[unit]") {
  WorkerRig rig;
  rig.run_for(20ms);
  rig.bus->fail_request = static_cast<int>(rig.bus->requests.size());
  rig.bus->fail_with = core::errc::timeout;
  rig.worker->hold("sorter", {{"pc_heartbeat", 0, 77}});
  rig.worker->step(rig.clock.now());  // the write times out
  REQUIRE(rig.holding("pc_heartbeat") != 77);
  rig.clock.advance(10ms);
  rig.worker->step(rig.clock.now());
  CHECK(rig.holding("pc_heartbeat") == 77);
}

TEST_CASE("a value out of range next to good ones refuses the run without a request", "[unit]") {
  WorkerRig rig;
  bridge::SorterPlc sorter(rig.plc, rig.config.line.lanes, rig.config.line.outlet_table_slots);
  rig.worker->hold("sorter", sorter.decisions(5, std::vector<int>{3, 3, 3, 3}));
  rig.run_for(20ms);
  const auto writes = rig.worker->status().writes;
  // Lane 2's outlet is changed to a value no u16 holds; lanes 1 and 3 are bridged clean words.
  rig.worker->hold("sorter", {{"outlet_table", (5 % 64) * 8 + 1, 4}, {"outlet_table", (5 % 64) * 8 + 3, 70000}});
  rig.run_for(20ms);
  CHECK(rig.worker->status().writes == writes);
  CHECK(rig.has_event(BridgeEvent::Kind::write_refused));
  CHECK(rig.worker->status().state == bridge::LinkState::up);
}
