// Look-ups on a planning instance.
#include <algorithm>

#include "coldsort/scheduler/bound.hpp"
#include "coldsort/scheduler/instance.hpp"

namespace coldsort::scheduler {
namespace {

template <class T>
const T* find_by_id(const std::vector<T>& items, std::string_view id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.id == id; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

double PlanWorker::rate_for(std::string_view box_type) const {
  for (const SkillRate& s : skills)
    if (s.box_type == box_type) return s.parcels_per_h;
  return 0;
}

bool PlanWorker::on_break(int minute) const {
  return std::any_of(breaks.begin(), breaks.end(), [&](const Window& b) { return b.contains(minute); });
}

Instance planning_view(const Instance& in) {
  Instance view = in;
  if (!view.forecast.empty()) view.flow = std::move(view.forecast);
  view.forecast.clear();
  for (PlanWorker& w : view.workers) w.absent_from_min = -1;
  view.orders.clear();
  for (const PlanOrder& o : in.orders)
    if (o.cancelled_min < 0) view.orders.push_back(o);
  return view;
}

const BoxType* Instance::find_box_type(std::string_view id) const { return find_by_id(box_types, id); }
const PlanProduct* Instance::find_product(std::string_view id) const { return find_by_id(products, id); }
const PlanStation* Instance::find_station(std::string_view id) const { return find_by_id(stations, id); }
const PlanWorker* Instance::find_worker(std::string_view id) const { return find_by_id(workers, id); }
const PlanOutlet* Instance::find_outlet(std::string_view id) const { return find_by_id(outlets, id); }

}  // namespace coldsort::scheduler
