#include <catch2/catch.hpp>

#include <algorithm>

#include "coldsort/scheduler/outlet_allocation.hpp"

using namespace coldsort;
using core::DecisionReason;
using core::Grade;

namespace {
core::Config default_config() {
  auto loaded = core::load_config(std::string(COLDSORT_CONFIG_DIR) + "/default.json");
  REQUIRE(loaded.config);
  return *loaded.config;
}
}  // namespace

TEST_CASE("graded fruit go to the outlet allocated to their product", "[unit][scheduler]") {
  core::Config config = default_config();
  scheduler::OutletAllocation allocation(config);
  auto c = allocation.choose(Grade::class_i, "B", DecisionReason::graded);
  CHECK(c.product_id == "I-B");
  CHECK(c.outlet == config.find_outlet("O05")->number);
  CHECK(allocation.choose(Grade::extra, "D", DecisionReason::graded).outlet ==
        config.find_outlet("O07")->number);
}

TEST_CASE("doubtful, bad and unplanned fruit never reach a product outlet", "[unit][scheduler]") {
  core::Config config = default_config();
  const int reject = config.outlet_of_kind(core::OutletKind::reject).number;
  const int recirculation = config.outlet_of_kind(core::OutletKind::recirculation).number;
  for (auto& o : config.outlets)
    if (o.id == "O01") o.products.clear();  // EX-A loses its outlet
  scheduler::OutletAllocation allocation(config);
  CHECK(allocation.choose(Grade::unknown, "", DecisionReason::uncertain).outlet == recirculation);
  CHECK(allocation.choose(Grade::unknown, "", DecisionReason::camera_drop).outlet == recirculation);
  CHECK(allocation.choose(Grade::out_of_grade, "", DecisionReason::out_of_grade).outlet == reject);
  CHECK(allocation.choose(Grade::unknown, "", DecisionReason::empty_cup).outlet == 0);
  auto unplanned = allocation.choose(Grade::extra, "A", DecisionReason::graded);
  CHECK(unplanned.outlet == recirculation);
  CHECK(unplanned.reason == DecisionReason::unplanned_product);
}

TEST_CASE("a config can send doubtful fruit to reject instead of recirculation", "[unit][scheduler]") {
  core::Config config = default_config();
  const int reject = config.outlet_of_kind(core::OutletKind::reject).number;
  const int recirculation = config.outlet_of_kind(core::OutletKind::recirculation).number;
  CHECK(scheduler::OutletAllocation(config)
            .choose(core::Grade::unknown, "", core::DecisionReason::uncertain)
            .outlet == recirculation);
  config.doubtful_to_reject = true;
  scheduler::OutletAllocation allocation(config);
  CHECK(allocation.choose(core::Grade::unknown, "", core::DecisionReason::uncertain).outlet == reject);
  CHECK(allocation.choose(core::Grade::unknown, "", core::DecisionReason::camera_drop).outlet == reject);
  // Unplanned products are sound fruit: they still go round again.
  CHECK(allocation.choose(core::Grade::class_ii, "nonexistent", core::DecisionReason::graded).outlet ==
        recirculation);
}

TEST_CASE("a plan's allocation replaces the config's, and a product's outlets take turns", "[unit][scheduler]") {
  core::Config config = default_config();
  const std::string reject_id = config.outlet_of_kind(core::OutletKind::reject).id;
  const int o05 = config.find_outlet("O05")->number, o07 = config.find_outlet("O07")->number;
  scheduler::OutletAllocation allocation(
      config, {{"O05", "EX-D"}, {"O07", "EX-D"}, {reject_id, "I-B"}, {"O99", "I-B"}, {"O01", "NOPE"}});
  // EX-D is on two outlets: they alternate so both fill.
  CHECK(allocation.choose(Grade::extra, "D", DecisionReason::graded).outlet == o05);
  CHECK(allocation.choose(Grade::extra, "D", DecisionReason::graded).outlet == o07);
  CHECK(allocation.choose(Grade::extra, "D", DecisionReason::graded).outlet == o05);
  // I-B lost O05 to EX-D, and the plan may not put a product on the reject outlet.
  auto b = allocation.choose(Grade::class_i, "B", DecisionReason::graded);
  CHECK(b.reason == DecisionReason::unplanned_product);
  CHECK(b.outlet == config.outlet_of_kind(core::OutletKind::recirculation).number);
  std::vector<std::string> unknown = allocation.unknown();
  std::sort(unknown.begin(), unknown.end());
  CHECK(unknown == std::vector<std::string>{"O01=NOPE", "O11=I-B", "O99=I-B"});
  CHECK(reject_id == "O11");
  CHECK(allocation.products_by_outlet().size() == 2);
}
