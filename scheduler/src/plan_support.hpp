#pragma once
// Helpers every planning method shares: index look-ups over an instance, the static outlet
// allocation (outlets shared among products in proportion to the fruit their orders need),
// supervisor pins on outlets, which stations each product reaches when, the part of the
// published plan that is frozen, and the wording of reasons ("11:00", "EDD: ...").
// Thread safety: plain functions and values; an InstanceIndex or ReachMap is immutable after
// construction and may be shared for reading.
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/scheduler/plan.hpp"
#include "coldsort/scheduler/planner.hpp"

namespace coldsort::scheduler {

inline constexpr int kNever = std::numeric_limits<int>::max();

// "11:00": a minute from the day's start as wall-clock time (instance.day_start "HH:MM").
std::string clock_text(const Instance& instance, double minute);
// The same with the day's start already read (`day_start_min` of the instance), for loops.
int day_start_min(const Instance& instance);
std::string clock_text_at(int day_start_min, double minute);

// An order still to pack at `now_min`: boxes left and not cancelled by then.
bool is_open(const PlanOrder& order, int now_min);

// The minutes a worker may be staffed from `from_min` on: checked in, within the shift, before
// an absence the instance states, within the day. Empty (start == end) when none.
Window staffable_window(const PlanWorker& worker, int from_min, int horizon_min);

// Minutes of `window` the worker is not on a break.
int minutes_off_break(const PlanWorker& worker, const Window& window);

// Minutes of `window` the station is not down.
int minutes_up(const PlanStation& station, const Window& window);

// Dense indices for the ids of an instance, and the per-index facts the methods ask often.
struct InstanceIndex {
  explicit InstanceIndex(const Instance& instance);

  int product(std::string_view id) const { return find(products_, id); }
  int box(std::string_view id) const { return find(boxes_, id); }
  int station(std::string_view id) const { return find(stations_, id); }
  int worker(std::string_view id) const { return find(workers_, id); }
  int outlet(std::string_view id) const { return find(outlets_, id); }

  std::vector<int> order_product;                 // per order; -1 when unknown
  std::vector<int> order_box;                     // per order; -1 when unknown
  std::vector<int> fruit_per_box;                 // per box type
  std::vector<std::vector<double>> rate;          // [worker][box] parcels/h, 0 without the skill
  std::vector<std::vector<char>> station_packs;   // [station][box]

 private:
  using Ids = std::map<std::string, int, std::less<>>;
  static int find(const Ids& ids, std::string_view id) {
    auto it = ids.find(id);
    return it == ids.end() ? -1 : it->second;
  }
  Ids products_, boxes_, stations_, workers_, outlets_;
};

// Which products reach which stations when, through an outlet allocation: per (station,
// product) the merged windows in which some outlet carrying the product feeds the station.
class ReachMap {
 public:
  ReachMap(const Instance& instance, const InstanceIndex& index, const std::vector<OutletAssignment>& outlets);
  bool reaches(int station, int product, int minute) const;
  bool ever(int station, int product) const { return !at(station, product).empty(); }
  // The first minute after `minute` at which a window starts; kNever when none.
  int next_start(int station, int product, int minute) const;
  // Whether some outlet carries the product at `minute` (its fruit flows to the floor).
  bool carried(int product, int minute) const;

 private:
  const std::vector<Window>& at(int station, int product) const {
    return windows_[static_cast<std::size_t>(station) * products_ + static_cast<std::size_t>(product)];
  }
  std::size_t products_;
  std::vector<std::vector<Window>> windows_;  // [station * products + product]
  std::vector<std::vector<Window>> carried_;  // [product]
};

// Seats for each product out of `seats`, in proportion to `demand` (largest remainder); every
// product with demand gets at least one when there are enough seats, otherwise the largest
// demands get one each.
std::vector<int> apportion(const std::vector<double>& demand, int seats);

// Fruit the open orders of each product need at `now_min` (instance.products order).
std::vector<double> fruit_demand(const Instance& instance, const InstanceIndex& index, int now_min);

// The baselines' static allocation for the rest of the day from `now_min`: each product gets
// its share of the product outlets by `apportion` of its fruit demand, then the products pick
// outlets in turn (most fruit per outlet held first), each the outlet whose reach adds the
// most station places able to pack its orders' box types, ties in outlet order. With a
// published plan the allocation it had stays (fixed for the day) unless a product with
// demand has no outlet; then it is re-shared keeping as many outlets as possible. Published
// assignments before `now_min` stay as history. Pins are not applied here.
std::vector<OutletAssignment> static_outlet_allocation(const Instance& instance, const InstanceIndex& index,
                                                       int now_min, const Plan* published);

// Applies the instance's outlet pins from `now_min` on: in each pin's window the outlet
// carries the pinned product (`pinned` = true); a pin that clashes with an earlier one is
// reported in `infeasible`.
void apply_outlet_pins(const Instance& instance, const InstanceIndex& index, int now_min,
                       std::vector<OutletAssignment>& outlets, std::vector<Infeasibility>& infeasible);

// Where new staffing may start: `now_min` without a published plan, else the first period
// boundary at or after now + frozen_min (staffing before it is kept from the published plan).
int staffing_from_min(const Instance& instance, const PlanRequest& request);

// The published staffing kept before `staff_from_min`, clipped to it and to what the instance
// now says about each worker (checked in, shift, absence). Empty without a published plan.
std::vector<StaffAssignment> kept_published_staff(const Instance& instance, const PlanRequest& request,
                                                  int staff_from_min);

// The published tasks starting before now + frozen_min that are still valid against the
// instance and `plan`'s staffing and allocation: the order still open with the same boxes,
// the worker still there, no break or down time across it, staffed at its station.
std::vector<PackTask> kept_frozen_tasks(const Instance& instance, const PlanRequest& request, const Plan& plan);

}  // namespace coldsort::scheduler
