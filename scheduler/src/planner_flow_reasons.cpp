// Reasons in words a supervisor reads (planner_flow_reasons.hpp).
#include "planner_flow_reasons.hpp"

#include <algorithm>
#include <cmath>

#include "plan_support.hpp"

namespace coldsort::scheduler::flow {
namespace {

std::string rate_text(double rate) { return std::to_string(static_cast<int>(std::lround(rate))) + "/h"; }

// The bucket that matters most for a SKU in a period: the one setting its required rate, else
// its earliest open one.
int key_bucket(const Model& m, const PeriodPlan& pp, int sku) {
  const int driving = pp.needs.empty() ? kNone : pp.needs[static_cast<std::size_t>(sku)].driving_bucket;
  if (driving != kNone) return driving;
  const int start = m.period_start(pp.period);
  for (int k : m.skus[static_cast<std::size_t>(sku)].buckets)
    if (pp.bucket_left[static_cast<std::size_t>(k)] > 0.5 && m.buckets[static_cast<std::size_t>(k)].cutoff_min > start) return k;
  for (int k : m.skus[static_cast<std::size_t>(sku)].buckets)
    if (pp.bucket_left[static_cast<std::size_t>(k)] > 0.5) return k;
  return kNone;
}

}  // namespace

std::string bucket_text(const Model& m, int bucket) {
  const Bucket& b = m.buckets[static_cast<std::size_t>(bucket)];
  const Sku& sku = m.skus[static_cast<std::size_t>(b.sku)];
  const Instance& in = m.instance();
  return in.box_types[static_cast<std::size_t>(sku.box)].id + " " + in.products[static_cast<std::size_t>(sku.product)].id +
         " due " + clock_text(in, b.cutoff_min);
}

std::string staff_reason(const Model& m, const PeriodPlan& pp, int w, int station) {
  const Instance& in = m.instance();
  const StaffChoice& c = pp.staff[static_cast<std::size_t>(w)];
  std::string text = in.workers[static_cast<std::size_t>(w)].id + " -> " + in.stations[static_cast<std::size_t>(station)].id + ": ";
  if (c.sku == kNone) return text + "standing by (no packable demand reaches it now)";
  if (c.moved) {
    const int k = key_bucket(m, pp, c.sku);
    const double r = m.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(m.skus[static_cast<std::size_t>(c.sku)].box)];
    return text + "moved there so that " + (k == kNone ? std::string("its orders") : bucket_text(m, k)) +
           " is not late, " + rate_text(r);
  }
  const int k = key_bucket(m, pp, c.sku);
  const Sku& sku = m.skus[static_cast<std::size_t>(c.sku)];
  const double rate = m.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(sku.box)];
  if (k != kNone) {
    const int cutoff = m.buckets[static_cast<std::size_t>(k)].cutoff_min;
    const int start = m.period_start(pp.period);
    double left = 0;  // parcels of the SKU due by that cut-off, still open
    for (int j : sku.buckets)
      if (m.buckets[static_cast<std::size_t>(j)].cutoff_min <= cutoff && m.buckets[static_cast<std::size_t>(j)].cutoff_min > start)
        left += pp.bucket_left[static_cast<std::size_t>(j)];
    text += bucket_text(m, k) + " (" + std::to_string(static_cast<int>(std::lround(left))) + " parcels";
    const double sku_rate = pp.sku_rate[static_cast<std::size_t>(c.sku)];
    if (cutoff <= start) text += ", late";
    else if (sku_rate > 0) text += ", slack " + std::to_string(static_cast<int>(std::floor(cutoff - start - left * 60.0 / sku_rate))) + " min";
    text += ")";
  } else {
    text += in.box_types[static_cast<std::size_t>(sku.box)].id + " " + in.products[static_cast<std::size_t>(sku.product)].id;
  }
  bool fastest = true;
  int others = 0;
  for (std::size_t v = 0; v < pp.staff.size(); ++v) {
    if (static_cast<int>(v) == w || pp.staff[v].sku != c.sku) continue;
    ++others;
    fastest = fastest && m.rate[v][static_cast<std::size_t>(sku.box)] <= rate;
  }
  if (c.kept) text += ", stays";
  return text + (fastest && others > 0 && !c.kept ? ", fastest free (" : ", ") + rate_text(rate) + (fastest && others > 0 && !c.kept ? ")" : "");
}

std::string outlet_reason(const Model& m, const PeriodPlan& pp, int outlet, int product) {
  const Instance& in = m.instance();
  std::string text = in.outlets[static_cast<std::size_t>(outlet)].id + " carries " + in.products[static_cast<std::size_t>(product)].id;
  if (!pp.product_need.empty()) {
    const double need = pp.product_need[static_cast<std::size_t>(product)];
    text += ": ~" + std::to_string(static_cast<int>(std::lround(std::max(need, 0.0)))) + " packers' work";
  }
  // Its most urgent open bucket.
  int best = kNone;
  const int start = m.period_start(pp.period);
  for (std::size_t q = 0; q < m.skus.size(); ++q) {
    if (m.skus[q].product != product) continue;
    for (int k : m.skus[q].buckets) {
      const Bucket& b = m.buckets[static_cast<std::size_t>(k)];
      if (pp.bucket_left[static_cast<std::size_t>(k)] <= 0.5 || b.cutoff_min <= start) continue;
      if (best == kNone || b.cutoff_min < m.buckets[static_cast<std::size_t>(best)].cutoff_min) best = k;
      break;
    }
  }
  if (best != kNone) text += ", " + bucket_text(m, best);
  std::string feeds;
  for (int s : m.outlet_reach[static_cast<std::size_t>(outlet)]) feeds += " " + in.stations[static_cast<std::size_t>(s)].id;
  return feeds.empty() ? text : text + "; feeds" + feeds;
}

}  // namespace coldsort::scheduler::flow
