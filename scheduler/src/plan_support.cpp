// Helpers every planning method shares (plan_support.hpp): look-ups, reach, wording.
// The outlet allocation and the frozen part of a published plan are in
// plan_support_outlets.cpp and plan_support_frozen.cpp.
#include "plan_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace coldsort::scheduler {
namespace {

int overlap_min(const Window& a, const Window& b) {
  return std::max(0, std::min(a.end_min, b.end_min) - std::max(a.start_min, b.start_min));
}

// Sorted, with touching or overlapping windows joined.
std::vector<Window> merged(std::vector<Window> windows) {
  std::sort(windows.begin(), windows.end(),
            [](const Window& a, const Window& b) { return a.start_min < b.start_min; });
  std::vector<Window> out;
  for (const Window& w : windows) {
    if (w.end_min <= w.start_min) continue;
    if (!out.empty() && w.start_min <= out.back().end_min) out.back().end_min = std::max(out.back().end_min, w.end_min);
    else out.push_back(w);
  }
  return out;
}

}  // namespace

int day_start_min(const Instance& instance) {
  int hh = 0, mm = 0;
  if (std::sscanf(instance.day_start.c_str(), "%d:%d", &hh, &mm) != 2) return 0;
  return hh * 60 + mm;
}

std::string clock_text_at(int day_start, double minute) {
  const int total = ((day_start + static_cast<int>(std::floor(minute + 1e-6))) % 1440 + 1440) % 1440;
  const int hh = total / 60, mm = total % 60;
  return {static_cast<char>('0' + hh / 10), static_cast<char>('0' + hh % 10), ':', static_cast<char>('0' + mm / 10),
          static_cast<char>('0' + mm % 10)};
}

std::string clock_text(const Instance& instance, double minute) {
  return clock_text_at(day_start_min(instance), minute);
}

bool is_open(const PlanOrder& order, int now_min) {
  return order.boxes > 0 && !(order.cancelled_min >= 0 && order.cancelled_min <= now_min);
}

Window staffable_window(const PlanWorker& worker, int from_min, int horizon_min) {
  if (!worker.checked_in) return {from_min, from_min};
  int end = std::min(worker.shift.end_min, horizon_min);
  if (worker.absent_from_min >= 0) end = std::min(end, worker.absent_from_min);
  const int start = std::max(worker.shift.start_min, from_min);
  return start < end ? Window{start, end} : Window{from_min, from_min};
}

int minutes_off_break(const PlanWorker& worker, const Window& window) {
  int minutes = window.length_min();
  for (const Window& b : worker.breaks) minutes -= overlap_min(b, window);
  return std::max(0, minutes);
}

int minutes_up(const PlanStation& station, const Window& window) {
  int minutes = window.length_min();
  for (const Window& d : station.down) minutes -= overlap_min(d, window);
  return std::max(0, minutes);
}

InstanceIndex::InstanceIndex(const Instance& in) {
  auto fill = [](Ids& ids, const auto& items) {
    for (std::size_t i = 0; i < items.size(); ++i) ids.emplace(items[i].id, static_cast<int>(i));
  };
  fill(products_, in.products);
  fill(boxes_, in.box_types);
  fill(stations_, in.stations);
  fill(workers_, in.workers);
  fill(outlets_, in.outlets);
  order_product.reserve(in.orders.size());
  order_box.reserve(in.orders.size());
  for (const PlanOrder& o : in.orders) {
    order_product.push_back(product(o.product));
    order_box.push_back(box(o.box_type));
  }
  for (const BoxType& b : in.box_types) fruit_per_box.push_back(b.fruit_per_box);
  rate.assign(in.workers.size(), std::vector<double>(in.box_types.size(), 0.0));
  for (std::size_t w = 0; w < in.workers.size(); ++w)
    for (const SkillRate& s : in.workers[w].skills)
      if (const int b = box(s.box_type); b >= 0) rate[w][static_cast<std::size_t>(b)] = std::max(0.0, s.parcels_per_h);
  station_packs.assign(in.stations.size(), std::vector<char>(in.box_types.size(), 0));
  for (std::size_t s = 0; s < in.stations.size(); ++s)
    for (const std::string& id : in.stations[s].box_types)
      if (const int b = box(id); b >= 0) station_packs[s][static_cast<std::size_t>(b)] = 1;
}

