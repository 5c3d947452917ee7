// The repair's moves for a late bucket (planner_flow_repair.hpp): an outlet carrying the
// bucket's product for a block before its cut-off, or a packer moved to where it is reached.
#include <algorithm>
#include <tuple>

#include "planner_flow_repair.hpp"

namespace coldsort::scheduler::flow {
namespace {

// Candidates tried per late bucket and kind of move: each costs a full re-dispatch.
constexpr std::size_t kOutletCandidates = 2;
constexpr std::size_t kWorkerCandidates = 3;
constexpr int kBlocksBack = 2;
constexpr int kPeriodsBack = 4;  // a worker moves for up to an hour before the cut-off

}  // namespace

bool Repair::movable(int pi) const {
  return pi >= 0 && pi < static_cast<int>(periods_.size()) &&
         m_.period_start(periods_[static_cast<std::size_t>(pi)].period) >= guard_min_;
}

int Repair::occupants(int pi, int station) const {
  int n = 0;
  for (const StaffChoice& c : periods_[static_cast<std::size_t>(pi)].staff) n += c.station == station;
  return n;
}

bool Repair::reaches_at(int pi, int station, int product) const {
  for (int o : m_.station_outlets[static_cast<std::size_t>(station)])
    if (periods_[static_cast<std::size_t>(pi)].outlet[static_cast<std::size_t>(o)] == product) return true;
  return false;
}

bool Repair::outlet_moves(const Deficit& d) {
  const Bucket& bucket = m_.buckets[static_cast<std::size_t>(d.bucket)];
  const Sku& sku = m_.skus[static_cast<std::size_t>(bucket.sku)];
  const int first = periods_.front().period;
  const int block = std::max(1, setup_.forward.block_periods);
  const int last = std::min(static_cast<int>(periods_.size()) - 1, m_.period_of(bucket.cutoff_min - 1) - first);
  for (int back = 0; back < kBlocksBack && budget_left(); ++back) {
    // The block `back` blocks before the one holding the cut-off, as period indices [a, b].
    const int b_period = (last + first) / block * block - back * block;
    const int a = std::max(0, b_period - first), b = std::min(last, b_period + block - 1 - first);
    if (a > b || !movable(a)) continue;
    std::vector<std::pair<int, int>> found;  // (score, outlet)
    for (int o : m_.product_outlets) {
      bool fixed = false;
      for (int pi = a; pi <= b; ++pi)
        fixed = fixed || setup_.forward.fixed_outlet[static_cast<std::size_t>(periods_[static_cast<std::size_t>(pi)].period)]
                                                     [static_cast<std::size_t>(o)] != kNone;
      const int now = periods_[static_cast<std::size_t>(a)].outlet[static_cast<std::size_t>(o)];
      if (fixed || now == sku.product) continue;
      int fit = 0;
      for (int s : m_.outlet_reach[static_cast<std::size_t>(o)])
        fit += m_.station_box[static_cast<std::size_t>(s)][static_cast<std::size_t>(sku.box)] ? 1 : 0;
      if (fit == 0) continue;
      int others = 0;  // other outlets carrying the product it carries now
      for (int o2 : m_.product_outlets)
        others += o2 != o && now != kNone && periods_[static_cast<std::size_t>(a)].outlet[static_cast<std::size_t>(o2)] == now;
      found.emplace_back(fit * 10 + (now == kNone ? 50 : 0) - (now != kNone && others == 0 ? 100 : 0), o);
    }
    std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    for (std::size_t i = 0; i < found.size() && i < kOutletCandidates && budget_left(); ++i) {
      Undo undo;
      for (int pi = a; pi <= b; ++pi) {
        int& cell = periods_[static_cast<std::size_t>(pi)].outlet[static_cast<std::size_t>(found[i].second)];
        undo.outlets.push_back({{pi, found[i].second}, cell});
        cell = sku.product;
      }
      if (try_move(std::move(undo))) return true;
    }
  }
  return false;
}

bool Repair::worker_moves(const Deficit& d) {
  const Bucket& bucket = m_.buckets[static_cast<std::size_t>(d.bucket)];
  const Sku& sku = m_.skus[static_cast<std::size_t>(bucket.sku)];
  const int first = periods_.front().period;
  const int b = std::min(static_cast<int>(periods_.size()) - 1, m_.period_of(bucket.cutoff_min - 1) - first);
  int a = std::max(0, b - kPeriodsBack + 1);
  while (a <= b && !movable(a)) ++a;
  if (a > b) return false;
  const auto box = static_cast<std::size_t>(sku.box);
  // Stations that pack the box type, reached by the product and with a free slot throughout.
  std::vector<int> stations;
  for (std::size_t s = 0; s < m_.station_box.size(); ++s) {
    if (!m_.station_box[s][box]) continue;
    bool ok = true;
    for (int pi = a; pi <= b && ok; ++pi)
      ok = reaches_at(pi, static_cast<int>(s), sku.product) && occupants(pi, static_cast<int>(s)) < m_.instance().stations[s].slots;
    if (ok) stations.push_back(static_cast<int>(s));
  }
  if (stations.empty()) return false;
  // Workers with the skill, free to move, least busy first, then fastest.
  std::vector<std::tuple<double, double, int>> workers;  // (busy, -rate, worker)
  for (std::size_t w = 0; w < m_.rate.size(); ++w) {
    if (m_.rate[w][box] <= 0) continue;
    double busy = 0;
    bool free = true;
    int present = 0;
    for (int pi = a; pi <= b; ++pi) {
      const int p = periods_[static_cast<std::size_t>(pi)].period;
      free = free && setup_.forward.fixed_worker[static_cast<std::size_t>(p)][w] == kNone;
      present += m_.avail_min[w][static_cast<std::size_t>(p)] > 0;
      busy += busy_[static_cast<std::size_t>(pi)][w];
    }
    if (free && present > 0) workers.emplace_back(busy, -m_.rate[w][box], static_cast<int>(w));
  }
  std::stable_sort(workers.begin(), workers.end());
  for (std::size_t i = 0; i < workers.size() && i < kWorkerCandidates && budget_left(); ++i) {
    const int w = std::get<2>(workers[i]);
    Undo undo;
    for (int pi = a; pi <= b; ++pi) {
      StaffChoice& c = periods_[static_cast<std::size_t>(pi)].staff[static_cast<std::size_t>(w)];
      if (m_.avail_min[static_cast<std::size_t>(w)][static_cast<std::size_t>(periods_[static_cast<std::size_t>(pi)].period)] == 0) continue;
      undo.staff.push_back({{pi, w}, c});
      c = {stations.front(), bucket.sku, false, true};
    }
    if (try_move(std::move(undo))) return true;
  }
  return false;
}

}  // namespace coldsort::scheduler::flow
