#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "coldsort/scheduler/instance.hpp"
#include "coldsort/scheduler/instance_generator.hpp"

using namespace coldsort;
using namespace coldsort::scheduler;

namespace {

// Generated once per test program: peak and stress are 20,000 orders each.
const Instance& generated(const std::string& preset) {
  static std::map<std::string, Instance> cache;
  auto it = cache.find(preset);
  if (it == cache.end()) it = cache.emplace(preset, generate_instance(*generator_preset(preset))).first;
  return it->second;
}

struct Sizes {
  int products, outlets, stations, workers, packers, cutoffs, orders;
};

int packers_of(const Instance& in) {
  return static_cast<int>(std::count_if(in.workers.begin(), in.workers.end(),
                                        [](const PlanWorker& w) { return !w.skills.empty(); }));
}

template <class F>
std::set<std::string> distinct(const std::vector<PlanOrder>& orders, F key) {
  std::set<std::string> out;
  for (const PlanOrder& o : orders) out.insert(key(o));
  return out;
}

int parcels_of(const Instance& in) {
  int parcels = 0;
  for (const PlanOrder& o : in.orders) parcels += o.cancelled_min < 0 ? o.boxes : 0;
  return parcels;
}

// The sizes the planning issue gives each rung of the ladder (orders: ours for xs, s, m).
void check_sizes(const Instance& in, const Sizes& want) {
  CHECK(static_cast<int>(in.products.size()) == want.products);
  CHECK(static_cast<int>(in.outlets.size()) == want.outlets);
  CHECK(static_cast<int>(in.stations.size()) == want.stations);
  CHECK(static_cast<int>(in.workers.size()) == want.workers);
  CHECK(packers_of(in) == want.packers);
  CHECK(static_cast<int>(distinct(in.orders, [](const PlanOrder& o) { return std::to_string(o.cutoff_min); }).size()) ==
        want.cutoffs);
  CHECK(static_cast<int>(std::count_if(in.orders.begin(), in.orders.end(),
                                       [](const PlanOrder& o) { return o.id.rfind("ORD", 0) == 0; })) == want.orders);
}

void check_issue_sizes(const std::string& preset, const Instance& in) {
  INFO("preset " << preset);
  if (preset == "xs") {
    check_sizes(in, {4, 6, 8, 14, 8, 3, 240});
    CHECK(in.horizon_min <= 240);  // an exact MIP must stay small
    CHECK(parcels_of(in) >= 150);
    CHECK(parcels_of(in) <= 300);
  } else if (preset == "s") {
    check_sizes(in, {6, 12, 16, 30, 26, 4, 4700});
  } else if (preset == "m") {
    check_sizes(in, {10, 24, 32, 60, 52, 6, 9100});
  } else {
    check_sizes(in, {20, 40, 56, 150, 110, 8, 20000});
    CHECK(in.stations.front().slots == 2);
    const auto couriers = distinct(in.orders, [](const PlanOrder& o) { return o.courier; });
    CHECK(couriers.size() >= 3);
    CHECK(couriers.size() <= 5);
    const auto skus = distinct(in.orders, [](const PlanOrder& o) { return o.product + "/" + o.box_type; });
    CHECK(skus.size() == 40);
    std::set<std::string> kinds;
    for (const PlanOutlet& o : in.outlets) kinds.insert(o.bulk ? "bulk" : std::string(core::to_string(o.kind)));
    CHECK(kinds == std::set<std::string>{"bulk", "product", "recirculation", "reject"});
  }
}

}  // namespace

TEST_CASE("every preset has the sizes the planning issue gives it", "[unit]") {
  for (const std::string& preset : generator_preset_names()) check_issue_sizes(preset, generated(preset));
  CHECK_FALSE(generator_preset("huge"));
  CHECK(preset_file_name("peak") == "instances/huili-peak.json");
  CHECK(preset_file_name("huge").empty());
}

TEST_CASE("the same spec and seed give the same file byte for byte, another seed another day", "[unit]") {
  for (const char* preset : {"xs", "stress"}) {
    INFO(preset);
    const GeneratorSpec spec = *generator_preset(preset);
    const std::string first = save_instance(generated(preset));
    CHECK(save_instance(generate_instance(spec)) == first);
  }
  GeneratorSpec other = *generator_preset("xs");
  other.seed += 1;
  CHECK(save_instance(generate_instance(other)) != save_instance(generated("xs")));
}

