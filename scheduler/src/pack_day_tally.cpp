#include "pack_day_tally.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace coldsort::scheduler::pack_day {
namespace {

constexpr double kBinsPerMin = 10;

// Minutes a worker could work over the day: checked in, with a skill, on shift, not on a
// break, not yet gone (the absence is the day's truth).
double available_minutes(const PlanWorker& w) {
  if (!w.checked_in || w.skills.empty()) return 0;
  const double start = w.shift.start_min;
  const double end =
      w.absent_from_min >= 0 ? std::min(w.shift.end_min, w.absent_from_min) : w.shift.end_min;
  if (end <= start) return 0;
  double minutes = end - start;
  for (const Window& b : w.breaks)
    minutes -=
        std::max(0.0, std::min<double>(b.end_min, end) - std::max<double>(b.start_min, start));
  return std::max(0.0, minutes);
}

double percentile_of(std::vector<double> values, double share) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto at =
      static_cast<std::size_t>(std::ceil(share * static_cast<double>(values.size()))) - 1;
  return values[std::min(at, values.size() - 1)];
}

}  // namespace

DayTally::DayTally(const Instance& day, double cold_limit_min)
    : orders(day.orders.size()),
      workers(day.workers.size()),
      day_(day),
      wait_bins_(static_cast<std::size_t>(std::ceil(cold_limit_min * kBinsPerMin)) + 2, 0.0) {}

void DayTally::add_parcel(const PackedParcel& parcel) {
  parcels.push_back(parcel);
  fruit_packed += parcel.fruit;
  OrderTally& o = orders[parcel.order];
  ++o.packed;
  o.last_finish_min = std::max(o.last_finish_min, parcel.finish_min);
  WorkerTally& w = workers[parcel.worker];
  ++w.parcels;
  w.packing_min += parcel.finish_min - parcel.start_min;
  const auto bin =
      std::min(wait_bins_.size() - 1,
               static_cast<std::size_t>(std::lround(parcel.cold_wait_min * kBinsPerMin)));
  wait_bins_[bin] += parcel.fruit;
  wait_fruit_ += parcel.fruit;
}

void DayTally::add_plan(double plan_ms, int changes_vs_published, bool first) {
  plan_ms_.push_back(plan_ms);
  if (!first) ++replans_;
  changes_ += changes_vs_published;
}

double DayTally::wait_percentile(double share) const {
  if (wait_fruit_ <= 0) return 0;
  double seen = 0;
  for (std::size_t b = 0; b < wait_bins_.size(); ++b) {
    seen += wait_bins_[b];
    if (seen + 1e-9 >= share * wait_fruit_) return static_cast<double>(b) / kBinsPerMin;
  }
  return static_cast<double>(wait_bins_.size() - 1) / kBinsPerMin;
}

// Counted like evaluate_plan (plan_kpis.cpp) so a day and a plan read the same: an order is
// on time when its last parcel is finished by its cut-off (a courier takes whole orders);
// orders cancelled at any time are not demand.
PlanKpis DayTally::parcel_kpis() const {
  PlanKpis k;
  double first = std::numeric_limits<double>::max(), last = 0, packing_min = 0, available_min = 0;
  for (std::size_t i = 0; i < day_.orders.size(); ++i) {
    const PlanOrder& o = day_.orders[i];
    if (o.cancelled_min >= 0) continue;
    ++k.orders;
    k.parcels_demanded += o.boxes;
    const int packed = std::min(orders[i].packed, o.boxes);
    k.parcels_planned += packed;
    if (packed == o.boxes && orders[i].last_finish_min <= o.cutoff_min + 1e-6)
      k.parcels_on_time += packed;
    else
      k.parcels_late += packed;
  }
  for (const PackedParcel& p : parcels) {
    packing_min += p.finish_min - p.start_min;
    if (day_.orders[p.order].cancelled_min >= 0) continue;
    first = std::min(first, p.start_min);
    last = std::max(last, p.finish_min);
  }
  for (const PlanWorker& w : day_.workers) available_min += available_minutes(w);
  k.parcels_unplanned = k.parcels_demanded - k.parcels_planned;
  k.on_time_rate =
      k.parcels_demanded ? static_cast<double>(k.parcels_on_time) / k.parcels_demanded : 1.0;
  k.parcels_per_h = last > first ? k.parcels_planned / ((last - first) / 60.0) : 0;
  k.utilisation = available_min > 0 ? packing_min / available_min : 0;
  // Parcels per staffed hour over workers staffed an hour or more; one who packed nothing
  // counts at 1 parcel/h so the ratio stays finite but shows it (as evaluate_plan does).
  double lo = std::numeric_limits<double>::max(), hi = 0;
  for (const WorkerTally& w : workers) {
    if (w.staffed_min < 60) continue;
    const double rate = std::max(1.0, w.parcels / (w.staffed_min / 60.0));
    lo = std::min(lo, rate);
    hi = std::max(hi, rate);
  }
  k.fairness_ratio = hi == 0 ? 1.0 : hi / lo;
  k.reassignments = reassignments;
  k.changes_vs_published = changes_;
  const PlanWeights& wt = day_.weights;
  k.objective = wt.late_parcel * (k.parcels_late + k.parcels_unplanned) -
                wt.parcels_per_h * k.parcels_per_h + wt.fairness * (k.fairness_ratio - 1.0) +
                wt.change * k.changes_vs_published;
  return k;
}

DayKpis DayTally::finish(double fruit_lost) const {
  DayKpis d;
  d.parcels = parcel_kpis();
  d.cold_wait_p50_min = wait_percentile(0.50);
  d.cold_wait_p95_min = wait_percentile(0.95);
  d.fruit_expired = static_cast<int>(std::lround(fruit_lost));
  d.overflow_outlet_min = overflow_outlet_min;
  d.starvation_outlet_min = starvation_min;
  d.replans = replans_;
  d.reassignments = reassignments;
  d.plan_ms_p50 = percentile_of(plan_ms_, 0.50);
  d.plan_ms_max = plan_ms_.empty() ? 0 : *std::max_element(plan_ms_.begin(), plan_ms_.end());
  return d;
}

}  // namespace coldsort::scheduler::pack_day
