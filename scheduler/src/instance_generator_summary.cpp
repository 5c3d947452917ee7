// summarize_instance: what a day asks for against what it offers, as day totals. A yardstick
// for the generator's ladder and `coldsort instance check`, not a bound (bound.hpp is).
#include <algorithm>
#include <map>

#include "coldsort/scheduler/instance_generator.hpp"

namespace coldsort::scheduler {
namespace {

// Minutes a worker can pack: the shift, cut at an absence, less the breaks inside it.
int available_min(const PlanWorker& w) {
  if (!w.checked_in) return 0;
  Window on = w.shift;
  if (w.absent_from_min >= 0) on.end_min = std::min(on.end_min, w.absent_from_min);
  if (on.end_min <= on.start_min) return 0;
  int minutes = on.length_min();
  for (const Window& b : w.breaks)
    minutes -= std::max(0, std::min(b.end_min, on.end_min) - std::max(b.start_min, on.start_min));
  return minutes;
}

// A packer's parcels an hour over their skills, mixed as the demand mixes box types: the
// time per parcel averaged with the demand's weights.
double mixed_rate(const PlanWorker& w, const std::map<std::string, double>& parcels_by_box) {
  double parcels = 0, hours = 0;
  for (const SkillRate& s : w.skills) {
    auto it = parcels_by_box.find(s.box_type);
    if (it == parcels_by_box.end() || s.parcels_per_h <= 0) continue;
    parcels += it->second;
    hours += it->second / s.parcels_per_h;
  }
  return hours > 0 ? parcels / hours : 0.0;
}

void sum_fruit(const Instance& in, InstanceSummary& sum) {
  std::map<std::string, double> need, flow;
  for (const PlanOrder& o : in.orders)
    if (o.cancelled_min < 0)
      if (const BoxType* b = in.find_box_type(o.box_type)) need[o.product] += o.boxes * b->fruit_per_box;
  for (const ProductFlow& f : in.flow)
    for (double v : f.fruit_per_s) flow[f.product] += v * in.period_min * 60.0;
  for (const auto& [product, fruit] : flow) sum.fruit_flow += fruit;
  bool first = true;
  for (const auto& [product, fruit] : need) {
    sum.fruit_needed += fruit;
    const double ratio = flow[product] / fruit;
    if (first || ratio < sum.min_product_ratio) {
      sum.min_product_ratio = ratio;
      sum.tightest_product = product;
      first = false;
    }
  }
}

bool forecast_differs(const Instance& in) {
  if (in.forecast.empty()) return false;
  if (in.forecast.size() != in.flow.size()) return true;
  for (std::size_t i = 0; i < in.flow.size(); ++i)
    if (in.forecast[i].product != in.flow[i].product || in.forecast[i].fruit_per_s != in.flow[i].fruit_per_s)
      return true;
  return false;
}

}  // namespace

InstanceSummary summarize_instance(const Instance& in) {
  InstanceSummary sum;
  std::map<int, int> by_cutoff;
  std::map<std::string, double> parcels_by_box;
  for (const PlanOrder& o : in.orders) {
    ++sum.orders;
    if (o.cancelled_min >= 0) {
      ++sum.orders_cancelled;
      continue;
    }
    sum.parcels += o.boxes;
    by_cutoff[o.cutoff_min] += o.boxes;
    parcels_by_box[o.box_type] += o.boxes;
  }
  for (const auto& [minute, parcels] : by_cutoff) {
    sum.cutoff_min.push_back(minute);
    sum.parcels_by_cutoff.push_back(parcels);
  }
  for (const PlanWorker& w : in.workers) {
    if (w.skills.empty()) continue;
    ++sum.packers;
    if (w.absent_from_min >= 0) ++sum.absent;
    sum.labour_capacity_parcels += available_min(w) / 60.0 * mixed_rate(w, parcels_by_box);
  }
  for (const PlanStation& s : in.stations) sum.station_places += s.slots;
  sum_fruit(in, sum);
  sum.forecast_differs = forecast_differs(in);
  return sum;
}

}  // namespace coldsort::scheduler
