// Fail-safe on the whole line over loopback Modbus: faults injected by the simulator on the
// sorter's and a drive's unit ids. For each fault the controller keeps running, raises the
// alarm, recovers, and no fruit goes to an outlet the controller did not choose for it.
#include <catch2/catch.hpp>

#include <map>

#include "line_rig.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using Key = std::pair<int, std::uint64_t>;

namespace {

struct FailSafeRig {
  test::LineRig rig;
  bridge::LineSimulator sim;
  std::map<Key, core::Fruit> decisions;
  std::vector<bridge::Ejection> ejections;
  bool controller_alive = true;

  explicit FailSafeRig(core::Config config)
      : rig(std::move(config)), sim(rig.config, rig.clock) {
    auto port = sim.start("127.0.0.1", 0);
    REQUIRE(port.has_value());
    test::set_link_port(rig.config, *port);
    rig.connect_controller();
    rig.controller->on_decision([&](const core::Fruit& f) { decisions[{f.at.lane, f.at.cup}] = f; });
  }
  // 40 ms ticks: the simulator, the link workers (inline) and, unless hung, the controller.
  void run_for(std::chrono::milliseconds total) {
    for (auto t = 0ms; t < total; t += 40ms) {
      rig.clock.advance(40ms);
      sim.step(rig.clock.now());
      if (controller_alive)
        rig.step_controller();
      else
        rig.hub->step(rig.clock.now());
      for (const bridge::Ejection& e : sim.take_ejections()) ejections.push_back(e);
    }
  }
  // Every fruit that went into an outlet went where the controller decided; fruit without a
  // decision rode to the end of the line.
  void check_no_wrong_outlet() const {
    std::size_t into_outlets = 0;
    for (const bridge::Ejection& e : ejections) {
      auto d = decisions.find({e.lane, e.cup});
      if (!e.had_decision || d == decisions.end()) {
        CHECK(e.outlet == 0);
        continue;
      }
      INFO("lane " << e.lane << " cup " << e.cup);
      CHECK(e.outlet == d->second.outlet);
      into_outlets += e.outlet != 0 ? 1 : 0;
    }
    CHECK(into_outlets > 0);
  }
  bool raised(const std::string& key) const {
    for (const core::Alarm& a : rig.controller->alarms().visible())
      if (a.key == key) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("each communication fault on the sorter raises an alarm and the line recovers",
          "[integration]") {
  struct Case {
    const char* name;
    bridge::SimFault fault;
    const char* alarm;
  };
  const std::vector<Case> cases{
      {"dropped connections", bridge::SimFault::drop_connection(0), "link.sim.down"},
      // The other devices on the link still answer: the sorter alone goes offline.
      {"replies slower than the timeout", bridge::SimFault::delay_reply(500, 0), "device.sorter.offline"},
      {"late replies", bridge::SimFault::late_reply(0), "sorter.status"},
      {"exception answers", bridge::SimFault::exception(4, 0), "sorter.status"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      // Faults shorter than the PLC's watchdog: the belt keeps running through them (a longer
      // one stops it: see the heartbeat test below).
      core::Config config = test::load_default_config();
      config.line.watchdog_ms = 5000;
      FailSafeRig f(std::move(config));
      f.run_for(3s);
      REQUIRE(f.rig.controller->is_plc_link_up());
      const int unit = f.rig.config.first_device(core::DeviceKind::sorter_plc)->unit_id;
      f.sim.inject(unit, c.fault);
      f.run_for(2500ms);
      CHECK_FALSE(f.rig.controller->is_plc_link_up());
      CHECK(f.rig.controller->alarms().is_active(c.alarm));
      f.sim.clear_faults(unit);
      f.run_for(8s);
      CHECK(f.rig.controller->is_plc_link_up());
      CHECK_FALSE(f.rig.controller->alarms().is_active(c.alarm));
      CHECK(f.raised(c.alarm));  // returned, still unacknowledged: the operator sees it
      const auto fruit_before = f.rig.controller->counters().fruit_total;
      f.run_for(3s);
      CHECK(f.rig.controller->counters().fruit_total > fruit_before);
      f.check_no_wrong_outlet();
    }
  }
}

TEST_CASE("a stalled controller heartbeat stops the simulated belt", "[integration]") {
  FailSafeRig f(test::load_default_config());
  f.run_for(3s);
  REQUIRE(f.rig.controller->is_plc_link_up());
  const auto moving = f.sim.cup_at_camera();
  // The controller hangs; the I/O thread (stepped here) still talks to the PLC, but the
  // heartbeat value comes from the controller and stops changing.
  f.controller_alive = false;
  f.run_for(std::chrono::milliseconds(f.rig.config.line.watchdog_ms) + 1s);
  const auto stopped = f.sim.cup_at_camera();
  CHECK(stopped > moving);
  f.run_for(3s);
  CHECK(f.sim.cup_at_camera() == stopped);
  auto values = f.rig.hub->values("sorter");
  CHECK(values->good("run_state") == 2);  // faulted, by the watchdog
  // The controller comes back: it sees the fault and says so.
  f.controller_alive = true;
  f.run_for(1s);
  CHECK(f.rig.controller->alarms().is_active("sorter.faulted"));
  // An operator restarts the belt (run_command 0 then 1). The cups that were on the belt when
  // it tripped ride to recirculation, whatever the table said for them.
  bridge::SorterPlc plc(*f.rig.config.first_device(core::DeviceKind::sorter_plc),
                        f.rig.config.line.lanes, f.rig.config.line.outlet_table_slots);
  f.rig.hub->hold("sorter", plc.run(false));
  f.run_for(200ms);
  f.rig.hub->hold("sorter", plc.run(true));
  f.ejections.clear();
  f.run_for(6s);
  CHECK(f.sim.cup_at_camera() > stopped);
  CHECK_FALSE(f.rig.controller->alarms().is_active("sorter.faulted"));
  std::size_t on_belt_at_trip = 0, after_restart = 0;
  for (const bridge::Ejection& e : f.ejections) {
    if (e.cup <= stopped) {
      ++on_belt_at_trip;
      CHECK(e.outlet == 0);
    } else {
      after_restart += e.outlet != 0 ? 1 : 0;
    }
  }
  CHECK(on_belt_at_trip > 0);
  CHECK(after_restart > 0);
  f.check_no_wrong_outlet();
}

TEST_CASE("a frozen PLC heartbeat is a fault: alarm, no decisions, then recovery",
          "[integration]") {
  FailSafeRig f(test::load_default_config());
  f.run_for(3s);
  REQUIRE(f.rig.controller->is_plc_link_up());
  const int unit = f.rig.config.first_device(core::DeviceKind::sorter_plc)->unit_id;
  f.sim.inject(unit, bridge::SimFault::stick_point("plc_heartbeat"));
  f.run_for(std::chrono::milliseconds(f.rig.config.line.plc_heartbeat_timeout_ms) + 500ms);
  CHECK(f.rig.controller->alarms().is_active("sorter.heartbeat"));
  CHECK_FALSE(f.rig.controller->is_plc_link_up());
  const std::size_t decided = f.decisions.size();
  f.run_for(2s);
  CHECK(f.decisions.size() == decided);  // no decisions while the PLC looks dead
  f.sim.clear_faults(unit);
  f.run_for(2s);
  CHECK_FALSE(f.rig.controller->alarms().is_active("sorter.heartbeat"));
  CHECK(f.rig.controller->is_plc_link_up());
  CHECK(f.decisions.size() > decided);
  f.check_no_wrong_outlet();
}

TEST_CASE("an outlet whose drive is lost falls back to reject until the drive returns",
          "[integration]") {
  core::Config config = test::load_default_config();
  core::Outlet& first = config.outlets.at(0);
  REQUIRE(first.kind == core::OutletKind::product);
  first.devices = {"infeed-vfd"};
  FailSafeRig f(std::move(config));
  const core::Outlet& outlet = f.rig.config.outlets.at(0);
  const int reject = f.rig.config.outlet_of_kind(core::OutletKind::reject).number;
  const int vfd_unit = f.rig.config.find_device("infeed-vfd")->unit_id;
  f.run_for(3s);
  REQUIRE(f.rig.controller->unavailable_outlets().empty());

  f.sim.inject(vfd_unit, bridge::SimFault::delay_reply(500, 0));  // the drive stops answering
  f.run_for(5s);
  CHECK(f.rig.controller->alarms().is_active("device.infeed-vfd.offline"));
  CHECK(f.rig.controller->alarms().is_active("outlet." + outlet.id + ".unavailable"));
  CHECK(f.rig.controller->unavailable_outlets().count(outlet.number) == 1);
  CHECK(f.rig.controller->is_plc_link_up());  // the sorter on the same link carries on
  const auto lost_at = f.decisions.empty() ? 0 : f.decisions.rbegin()->first.second;
  f.run_for(10s);
  std::size_t diverted = 0;
  for (const auto& [key, fruit] : f.decisions) {
    if (key.second <= lost_at) continue;
    CHECK(fruit.outlet != outlet.number);
    if (fruit.reason == core::DecisionReason::outlet_unavailable) {
      CHECK(fruit.outlet == reject);
      ++diverted;
    }
  }
  CHECK(diverted > 0);

  f.sim.clear_faults(vfd_unit);
  f.run_for(5s);
  CHECK_FALSE(f.rig.controller->alarms().is_active("device.infeed-vfd.offline"));
  CHECK(f.rig.controller->unavailable_outlets().empty());
  f.check_no_wrong_outlet();
}

TEST_CASE("plant SCADA's image shows the line, the rooms and a probe fault", "[integration]") {
  FailSafeRig f(test::load_default_config());
  f.run_for(3s);
  bridge::ScadaImage image = f.rig.controller->scada_image();
  CHECK(image.run_state == bridge::ScadaRunState::running);
  CHECK(image.plc_link_up);
  CHECK(image.heartbeat_ok);
  CHECK(image.fruit_total == f.rig.controller->counters().fruit_total);
  REQUIRE(image.cold_rooms.size() == f.rig.config.cold_rooms.size());
  CHECK(image.cold_rooms[0].quality == bridge::Quality::good);
  CHECK(image.cold_rooms[0].control_temp_c.value() == Approx(f.rig.config.cold_rooms[0].setpoint_c).margin(1.0));
  CHECK(image.cold_rooms[0].alarm_level == 0);

  // An open probe: the controller reads 0x7FFF (3276.7 degC), a sensor fault, not a heat wave.
  const core::DeviceConfig& room_device = *f.rig.config.find_device(f.rig.config.cold_rooms[0].device);
  f.sim.inject(room_device.unit_id, bridge::SimFault::force_raw("air_temp_c", 32767));
  f.run_for(3s);
  image = f.rig.controller->scada_image();
  CHECK(image.cold_rooms[0].quality == bridge::Quality::bad);
  CHECK_FALSE(image.cold_rooms[0].control_temp_c.has_value());
  CHECK(image.cold_rooms[0].alarm_level > 0);
  CHECK((image.alarms.classes & bridge::bit(bridge::ScadaAlarmClass::sensor)) != 0);
  CHECK((image.alarms.classes & bridge::bit(bridge::ScadaAlarmClass::temperature)) == 0);
}
