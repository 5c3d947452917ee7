#include "pack_day_index.hpp"

#include <algorithm>

namespace coldsort::scheduler::pack_day {
namespace {

template <class T>
void number_ids(const std::vector<T>& items, DayIndex::Ids& ids) {
  ids.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) ids.emplace(items[i].id, i);
}

}  // namespace

DayIndex::DayIndex(const Instance& day) {
  number_ids(day.orders, orders_);
  number_ids(day.workers, workers_);
  number_ids(day.stations, stations_);
  number_ids(day.outlets, outlets_);
  number_ids(day.products, products_);
  number_ids(day.box_types, boxes_);
  for (const PlanOrder& o : day.orders) {
    order_product.push_back(product(o.product));
    order_box.push_back(box(o.box_type));
  }
  for (const BoxType& b : day.box_types) box_fruit.push_back(b.fruit_per_box);
  for (const PlanOutlet& o : day.outlets) outlet_buffer.push_back(o.buffer_fruit);
  for (const PlanWorker& w : day.workers) {
    std::vector<double> rates(day.box_types.size(), 0.0);
    for (std::size_t b = 0; b < day.box_types.size(); ++b)
      rates[b] = w.rate_for(day.box_types[b].id);
    worker_rate.push_back(std::move(rates));
  }
  station_boxes.resize(day.stations.size());
  station_outlets.resize(day.stations.size());
  for (std::size_t s = 0; s < day.stations.size(); ++s)
    for (const std::string& b : day.stations[s].box_types)
      if (box(b) != npos) station_boxes[s].push_back(box(b));
  for (std::size_t o = 0; o < day.outlets.size(); ++o)
    for (const std::string& s : day.outlets[o].stations)
      if (station(s) != npos) station_outlets[station(s)].push_back(o);
}

bool DayIndex::station_packs(std::size_t station, std::size_t box) const {
  const auto& boxes = station_boxes[station];
  return std::find(boxes.begin(), boxes.end(), box) != boxes.end();
}

const StaffSpan* FloorPlan::staff_at(std::size_t worker, double t_min) const {
  for (const StaffSpan& s : staff[worker])
    if (s.start_min <= t_min && t_min < s.end_min) return &s;
  return nullptr;
}

double FloorPlan::next_staff_start(std::size_t worker, double t_min) const {
  for (const StaffSpan& s : staff[worker])
    if (s.start_min > t_min) return s.start_min;
  return never;
}

FloorPlan index_plan(const Plan& plan, const DayIndex& index, std::size_t orders,
                     std::size_t workers) {
  FloorPlan out;
  out.staff.resize(workers);
  out.tasks.resize(workers);
  out.planned.assign(orders, 0);
  for (const StaffAssignment& a : plan.staff) {
    const std::size_t w = index.worker(a.worker), s = index.station(a.station);
    if (w == npos || s == npos || a.window.end_min <= a.window.start_min) continue;
    out.staff[w].push_back(
        {static_cast<double>(a.window.start_min), static_cast<double>(a.window.end_min), s});
  }
  for (const PackTask& t : plan.tasks) {
    const std::size_t w = index.worker(t.worker), s = index.station(t.station),
                      o = index.order(t.order);
    if (w == npos || s == npos || o == npos) continue;
    out.tasks[w].push_back({o, s, t.start_min});
    out.planned[o] = 1;
  }
  auto by_start = [](const auto& a, const auto& b) { return a.start_min < b.start_min; };
  for (auto& list : out.staff) std::stable_sort(list.begin(), list.end(), by_start);
  for (auto& list : out.tasks) std::stable_sort(list.begin(), list.end(), by_start);
  return out;
}

}  // namespace coldsort::scheduler::pack_day
