// known_at: the day as a live planner knows it at a minute (pack_day.hpp).
#include <algorithm>

#include "coldsort/scheduler/pack_day.hpp"

namespace coldsort::scheduler {
namespace {

// How many finished periods the live flow is smoothed over, and how far it may scale the
// forecast: the grader's product mix moves with each lot, so one period alone overreacts.
constexpr std::size_t kSmoothPeriods = 2;
constexpr double kMinScale = 0.25, kMaxScale = 4.0;

// The rest of the day's forecast, scaled per product by what the grader delivered against it
// over the last periods: a size mix that shifted at noon stays shifted (persistence), as a
// supervisor would assume from the grader's live counts.
void follow_live_flow(ProductFlow& known, const ProductFlow& forecast, std::size_t past) {
  if (past == 0) return;
  double seen = 0, expected = 0;
  for (std::size_t k = past - std::min(past, kSmoothPeriods); k < past && k < known.fruit_per_s.size(); ++k) {
    seen += known.fruit_per_s[k];
    expected += k < forecast.fruit_per_s.size() ? forecast.fruit_per_s[k] : 0.0;
  }
  const std::size_t periods = std::min(past, kSmoothPeriods);
  for (std::size_t k = past; k < known.fruit_per_s.size(); ++k) {
    const double planned = k < forecast.fruit_per_s.size() ? forecast.fruit_per_s[k] : 0.0;
    known.fruit_per_s[k] = expected > 0 ? planned * std::clamp(seen / expected, kMinScale, kMaxScale)
                                        : std::max(planned, seen / static_cast<double>(periods));
  }
}

// The flow a planner knows: what the grader actually delivered in periods already over, and
// the forecast for the rest scaled by the live flow (follow_live_flow).
std::vector<ProductFlow> known_flow(const Instance& truth, int now_min) {
  const std::vector<ProductFlow>& forecast = truth.planning_flow();
  const std::size_t past = static_cast<std::size_t>(std::max(0, now_min / truth.period_min));
  std::vector<ProductFlow> known = forecast;
  for (const ProductFlow& actual : truth.flow) {
    auto it = std::find_if(known.begin(), known.end(),
                           [&](const ProductFlow& f) { return f.product == actual.product; });
    if (it == known.end()) {
      // Forecast silent about a product: nothing expected, but what came is known.
      it = known.insert(
          known.end(),
          ProductFlow{actual.product, std::vector<double>(actual.fruit_per_s.size(), 0.0)});
    }
    for (std::size_t k = 0; k < std::min({past, actual.fruit_per_s.size(), it->fruit_per_s.size()});
         ++k)
      it->fruit_per_s[k] = actual.fruit_per_s[k];
    auto planned = std::find_if(forecast.begin(), forecast.end(),
                                [&](const ProductFlow& f) { return f.product == actual.product; });
    follow_live_flow(*it, planned == forecast.end() ? ProductFlow{actual.product, {}} : *planned, past);
  }
  return known;
}

// Everything but the orders, field by field: a peak day re-plans hundreds of times and its
// 20,000 orders are most of the instance (test_pack_day checks no field is forgotten).
Instance without_orders(const Instance& truth) {
  Instance known;
  known.name = truth.name;
  known.notes = truth.notes;
  known.day_start = truth.day_start;
  known.horizon_min = truth.horizon_min;
  known.period_min = truth.period_min;
  known.cold_limit_min = truth.cold_limit_min;
  known.box_types = truth.box_types;
  known.products = truth.products;
  known.outlets = truth.outlets;
  known.stations = truth.stations;
  known.workers = truth.workers;
  known.flow = truth.flow;
  known.forecast = truth.forecast;
  known.lots = truth.lots;
  known.pins = truth.pins;
  known.weights = truth.weights;
  return known;
}

}  // namespace

Instance known_at(const Instance& truth, int now_min, const std::vector<int>& packed_boxes) {
  Instance known = without_orders(truth);
  known.orders.reserve(truth.orders.size());
  for (std::size_t i = 0; i < truth.orders.size(); ++i) {
    const PlanOrder& o = truth.orders[i];
    if (o.arrival_min > now_min || (o.cancelled_min >= 0 && o.cancelled_min <= now_min)) continue;
    const int packed = i < packed_boxes.size() ? packed_boxes[i] : 0;
    if (packed >= o.boxes) continue;
    PlanOrder open = o;
    open.boxes = o.boxes - packed;
    open.cancelled_min = -1;  // a cancellation still to come is hindsight
    known.orders.push_back(std::move(open));
  }
  for (PlanWorker& w : known.workers) {
    if (w.absent_from_min >= 0 && w.absent_from_min <= now_min) w.checked_in = false;
    w.absent_from_min = -1;  // an absence still to come is hindsight
  }
  for (PlanStation& s : known.stations)
    s.down.erase(std::remove_if(s.down.begin(), s.down.end(),
                                [&](const Window& d) { return d.start_min > now_min; }),
                 s.down.end());
  known.forecast = known_flow(truth, now_min);
  known.flow = known.forecast;  // the future actual flow is hindsight too
  return known;
}

}  // namespace coldsort::scheduler
