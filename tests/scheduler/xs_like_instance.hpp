#pragma once
// An XS-sized pack day built in code for the bound tests (the XS: 4 products, 6
// outlets, 8 stations, 14 workers, 3 cut-offs), so they do not wait for the committed ladder
// files: 4 hours in 15-minute periods, ~290 parcels, products short at different hours.
// Every number is simple arithmetic on indices: the same instance on every machine.
#include <algorithm>
#include <string>

#include "coldsort/scheduler/instance.hpp"

namespace coldsort::test_support {

// `variant` > 0 reshapes the day (cold limit, flow, absences, fewer outlets, down time) by
// index arithmetic, for tests that sweep several days.
inline scheduler::Instance xs_like_instance(int variant = 0) {
  using scheduler::Instance;
  Instance in;
  in.name = "xs-like";
  in.notes = "hand-built for the bound tests; rates 14-22 gift boxes/h (2.7-4.3 min a box, the issue's 2.5-4 min)";
  in.horizon_min = 240;
  in.period_min = 15;
  in.cold_limit_min = 30;
  in.box_types = {{"gift-4", 4, 1.5}, {"carton-5kg", 14, 5}};
  in.products = {{"I-A", core::Grade::class_i, "A"}, {"I-B", core::Grade::class_i, "B"},
                 {"E-A", core::Grade::extra, "A"}, {"E-B", core::Grade::extra, "B"}};
  for (int s = 1; s <= 8; ++s) {
    scheduler::PlanStation station{"S" + std::to_string(s), {"gift-4"}, {}, 1};
    if (s >= 6) station.box_types.push_back("carton-5kg");
    if (s == 4) station.down = {{120, 150}};
    in.stations.push_back(station);
  }
  const char* reach[5][2] = {{"S1", "S2"}, {"S2", "S3"}, {"S4", "S5"}, {"S5", "S6"}, {"S7", "S8"}};
  for (int o = 0; o < 5; ++o)
    in.outlets.push_back({"O" + std::to_string(o + 1), core::OutletKind::product, false, {reach[o][0], reach[o][1]}, 300});
  in.outlets.push_back({"REJ", core::OutletKind::reject, false, {}, 300});
  for (int i = 1; i <= 14; ++i) {
    scheduler::PlanWorker w{"W" + std::to_string(i), {{"gift-4", 14.0 + (i * 7) % 9}}, {0, 240}, {}, true, -1};
    if (i % 3 == 0) w.skills.push_back({"carton-5kg", 24.0 + i % 4});
    if (i == 13) w.shift = {0, 120};
    if (i == 14) w.shift = {120, 240};
    if (i <= 12) w.breaks = {{60 + 15 * (i % 4), 75 + 15 * (i % 4)}};
    in.workers.push_back(w);
  }
  const int cutoffs[3] = {90, 165, 240};
  int order = 0;
  for (int j = 0; j < 3; ++j)
    for (int p = 0; p < 4; ++p) {
      auto add = [&](const std::string& box, int parcels) {
        for (int packed = 0; packed < parcels; ++order) {
          const int boxes = order % 5 == 4 ? 2 : 1;
          const int arrival = order % 3 == 2 ? std::max(0, cutoffs[j] - 75) : 0;
          in.orders.push_back({"X" + std::to_string(order), in.products[static_cast<std::size_t>(p)].id, box, boxes,
                               j == 1 ? "JD" : "SF", cutoffs[j], arrival, order % 7 == 0 ? 1 : 0, -1});
          packed += boxes;
        }
      };
      add("gift-4", (j == 0 ? 24 : 14) + 5 * ((j * 3 + p * 5) % 5));
      if (p >= 2) add("carton-5kg", 4 + 2 * ((j + p) % 3));
    }
  const int periods = in.periods();
  for (int p = 0; p < 4; ++p) {
    scheduler::ProductFlow f{in.products[static_cast<std::size_t>(p)].id, {}};
    for (int t = 0; t < periods; ++t) {
      const double early = t < periods / 2 ? 1.0 : 0.0;
      const double values[4] = {0.02 + 0.05 * early, 0.03, 0.07 - 0.05 * early, 0.02 + 0.01 * (t % 3)};
      f.fruit_per_s.push_back(values[p]);
    }
    in.flow.push_back(f);
  }
  if (variant == 0) return in;
  in.name += "-" + std::to_string(variant);
  in.cold_limit_min = 10 + 15 * (variant % 4);                 // 10, 25, 40, 55 min
  const double scale = 0.5 + 0.25 * (variant % 5);               // 0.5 .. 1.5 of the flow
  for (scheduler::ProductFlow& f : in.flow)
    for (double& v : f.fruit_per_s) v *= scale;
  if (variant % 2 == 1) in.outlets.erase(in.outlets.begin() + 1, in.outlets.begin() + 3);  // 3 product outlets left
  if (variant % 3 == 1) in.workers[static_cast<std::size_t>(variant % 12)].absent_from_min = 100;
  if (variant % 3 == 2) in.stations[static_cast<std::size_t>(variant % 8)].down.push_back({30, 75});
  if (variant % 4 == 3) in.orders[static_cast<std::size_t>(variant)].cancelled_min = 20;
  return in;
}

}  // namespace coldsort::test_support
