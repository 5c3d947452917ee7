// Indexing a planning instance for the live planner, and its demand buckets.
#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "planner_flow_model.hpp"

namespace coldsort::scheduler::flow {
namespace {

template <class T>
Model::Index index_ids(const std::vector<T>& items) {
  Model::Index ids;
  ids.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) ids.emplace(std::string_view(items[i].id), static_cast<int>(i));
  return ids;
}

int find_in(const Model::Index& ids, std::string_view id) {
  auto it = ids.find(id);
  return it == ids.end() ? kNone : it->second;
}

void index_floor(Model& m) {
  const Instance& in = *m.in;
  m.station_box.assign(in.stations.size(), std::vector<char>(in.box_types.size(), 0));
  for (std::size_t s = 0; s < in.stations.size(); ++s)
    for (const std::string& b : in.stations[s].box_types)
      if (int i = m.box_index(b); i != kNone) m.station_box[s][static_cast<std::size_t>(i)] = 1;
  m.outlet_reach.assign(in.outlets.size(), {});
  m.station_outlets.assign(in.stations.size(), {});
  for (std::size_t o = 0; o < in.outlets.size(); ++o) {
    for (const std::string& s : in.outlets[o].stations)
      if (int i = m.station_index(s); i != kNone) m.outlet_reach[o].push_back(i);
    if (in.outlets[o].kind != core::OutletKind::product || in.outlets[o].bulk) continue;
    m.product_outlets.push_back(static_cast<int>(o));
    for (int s : m.outlet_reach[o]) m.station_outlets[static_cast<std::size_t>(s)].push_back(static_cast<int>(o));
  }
  m.fruit_per_box.clear();
  for (const BoxType& b : in.box_types) m.fruit_per_box.push_back(std::max(1, b.fruit_per_box));
}

void index_time(Model& m) {
  const Instance& in = *m.in;
  const auto periods = static_cast<std::size_t>(m.periods);
  m.avail_min.assign(in.workers.size(), std::vector<int>(periods, 0));
  m.up_min.assign(in.stations.size(), std::vector<int>(periods, 0));
  for (int p = m.first_period; p < m.periods; ++p)
    for (int minute = m.period_start(p); minute < m.period_end(p); ++minute) {
      for (std::size_t w = 0; w < in.workers.size(); ++w)
        if (m.worker_can_work(static_cast<int>(w), minute)) ++m.avail_min[w][static_cast<std::size_t>(p)];
      for (std::size_t s = 0; s < in.stations.size(); ++s)
        if (m.station_up(static_cast<int>(s), minute)) ++m.up_min[s][static_cast<std::size_t>(p)];
    }
  m.fruit_per_min.assign(in.products.size(), std::vector<double>(periods, 0.0));
  for (const ProductFlow& f : in.planning_flow()) {
    const int p = m.product_index(f.product);
    if (p == kNone) continue;
    for (std::size_t t = 0; t < periods && t < f.fruit_per_s.size(); ++t)
      m.fruit_per_min[static_cast<std::size_t>(p)][t] = f.fruit_per_s[t] * 60.0;
  }
}

void index_people(Model& m) {
  const Instance& in = *m.in;
  m.rate.assign(in.workers.size(), std::vector<double>(in.box_types.size(), 0.0));
  std::vector<double> sum(in.box_types.size(), 0.0), count(in.box_types.size(), 0.0);
  for (std::size_t w = 0; w < in.workers.size(); ++w) {
    bool works = false;
    for (int minutes : m.avail_min[w]) works = works || minutes > 0;
    for (const SkillRate& s : in.workers[w].skills) {
      const int b = m.box_index(s.box_type);
      if (b == kNone || s.parcels_per_h <= 0) continue;
      m.rate[w][static_cast<std::size_t>(b)] = s.parcels_per_h;
      if (!works) continue;
      sum[static_cast<std::size_t>(b)] += s.parcels_per_h;
      count[static_cast<std::size_t>(b)] += 1;
    }
  }
  m.mean_rate.assign(in.box_types.size(), 0.0);
  for (std::size_t b = 0; b < sum.size(); ++b) m.mean_rate[b] = count[b] > 0 ? sum[b] / count[b] : 0.0;
}

void build_buckets(Model& m, const std::vector<std::string>& taken) {
  const Instance& in = *m.in;
  const std::set<std::string, std::less<>> fixed(taken.begin(), taken.end());
  m.order_bucket.assign(in.orders.size(), kNone);
  // (box, product, cut-off, arrival, index): buckets by SKU then cut-off, orders oldest first.
  std::vector<std::tuple<int, int, int, int, int>> open;
  for (std::size_t i = 0; i < in.orders.size(); ++i) {
    const PlanOrder& o = in.orders[i];
    if (o.cancelled_min >= 0 && o.cancelled_min <= m.now_min) continue;
    if (fixed.count(o.id) != 0) continue;
    const int b = m.box_index(o.box_type), p = m.product_index(o.product);
    if (b == kNone || p == kNone || o.boxes <= 0) continue;
    open.emplace_back(b, p, o.cutoff_min, o.arrival_min, static_cast<int>(i));
  }
  std::sort(open.begin(), open.end());
  for (const auto& [b, p, cutoff, arrival, i] : open) {
    if (m.skus.empty() || m.skus.back().box != b || m.skus.back().product != p) m.skus.push_back({b, p, {}});
    Sku& sku = m.skus.back();
    const int sku_index = static_cast<int>(m.skus.size()) - 1;
    if (sku.buckets.empty() || m.buckets[static_cast<std::size_t>(sku.buckets.back())].cutoff_min != cutoff) {
      m.buckets.push_back({sku_index, cutoff, {}, 0});
      sku.buckets.push_back(static_cast<int>(m.buckets.size()) - 1);
    }
    Bucket& bucket = m.buckets.back();
    bucket.orders.push_back(i);
    bucket.parcels += in.orders[static_cast<std::size_t>(i)].boxes;
    m.order_bucket[static_cast<std::size_t>(i)] = static_cast<int>(m.buckets.size()) - 1;
  }
}

}  // namespace

