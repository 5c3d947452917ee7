// What makes part of an instance impossible, found before planning so that a supervisor
// reads why an order cannot make its courier, while the planner still plans the rest.
#include <algorithm>
#include <map>
#include <set>

#include "coldsort/scheduler/instance.hpp"

namespace coldsort::scheduler {
namespace {

// Box types someone checked in and still on shift at `now_min` can pack, with the earliest
// minute anyone can start on each.
std::map<std::string, int> packable_from(const Instance& in, int now_min) {
  std::map<std::string, int> from;
  for (const PlanWorker& w : in.workers) {
    if (!w.checked_in || w.shift.end_min <= now_min) continue;
    const int start = std::max(w.shift.start_min, now_min);
    for (const SkillRate& s : w.skills) {
      if (s.parcels_per_h <= 0) continue;
      auto [it, added] = from.emplace(s.box_type, start);
      if (!added) it->second = std::min(it->second, start);
    }
  }
  return from;
}

std::set<std::string> stationed_box_types(const Instance& in) {
  std::set<std::string> types;
  for (const PlanStation& s : in.stations) types.insert(s.box_types.begin(), s.box_types.end());
  return types;
}

}  // namespace

std::vector<Infeasibility> find_infeasibilities(const Instance& in, int now_min) {
  std::vector<Infeasibility> found;
  const auto from = packable_from(in, now_min);
  const auto stationed = stationed_box_types(in);
  for (const PlanOrder& o : in.orders) {
    const std::string subject = "order " + o.id;
    if (o.cutoff_min <= now_min) {
      found.push_back({subject, "its cut-off (minute " + std::to_string(o.cutoff_min) +
                                    ") has passed"});
      continue;
    }
    if (stationed.count(o.box_type) == 0) {
      found.push_back({subject, "no station can pack " + o.box_type});
      continue;
    }
    auto it = from.find(o.box_type);
    if (it == from.end())
      found.push_back({subject, "no worker on shift can pack " + o.box_type});
    else if (it->second >= o.cutoff_min)
      found.push_back({subject, "nobody who can pack " + o.box_type + " starts before its cut-off (minute " +
                                    std::to_string(o.cutoff_min) + ")"});
  }
  return found;
}

}  // namespace coldsort::scheduler
