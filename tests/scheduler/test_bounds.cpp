#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "bound_model.hpp"
#include "coin_solve.hpp"
#include "coldsort/scheduler/bound.hpp"
#include "coldsort/scheduler/bound_inputs.hpp"
#include "coldsort/scheduler/plan.hpp"
#include "coldsort/scheduler/planner.hpp"
#include "coldsort/scheduler_bounds/lp_bounds.hpp"
#include "xs_like_instance.hpp"

using namespace coldsort;
using scheduler::Instance;

namespace {

// Two hours in four 30-minute periods; one gift box of 4 fruit; one product P1 on outlet O1,
// which reaches station S1 (one slot); W1 packs 12 parcels/h, i.e. 5 minutes a parcel;
// the grader brings 1 fruit/s of P1 (15 parcels a minute: never short). Tests change it.
Instance tiny() {
  Instance in;
  in.name = "tiny";
  in.horizon_min = 120;
  in.period_min = 30;
  in.cold_limit_min = 30;
  in.box_types = {{"gift-4", 4, 1.5}};
  in.products = {{"P1", core::Grade::class_i, "B"}};
  in.stations = {{"S1", {"gift-4"}, {}, 1}};
  in.outlets = {{"O1", core::OutletKind::product, false, {"S1"}, 400},
                {"REJ", core::OutletKind::reject, false, {}, 400}};
  in.workers = {{"W1", {{"gift-4", 12}}, {0, 120}, {}, true, -1}};
  in.flow = {{"P1", {1, 1, 1, 1}}};
  return in;
}

void add_orders(Instance& in, const std::string& product, int parcels, int cutoff_min, int arrival_min = 0) {
  for (int i = 0; i < parcels; ++i)
    in.orders.push_back({product + "-" + std::to_string(cutoff_min) + "-" + std::to_string(in.orders.size()), product,
                         "gift-4", 1, "SF", cutoff_min, arrival_min, 0, -1});
}

struct Bounds {
  scheduler::Bound capacity, lp, exact;
};

// The three bounds of an instance, checked to be ordered; `exact` also proves the MIP.
Bounds all_bounds(const Instance& in, bool exact = true) {
  // Every instance a test builds must be one the loader accepts.
  auto loaded = scheduler::load_instance_text(scheduler::save_instance(in), in.name);
  INFO(loaded.errors.joined());
  REQUIRE(loaded.instance);
  Bounds b{scheduler::capacity_bound(in), scheduler_bounds::lp_bound(in), {}};
  if (exact) b.exact = scheduler_bounds::exact_optimum(in, 20'000);
  INFO("capacity " << b.capacity.on_time_parcels << " (" << b.capacity.note << "), lp " << b.lp.on_time_parcels
                   << " (" << b.lp.note << "), exact " << b.exact.on_time_parcels << " (" << b.exact.note << ")");
  CHECK(b.capacity.on_time_parcels >= b.lp.on_time_parcels);
  if (!exact) return b;
  CHECK(b.lp.on_time_parcels >= b.exact.on_time_parcels);
  CHECK(b.exact.optimal);
  return b;
}

}  // namespace

TEST_CASE("labour limits the bound: one packer, two hours, 5 minutes a parcel", "[unit][planning]") {
  Instance in = tiny();
  add_orders(in, "P1", 40, 120);
  // On paper: 120 min / 5 min = 24 parcels, whatever the demand (40) and the fruit (plenty).
  const Bounds b = all_bounds(in);
  CHECK(b.capacity.on_time_parcels == 24);
  CHECK(b.capacity.note == "labour by 09:00");
  CHECK(b.capacity.parcels_demanded == 40);
  CHECK(b.lp.on_time_parcels == 24);
  CHECK(b.exact.on_time_parcels == 24);
}

TEST_CASE("a plan that packs back to back reaches the labour bound and passes the checker", "[unit][planning]") {
  Instance in = tiny();
  add_orders(in, "P1", 40, 120);
  scheduler::Plan plan;
  plan.method = "by hand";
  plan.outlets = {{"O1", "P1", {0, 120}, "the only product", false}};
  plan.staff = {{"W1", "S1", 0, {0, 120}, "the only packer", false}};
  for (int i = 0; i < 24; ++i)
    plan.tasks.push_back({in.orders[static_cast<std::size_t>(i)].id, "S1", "W1", 5.0 * i, 5.0 * i + 5, "in order"});
  CHECK(scheduler::check_plan(in, plan).empty());
  CHECK(scheduler::evaluate_plan(in, plan).parcels_on_time == 24);
  CHECK(scheduler::capacity_bound(in).on_time_parcels == 24);
  CHECK(scheduler_bounds::lp_bound(in).on_time_parcels == 24);
}

TEST_CASE("demand limits the bound when the floor could do more", "[unit][planning]") {
  Instance in = tiny();
  add_orders(in, "P1", 5, 120);
  add_orders(in, "P1", 2, 120);
  in.orders.back().cancelled_min = 10;  // hindsight: a cancelled order is no demand
  // On paper: 6 parcels wanted (one of the 7 cancelled), 24 could be packed.
  const Bounds b = all_bounds(in);
  CHECK(b.capacity.parcels_demanded == 6);
  CHECK(b.capacity.on_time_parcels == 6);
  CHECK(b.capacity.note == "demand");
  CHECK(b.lp.on_time_parcels == 6);
  CHECK(b.exact.on_time_parcels == 6);
}

TEST_CASE("fruit limits the bound when the grader brings too little of the product", "[unit][planning]") {
  Instance in = tiny();
  add_orders(in, "P1", 40, 120);
  in.flow[0].fruit_per_s = {0.01, 0.01, 0.01, 0.01};
  // On paper: 0.6 fruit/min x 120 min = 72 fruit = 18 boxes of 4 (a real plan gets 17: the
  // last box would have to start by minute 115, when 69 fruit have come).
  const Bounds b = all_bounds(in);
  CHECK(b.capacity.on_time_parcels == 18);
  CHECK(b.capacity.note == "fruit of P1 by 09:00");
  CHECK(b.lp.on_time_parcels == 18);
  CHECK(b.exact.on_time_parcels >= 17);
}

TEST_CASE("fruit that waits longer than the cold limit for a packer is lost", "[unit][planning]") {
  Instance in = tiny();
  add_orders(in, "P1", 40, 120);
  in.workers[0].shift = {90, 120};
  in.flow[0].fruit_per_s = {1, 0, 0, 0};
  // On paper: all fruit comes in minutes 0-30 and is back in the cold by minute 60; the only
  // packer starts at 90. Nothing can be packed, although 1,800 fruit came.
  Bounds b = all_bounds(in);
  CHECK(b.capacity.on_time_parcels == 0);
  CHECK(b.lp.on_time_parcels == 0);
  CHECK(b.exact.on_time_parcels == 0);
  // The same fruit an hour later is fresh when the packer starts: 30 min / 5 = 6 parcels.
  in.flow[0].fruit_per_s = {0, 0, 1, 0};
  b = all_bounds(in);
  CHECK(b.capacity.on_time_parcels == 6);
  CHECK(b.lp.on_time_parcels == 6);
  CHECK(b.exact.on_time_parcels == 6);
}

TEST_CASE("an early cut-off limits what is due by it, not what comes later", "[unit][planning]") {
  Instance in = tiny();
  add_orders(in, "P1", 10, 30);
  add_orders(in, "P1", 10, 120);
  // On paper: by minute 30 the packer does 6 of the first 10; the other 10 fit in the 90
  // minutes after (18 possible): 16.
  const Bounds b = all_bounds(in);
  CHECK(b.capacity.on_time_parcels == 16);
  CHECK(b.capacity.note == "labour by 07:30");
  CHECK(b.lp.on_time_parcels == 16);
  CHECK(b.exact.on_time_parcels == 16);
}

TEST_CASE("an order cannot be packed before it arrives", "[unit][planning]") {
  Instance in = tiny();
  add_orders(in, "P1", 10, 120, 60);
  // On paper: the orders arrive at minute 60, leaving 60 minutes: 12 parcels. The closed form
  // ignores arrivals (it says 10, the demand); the LP does not.
  in.workers[0].shift = {0, 90};  // and the packer leaves at 90: 30 minutes, 6 parcels
  const Bounds b = all_bounds(in);
  CHECK(b.capacity.on_time_parcels == 10);
  CHECK(b.lp.on_time_parcels == 6);
  CHECK(b.exact.on_time_parcels == 6);
}

TEST_CASE("an outlet carries one product at a time, and fruit comes only while it is carried", "[unit][planning]") {
  Instance in = tiny();
  in.products.push_back({"P2", core::Grade::class_i, "C"});
  in.stations.push_back({"S2", {"gift-4"}, {}, 1});
  in.outlets[0].stations = {"S1", "S2"};
  in.workers.push_back({"W2", {{"gift-4", 12}}, {0, 120}, {}, true, -1});
  in.flow = {{"P1", {0.01, 0.01, 0.01, 0.01}}, {"P2", {0.01, 0.01, 0.01, 0.01}}};
  add_orders(in, "P1", 30, 120);
  add_orders(in, "P2", 30, 120);
  // On paper: O1 is the only product outlet, so in all it carries P1 or P2 for 120 minutes at
  // 0.6 fruit/min: 72 fruit, 18 boxes. The closed form counts each product's flow in full (36).
  const Bounds b = all_bounds(in);
  CHECK(b.capacity.on_time_parcels == 36);
  CHECK(b.lp.on_time_parcels == 18);
  CHECK(b.exact.on_time_parcels == 18);
}

TEST_CASE("stations no product outlet reaches, down time and absences give no labour", "[unit][planning]") {
  Instance in = tiny();
  add_orders(in, "P1", 60, 120);
  in.stations.push_back({"S2", {"gift-4"}, {}, 1});                        // no outlet reaches it
  in.stations.push_back({"S3", {"gift-4"}, {{0, 60}}, 2});                 // down for the first hour
  in.outlets[0].stations = {"S1", "S3"};
  in.workers.push_back({"W2", {{"gift-4", 12}}, {0, 120}, {}, true, -1});
  in.workers.push_back({"W3", {{"gift-4", 12}}, {0, 120}, {}, true, 60});   // gone at minute 60
  in.workers.push_back({"W4", {{"gift-4", 12}}, {0, 120}, {}, false, -1});  // never checked in
  // On paper: minutes 0-60 only S1 is usable (1 slot): 12 parcels; minutes 60-120 S1 and S3
  // give 3 slots but only W1 and W2 are left: 2 x 12 = 24. In all 36.
  const Bounds b = all_bounds(in);
  CHECK(b.capacity.on_time_parcels == 36);
  CHECK(b.lp.on_time_parcels == 36);
  CHECK(b.exact.on_time_parcels == 36);
}

TEST_CASE("on the committed XS day the exact optimum is proven and the bounds are ordered", "[unit][planning]") {
  auto loaded = scheduler::load_instance(COLDSORT_CONFIG_DIR "/instances/xs.json");
  INFO(loaded.errors.joined());
  REQUIRE(loaded.instance);
  const Bounds b = all_bounds(*loaded.instance);
  CHECK(b.exact.optimal);
  CHECK(b.exact.on_time_parcels > 0);
  CHECK(b.capacity.on_time_parcels <= b.capacity.parcels_demanded);
  WARN("xs.json: capacity " << b.capacity.on_time_parcels << ", lp " << b.lp.on_time_parcels << " (" << b.lp.seconds
                            << " s), exact " << b.exact.on_time_parcels << " (" << b.exact.seconds << " s, "
                            << b.exact.note << ") of " << b.capacity.parcels_demanded);
}

// The LP adds outlet detail only where a relaxed solution overasks the outlets
// (scheduler-bounds/src/outlet_refine.hpp); it must end where the fully detailed LP is.
double fully_detailed_lp(const Instance& instance) {
  const scheduler::BoundInputs in = scheduler::make_bound_inputs(instance);
  const auto model = scheduler_bounds::build_bound_model(in, false, std::vector<bool>(in.intervals.size(), true));
  const auto solved = scheduler_bounds::solve_lp(model.model);
  REQUIRE(solved.solved);
  return std::floor(solved.objective + 1e-6);
}

TEST_CASE("over reshaped XS days no valid plan beats the bounds, which stay ordered", "[unit][planning]") {
  for (int variant = 0; variant <= 6; ++variant) {
    const Instance in = test_support::xs_like_instance(variant);
    INFO(in.name);
    const Bounds b = all_bounds(in, variant == 0);
    CHECK(b.lp.on_time_parcels == fully_detailed_lp(in));
    for (const std::string& method : scheduler::planner_methods()) {
      auto planner = scheduler::make_planner(method);
      REQUIRE(planner);
      scheduler::PlanRequest request;
      request.instance = &in;
      const scheduler::Plan plan = planner->plan(request);
      if (!scheduler::check_plan(in, plan).empty()) continue;  // the planner's own tests own that
      // The LP bounds every valid plan. The exact optimum bounds plans that change staff and
      // outlets only at interval boundaries (scheduler-bounds/README.md): it is not checked.
      const int on_time = scheduler::evaluate_plan(in, plan).parcels_on_time;
      INFO(method << ": " << on_time << " on time; lp " << b.lp.on_time_parcels);
      CHECK(on_time <= b.lp.on_time_parcels);
    }
  }
}

TEST_CASE("an exact optimum cut short by its node cap says so and still bounds from above", "[unit][planning]") {
  // Three product outlets for four products make this day's MIP hard for CBC.
  const Instance in = test_support::xs_like_instance(1);
  const scheduler::Bound lp = scheduler_bounds::lp_bound(in);
  const scheduler::Bound capped = scheduler_bounds::exact_optimum(in, 20);
  INFO(capped.note);
  CHECK_FALSE(capped.optimal);
  CHECK(capped.note.find("node limit") != std::string::npos);
  CHECK(capped.on_time_parcels <= lp.on_time_parcels);
  CHECK(capped.on_time_parcels > 0);
}