bool Model::worker_can_work(int w, int minute) const {
  const PlanWorker& worker = in->workers[static_cast<std::size_t>(w)];
  // An absence the instance states is kept (plan.hpp: never while absent); the pack-day
  // simulator only states one once it has happened (known_at).
  return worker.available(minute) && !(worker.absent_from_min >= 0 && minute >= worker.absent_from_min);
}

bool Model::station_up(int s, int minute) const {
  for (const Window& d : in->stations[static_cast<std::size_t>(s)].down)
    if (d.contains(minute)) return false;
  return true;
}

int Model::box_index(std::string_view id) const { return find_in(box_ids, id); }
int Model::product_index(std::string_view id) const { return find_in(product_ids, id); }
int Model::station_index(std::string_view id) const { return find_in(station_ids, id); }
int Model::worker_index(std::string_view id) const { return find_in(worker_ids, id); }
int Model::outlet_index(std::string_view id) const { return find_in(outlet_ids, id); }
int Model::order_index(std::string_view id) const { return find_in(order_ids, id); }

Model build_model(const Instance& instance, int now_min, const std::vector<std::string>& taken) {
  Model m;
  m.in = &instance;
  m.now_min = std::clamp(now_min, 0, instance.horizon_min);
  m.period_min = std::max(1, instance.period_min);
  m.periods = instance.periods();
  m.first_period = std::min(m.periods, m.now_min / m.period_min);
  m.box_ids = index_ids(instance.box_types);
  m.product_ids = index_ids(instance.products);
  m.station_ids = index_ids(instance.stations);
  m.worker_ids = index_ids(instance.workers);
  m.outlet_ids = index_ids(instance.outlets);
  m.order_ids = index_ids(instance.orders);
  index_floor(m);
  index_time(m);
  index_people(m);
  build_buckets(m, taken);
  return m;
}

}  // namespace coldsort::scheduler::flow
