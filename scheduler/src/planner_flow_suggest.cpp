// "Where should this worker go" (planner.hpp): the stations where the worker would add the
// most parcels on time, from the published plan's shortfalls — fast, no re-plan.
#include <algorithm>
#include <cmath>

#include "coldsort/scheduler/planner.hpp"
#include "planner_flow_model.hpp"
#include "planner_flow_reasons.hpp"

namespace coldsort::scheduler {
namespace {

using flow::kNone;
using flow::Model;

// Per bucket: parcels that the published plan does not have on time (all of them without one).
std::vector<double> shortfalls(const Model& m, const Plan* published) {
  std::vector<double> short_by(m.buckets.size(), 0.0);
  for (std::size_t k = 0; k < m.buckets.size(); ++k) short_by[k] = m.buckets[k].parcels;
  if (published == nullptr) return short_by;
  for (const PackTask& t : published->tasks) {
    const int i = m.order_index(t.order);
    if (i == kNone) continue;
    const int k = m.order_bucket[static_cast<std::size_t>(i)];
    const PlanOrder& o = m.instance().orders[static_cast<std::size_t>(i)];
    if (k != kNone && t.finish_min <= o.cutoff_min + 1e-6) short_by[static_cast<std::size_t>(k)] -= o.boxes;
  }
  for (double& s : short_by) s = std::max(0.0, s);
  return short_by;
}

// Per station: the products reaching it now through the published plan's outlets; without a
// plan any product could be sent there (an outlet can be switched), so all of them.
std::vector<std::vector<char>> reach_now(const Model& m, const Plan* published) {
  const Instance& in = m.instance();
  std::vector<std::vector<char>> reach(in.stations.size(), std::vector<char>(in.products.size(), published == nullptr));
  if (published == nullptr) return reach;
  for (const OutletAssignment& a : published->outlets) {
    const int o = m.outlet_index(a.outlet), p = m.product_index(a.product);
    if (o == kNone || p == kNone || !a.window.contains(m.now_min)) continue;
    for (int s : m.outlet_reach[static_cast<std::size_t>(o)])
      reach[static_cast<std::size_t>(s)][static_cast<std::size_t>(p)] = 1;
  }
  return reach;
}

// Workers the published plan has at each station now, other than `w`.
std::vector<int> taken_slots(const Model& m, const Plan* published, std::string_view worker) {
  std::vector<int> taken(m.instance().stations.size(), 0);
  if (published == nullptr) return taken;
  for (const StaffAssignment& a : published->staff)
    if (a.worker != worker && a.window.contains(m.now_min))
      if (const int s = m.station_index(a.station); s != kNone) ++taken[static_cast<std::size_t>(s)];
  return taken;
}

struct Scored {
  StationSuggestion suggestion;
  double urgency = 0;  // tie-break when nothing is short: open parcels, nearer cut-offs first
  int station = 0;
};

}  // namespace

std::vector<StationSuggestion> suggest_stations(const PlanRequest& request, std::string_view worker, int how_many) {
  std::vector<StationSuggestion> out;
  if (request.instance == nullptr || how_many <= 0) return out;
  const Model m = flow::build_model(*request.instance, request.now_min);
  const int w = m.worker_index(worker);
  if (w == kNone || !m.worker_can_work(w, m.now_min)) return out;
  const Instance& in = *request.instance;
  // The worker's packing minutes from now to each minute of the day.
  std::vector<int> minutes_by(static_cast<std::size_t>(in.horizon_min) + 1, 0);
  for (int t = m.now_min; t < in.horizon_min; ++t)
    minutes_by[static_cast<std::size_t>(t) + 1] = minutes_by[static_cast<std::size_t>(t)] + (m.worker_can_work(w, t) ? 1 : 0);
  const std::vector<double> short_by = shortfalls(m, request.published);
  const auto reach = reach_now(m, request.published);
  const std::vector<int> taken = taken_slots(m, request.published, worker);
  std::vector<Scored> scored;
  for (std::size_t s = 0; s < in.stations.size(); ++s) {
    if (!m.station_up(static_cast<int>(s), m.now_min) || taken[s] >= in.stations[s].slots) continue;
    // Buckets the worker could pack there, earliest cut-off first (buckets are by SKU, then cut-off).
    std::vector<int> mine;
    for (std::size_t k = 0; k < m.buckets.size(); ++k) {
      const flow::Sku& sku = m.skus[static_cast<std::size_t>(m.buckets[k].sku)];
      if (m.buckets[k].cutoff_min > m.now_min && m.station_box[s][static_cast<std::size_t>(sku.box)] &&
          m.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(sku.box)] > 0 &&
          reach[s][static_cast<std::size_t>(sku.product)])
        mine.push_back(static_cast<int>(k));
    }
    if (mine.empty()) continue;
    std::stable_sort(mine.begin(), mine.end(), [&](int a, int b) {
      return m.buckets[static_cast<std::size_t>(a)].cutoff_min < m.buckets[static_cast<std::size_t>(b)].cutoff_min;
    });
    Scored sc;
    sc.station = static_cast<int>(s);
    double used_min = 0;  // the worker's minutes spent on earlier buckets
    int top = kNone;
    double top_gain = 0;
    for (int k : mine) {
      const flow::Bucket& b = m.buckets[static_cast<std::size_t>(k)];
      const double rate = m.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(m.skus[static_cast<std::size_t>(b.sku)].box)];
      const double free_min = minutes_by[static_cast<std::size_t>(std::min(b.cutoff_min, in.horizon_min))] - used_min;
      const double gain = std::max(0.0, std::min(short_by[static_cast<std::size_t>(k)], free_min * rate / 60.0));
      used_min += gain * 60.0 / rate;
      sc.suggestion.gain += gain;
      sc.urgency += b.parcels / (1.0 + (b.cutoff_min - m.now_min) / 60.0);
      if (gain > top_gain) top_gain = gain, top = k;
    }
    if (top == kNone) top = mine.front();
    const flow::Bucket& tb = m.buckets[static_cast<std::size_t>(top)];
    const double rate = m.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(m.skus[static_cast<std::size_t>(tb.sku)].box)];
    sc.suggestion.station = in.stations[s].id;
    sc.suggestion.reason = in.stations[s].id + ": " + flow::bucket_text(m, top) + " (" +
                           std::to_string(static_cast<int>(std::lround(short_by[static_cast<std::size_t>(top)]))) +
                           " parcels not on time yet), adds ~" +
                           std::to_string(static_cast<int>(std::lround(sc.suggestion.gain))) + " on time at " +
                           std::to_string(static_cast<int>(std::lround(rate))) + "/h";
    scored.push_back(std::move(sc));
  }
  std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    if (std::abs(a.suggestion.gain - b.suggestion.gain) > 1e-9) return a.suggestion.gain > b.suggestion.gain;
    if (std::abs(a.urgency - b.urgency) > 1e-9) return a.urgency > b.urgency;
    return a.station < b.station;
  });
  for (std::size_t i = 0; i < scored.size() && static_cast<int>(i) < how_many; ++i) out.push_back(std::move(scored[i].suggestion));
  return out;
}

}  // namespace coldsort::scheduler
