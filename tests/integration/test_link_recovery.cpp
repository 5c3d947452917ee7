// Sim PLC unreachable at start: the controller keeps going, raises an alarm, retries with
// back-off and clears the alarm once the PLC answers.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "line_rig.hpp"

using namespace coldsort;

TEST_CASE("an unreachable PLC raises an alarm and recovery clears it", "[integration]") {
  test::LineRig rig(test::load_default_config());
  // Find a free port by binding a simulator and stopping it: nothing listens there now.
  int port = 0;
  {
    bridge::LineSimulator probe(rig.config, rig.clock);
    auto bound = probe.start("127.0.0.1", 0);
    REQUIRE(bound.has_value());
    port = *bound;
    probe.stop();
  }
  test::set_link_port(rig.config, port);
  rig.connect_controller();

  for (int i = 0; i < 5; ++i) {
    rig.clock.advance(std::chrono::milliseconds(50));
    rig.step_controller();
  }
  CHECK_FALSE(rig.controller->is_plc_link_up());
  CHECK(rig.controller->alarms().is_active("link.sim.down"));
  auto status = boost::json::parse(rig.controller->status_json()).as_object();
  CHECK(status.at("plc_link").as_string() == "down");
  CHECK(status.at("alarms").as_array().size() == 1);

  bridge::LineSimulator sim(rig.config, rig.clock);
  auto restarted = sim.start("127.0.0.1", port);
  REQUIRE(restarted.has_value());
  // Back-off is capped at 5 s: within 6 s of fake time the controller must be back.
  for (int i = 0; i < 60 && !rig.controller->is_plc_link_up(); ++i) {
    rig.clock.advance(std::chrono::milliseconds(100));
    sim.step(rig.clock.now());
    rig.step_controller();
  }
  CHECK(rig.controller->is_plc_link_up());
  CHECK_FALSE(rig.controller->alarms().is_active("link.sim.down"));
  // Returned to normal but unacknowledged: an operator still sees it once.
  REQUIRE(rig.controller->alarms().visible().size() == 1);
  CHECK(rig.controller->alarms().visible()[0].state == core::AlarmState::unacked_returned);
}