ReachMap::ReachMap(const Instance& in, const InstanceIndex& index, const std::vector<OutletAssignment>& outlets)
    : products_(in.products.size()),
      windows_(in.stations.size() * in.products.size()),
      carried_(in.products.size()) {
  for (const OutletAssignment& a : outlets) {
    const int p = index.product(a.product);
    const int o = index.outlet(a.outlet);
    if (p < 0 || o < 0 || in.outlets[static_cast<std::size_t>(o)].kind != core::OutletKind::product) continue;
    carried_[static_cast<std::size_t>(p)].push_back(a.window);
    for (const std::string& station : in.outlets[static_cast<std::size_t>(o)].stations)
      if (const int s = index.station(station); s >= 0)
        windows_[static_cast<std::size_t>(s) * products_ + static_cast<std::size_t>(p)].push_back(a.window);
  }
  for (auto& list : windows_) list = merged(std::move(list));
  for (auto& list : carried_) list = merged(std::move(list));
}

bool ReachMap::reaches(int station, int product, int minute) const {
  const auto& list = at(station, product);
  auto it = std::upper_bound(list.begin(), list.end(), minute,
                             [](int m, const Window& w) { return m < w.start_min; });
  return it != list.begin() && std::prev(it)->contains(minute);
}

int ReachMap::next_start(int station, int product, int minute) const {
  const auto& list = at(station, product);
  auto it = std::upper_bound(list.begin(), list.end(), minute,
                             [](int m, const Window& w) { return m < w.start_min; });
  return it == list.end() ? kNever : it->start_min;
}

bool ReachMap::carried(int product, int minute) const {
  const auto& list = carried_[static_cast<std::size_t>(product)];
  return std::any_of(list.begin(), list.end(), [&](const Window& w) { return w.contains(minute); });
}

std::vector<int> apportion(const std::vector<double>& demand, int seats) {
  const std::size_t n = demand.size();
  std::vector<int> out(n, 0);
  std::vector<std::size_t> wanting;
  double total = 0;
  for (std::size_t p = 0; p < n; ++p)
    if (demand[p] > 0) {
      wanting.push_back(p);
      total += demand[p];
    }
  if (wanting.empty() || seats <= 0) return out;
  // Largest demand first, ties in product order: who gets a seat when seats are short.
  std::stable_sort(wanting.begin(), wanting.end(), [&](std::size_t a, std::size_t b) { return demand[a] > demand[b]; });
  if (seats < static_cast<int>(wanting.size())) {
    for (int i = 0; i < seats; ++i) out[wanting[static_cast<std::size_t>(i)]] = 1;
    return out;
  }
  // Hamilton's method (largest remainder) with a floor of one seat per product with demand.
  std::vector<double> quota(n, 0.0);
  int given = 0;
  for (std::size_t p : wanting) {
    quota[p] = seats * demand[p] / total;
    out[p] = std::max(1, static_cast<int>(std::floor(quota[p])));
    given += out[p];
  }
  while (given != seats) {
    std::size_t best = n;
    double best_key = 0;
    for (std::size_t p : wanting) {
      // Adding: the largest remainder; removing: the product furthest above its quota.
      const double key = given < seats ? quota[p] - out[p] : out[p] - quota[p];
      if ((given > seats && out[p] <= 1) || (best != n && key <= best_key)) continue;
      best = p;
      best_key = key;
    }
    if (best == n) break;
    out[best] += given < seats ? 1 : -1;
    given += given < seats ? 1 : -1;
  }
  return out;
}

std::vector<double> fruit_demand(const Instance& in, const InstanceIndex& index, int now_min) {
  std::vector<double> fruit(in.products.size(), 0.0);
  for (std::size_t i = 0; i < in.orders.size(); ++i) {
    const int p = index.order_product[i], b = index.order_box[i];
    if (p < 0 || b < 0 || !is_open(in.orders[i], now_min)) continue;
    fruit[static_cast<std::size_t>(p)] +=
        static_cast<double>(in.orders[i].boxes) * index.fruit_per_box[static_cast<std::size_t>(b)];
  }
  return fruit;
}

int staffing_from_min(const Instance& instance, const PlanRequest& request) {
  if (request.published == nullptr) return request.now_min;
  const int frozen_end = request.now_min + std::max(0, request.frozen_min);
  const int period = std::max(1, instance.period_min);
  return std::min(instance.horizon_min, (frozen_end + period - 1) / period * period);
}

}  // namespace coldsort::scheduler
