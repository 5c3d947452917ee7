// The controller follows a published plan's outlet allocation over real Modbus: while the
// plan's window runs, its products go to its outlets (a product on two outlets to both, in
// turn) and other products ride to recirculation; after the window the config's allocation
// is back.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include <boost/json.hpp>

#include "line_rig.hpp"

using namespace coldsort;
using namespace std::chrono_literals;

namespace {

struct Seen {
  std::map<std::string, std::set<int>> outlets_by_product;  // graded fruit only
  std::map<std::string, int> unplanned_by_product;
};

Seen run_for(test::LineRig& rig, bridge::LineSimulator& sim, std::chrono::milliseconds span) {
  Seen seen;
  rig.controller->on_decision([&](const core::Fruit& f) {
    if (f.reason == core::DecisionReason::graded) seen.outlets_by_product[f.product_id].insert(f.outlet);
    if (f.reason == core::DecisionReason::unplanned_product) ++seen.unplanned_by_product[f.product_id];
  });
  for (auto end = rig.clock.now() + span; rig.clock.now() < end;) {
    rig.clock.advance(40ms);
    sim.step(rig.clock.now());
    rig.step_controller();
  }
  return seen;
}

std::string allocation_source(const test::LineRig& rig) {
  return boost::json::value_to<std::string>(
      boost::json::parse(rig.controller->status_json()).at("allocation").at("source"));
}

}  // namespace

TEST_CASE("the line follows the published plan's outlet allocation, then the config's again",
          "[integration][planning]") {
  test::LineRig rig(test::load_default_config());
  bridge::LineSimulator sim(rig.config, rig.clock);
  auto port = sim.start("127.0.0.1", 0);
  REQUIRE(port.has_value());
  test::set_link_port(rig.config, *port);
  rig.connect_controller();
  const int o05 = rig.config.find_outlet("O05")->number, o07 = rig.config.find_outlet("O07")->number;
  const int recirculation = rig.config.outlet_of_kind(core::OutletKind::recirculation).number;

  // Minute 0-1 of the plan's day: I-B on O05 and O07, nothing else anywhere.
  auto plan = std::make_shared<scheduler::Plan>();
  plan->method = "flow";
  plan->outlets = {{"O05", "I-B", {0, 1}, "I-B due 11:00", false}, {"O07", "I-B", {0, 1}, "", false}};
  rig.controller->follow_plan(plan, rig.clock.wall_now());

  Seen during = run_for(rig, sim, 55s);
  CHECK(allocation_source(rig) == "plan");
  REQUIRE(during.outlets_by_product.count("I-B") == 1);
  CHECK(during.outlets_by_product["I-B"] == std::set<int>{o05, o07});
  CHECK(during.outlets_by_product.size() == 1);  // every other product is unplanned meanwhile
  CHECK(during.unplanned_by_product.size() >= 2);

  run_for(rig, sim, 10s);  // into minute 1: the plan's window is over
  Seen after = run_for(rig, sim, 45s);
  CHECK(allocation_source(rig) == "config");
  CHECK(after.outlets_by_product["I-B"] == std::set<int>{o05});
  CHECK(after.outlets_by_product.size() >= 3);
  for (const auto& [product, outlets] : after.outlets_by_product) CHECK(outlets.count(recirculation) == 0);
}