TEST_CASE("a spec that cannot make a day is refused", "[unit]") {
  GeneratorSpec spec = *generator_preset("xs");
  spec.packers = spec.workers + 1;
  CHECK_THROWS_AS(generate_instance(spec), std::invalid_argument);
  spec = *generator_preset("xs");
  spec.outlets = 3;  // fewer product outlets than products
  CHECK_THROWS_AS(generate_instance(spec), std::invalid_argument);
  spec = *generator_preset("xs");
  spec.skus = 50;  // more SKUs than products x box formats on sale
  CHECK_THROWS_AS(generate_instance(spec), std::invalid_argument);
}

TEST_CASE("every committed instance file loads, has the issue's sizes and is what its preset makes today",
          "[integration]") {
  for (const std::string& preset : generator_preset_names()) {
    const std::string file = std::string(COLDSORT_CONFIG_DIR) + "/" + preset_file_name(preset);
    INFO(file << " (regenerate: coldsort instance generate --preset " << preset << " --out FILE)");
    const LoadedInstance loaded = load_instance(file);
    CHECK(loaded.errors.joined().empty());
    REQUIRE(loaded.instance);
    check_issue_sizes(preset, *loaded.instance);
    // Loaded and saved again it reads exactly as the generator's own output: the committed
    // file cannot drift from its generator unnoticed.
    CHECK(save_instance(*loaded.instance) == save_instance(generated(preset)));
    CHECK(find_infeasibilities(*loaded.instance).empty());
  }
}

TEST_CASE("the peak day asks for 90-95 % of its labour and about 1.2x its fruit", "[unit]") {
  const InstanceSummary sum = summarize_instance(generated("peak"));
  const double load = sum.parcels / sum.labour_capacity_parcels;
  CHECK(load >= 0.90);
  CHECK(load <= 0.95);
  CHECK(sum.fruit_flow / sum.fruit_needed >= 1.1);
  CHECK(sum.fruit_flow / sum.fruit_needed <= 1.3);
  CHECK(sum.min_product_ratio >= 1.05);  // no product short over the whole day
  CHECK(sum.absent == 0);
  CHECK_FALSE(sum.forecast_differs);
  // More parcels at the later cut-offs, the first at 10:00 and the last at 19:00.
  REQUIRE(sum.cutoff_min.size() == 8);
  CHECK(sum.cutoff_min.front() == 180);
  CHECK(sum.cutoff_min.back() == 720);
  CHECK(sum.parcels_by_cutoff.back() > 2 * sum.parcels_by_cutoff.front());
}

TEST_CASE("the per-product flow swings around the demand: short in some hours, plentiful in others",
          "[unit]") {
  const Instance& in = generated("peak");
  int short_hours = 0, plentiful_hours = 0;
  std::map<std::string, double> need;
  for (const PlanOrder& o : in.orders) need[o.product] += o.boxes * in.find_box_type(o.box_type)->fruit_per_box;
  for (const ProductFlow& f : in.flow) {
    const double hourly_need = need[f.product] / (in.horizon_min / 60.0);
    for (std::size_t h = 0; h + 4 <= f.fruit_per_s.size(); h += 4) {
      double fruit = 0;
      for (std::size_t t = h; t < h + 4; ++t) fruit += f.fruit_per_s[t] * in.period_min * 60;
      short_hours += fruit < 0.8 * hourly_need ? 1 : 0;
      plentiful_hours += fruit > 1.5 * hourly_need ? 1 : 0;
    }
  }
  CHECK(short_hours >= 10);
  CHECK(plentiful_hours >= 10);
}

TEST_CASE("generated days are well formed: reach, skills, shifts, arrivals", "[unit]") {
  for (const std::string& preset : generator_preset_names()) {
    INFO(preset);
    const Instance& in = generated(preset);
    std::set<std::string> reached;
    for (const PlanOutlet& o : in.outlets) {
      if (o.kind != core::OutletKind::product) {
        CHECK(o.stations.empty());
        continue;
      }
      CHECK(o.stations.size() >= 1);
      CHECK(o.stations.size() <= 3);
      CHECK(o.buffer_fruit >= 150);
      CHECK(o.buffer_fruit <= 400);
      reached.insert(o.stations.begin(), o.stations.end());
    }
    CHECK(reached.size() == in.stations.size());
    for (const PlanStation& s : in.stations) {
      CHECK(s.box_types.size() >= 1);
      CHECK(s.box_types.size() <= 3);
    }
    for (const PlanWorker& w : in.workers) {
      for (const Window& b : w.breaks) {
        CHECK(b.start_min >= w.shift.start_min);
        CHECK(b.end_min <= w.shift.end_min);
      }
      for (const SkillRate& s : w.skills) {
        CHECK(s.parcels_per_h >= 0.7 * 15);  // the slowest median rate (gift-8) less 25 % and some
        CHECK(s.parcels_per_h <= 1.35 * 28);
      }
    }
    for (const PlanOrder& o : in.orders)
      if (o.arrival_min > 0) CHECK(o.cutoff_min - o.arrival_min >= 60);
  }
}

TEST_CASE("the stress day is the peak day plus its knobs and nothing else", "[unit]") {
  const Instance& peak = generated("peak");
  const Instance& stress = generated("stress");
  const GeneratorSpec knobs = *generator_preset("stress");
  const int noon = knobs.size_shift_min, ten = knobs.no_show_min;
  REQUIRE(noon % peak.period_min == 0);

  SECTION("10 % of the packers on shift at 10:00 are gone from 10:00, nobody else") {
    int on_shift = 0, gone = 0;
    for (const PlanWorker& w : stress.workers) {
      if (!w.skills.empty() && w.shift.contains(ten)) ++on_shift;
      if (w.absent_from_min >= 0) {
        CHECK(w.absent_from_min == ten);
        CHECK(w.shift.contains(ten));
        ++gone;
      }
    }
    CHECK(gone == static_cast<int>(std::lround(0.10 * on_shift)));
    for (const PlanWorker& w : peak.workers) CHECK(w.absent_from_min == -1);
  }

  SECTION("+30 % rush orders arrive about 10:00, due at the second cut-off") {
    const int second = summarize_instance(peak).cutoff_min.at(1);
    const auto due = std::count_if(peak.orders.begin(), peak.orders.end(),
                                   [&](const PlanOrder& o) { return o.cutoff_min == second; });
    REQUIRE(stress.orders.size() > peak.orders.size());
    const auto rush = stress.orders.size() - peak.orders.size();
    CHECK(static_cast<long>(rush) == std::lround(0.30 * static_cast<double>(due)));
    for (std::size_t i = peak.orders.size(); i < stress.orders.size(); ++i) {
      const PlanOrder& o = stress.orders[i];
      CHECK(o.cutoff_min == second);
      CHECK(std::abs(o.arrival_min - ten) <= 10);
      CHECK(o.cutoff_min - o.arrival_min >= 60);
    }
  }

  SECTION("the forecast is the peak's flow; after noon the actual fruit is one size class smaller") {
    REQUIRE(stress.forecast.size() == peak.flow.size());
    for (std::size_t p = 0; p < peak.flow.size(); ++p) {
      const ProductFlow& forecast = stress.forecast[p];
      CHECK(forecast.product == peak.flow[p].product);
      for (std::size_t t = 0; t < forecast.fruit_per_s.size(); ++t)
        CHECK(forecast.fruit_per_s[t] == Approx(peak.flow[p].fruit_per_s[t]).margin(1e-9));
      const PlanProduct& product = *stress.find_product(forecast.product);
      std::string bigger;  // the same grade one size class up; none for A
      for (const PlanProduct& q : stress.products)
        if (q.grade == product.grade && q.size_code[0] + 1 == product.size_code[0]) bigger = q.id;
      const ProductFlow* from = nullptr;
      for (const ProductFlow& f : stress.forecast)
        if (f.product == bigger) from = &f;
      const ProductFlow& actual = stress.flow[p];
      for (std::size_t t = 0; t < actual.fruit_per_s.size(); ++t) {
        const bool after_noon = static_cast<int>(t) * stress.period_min >= noon;
        const double want = !after_noon ? forecast.fruit_per_s[t] : from ? from->fruit_per_s[t] : 0.0;
        CHECK(actual.fruit_per_s[t] == Approx(want).margin(1e-9));
      }
    }
  }

  SECTION("undo the knobs and the peak day is back, byte for byte") {
    Instance undone = stress;
    undone.name = peak.name;
    undone.notes = peak.notes;
    for (PlanWorker& w : undone.workers) w.absent_from_min = -1;
    undone.orders.resize(peak.orders.size());
    undone.flow = undone.forecast;
    undone.forecast.clear();
    // The lot running at noon is split there; its two parts add up to the peak's lot.
    REQUIRE(undone.lots.size() == peak.lots.size() + 1);
    for (std::size_t l = 0; l + 1 < undone.lots.size(); ++l)
      if (undone.lots[l + 1].start_min == noon && undone.lots[l + 1].id == undone.lots[l].id + "b") {
        undone.lots[l].fruit += undone.lots[l + 1].fruit;
        undone.lots.erase(undone.lots.begin() + static_cast<std::ptrdiff_t>(l) + 1);
        break;
      }
    // Lots from noon on carry the shifted mix (checked through the flow above): restore those.
    for (Lot& lot : undone.lots)
      for (const Lot& original : peak.lots)
        if (original.id == lot.id && lot.start_min >= noon) lot.mix = original.mix;
    CHECK(save_instance(undone) == save_instance(peak));
  }
}
