#include "pack_day_floor.hpp"

#include <algorithm>
#include <cmath>

namespace coldsort::scheduler::pack_day {
namespace {

// A worker whose next planned task has no fruit tries this many planned tasks in all before
// waiting: a packer looks at the next few order slips, not the whole day's list.
constexpr int kPlannedTries = 3;
// Seed offset of the packing-time stream, so it never shares draws with the flow noise.
constexpr std::uint64_t kRateStream = 0x9E3779B97F4A7C15ull;

bool present(const PlanWorker& w, double t) {
  if (!w.checked_in || t < w.shift.start_min || t >= w.shift.end_min) return false;
  if (w.absent_from_min >= 0 && t >= w.absent_from_min) return false;
  return std::none_of(w.breaks.begin(), w.breaks.end(),
                      [&](const Window& b) { return t >= b.start_min && t < b.end_min; });
}

// The first time from `t` on at which the worker is present; `never` if not again today.
double next_presence(const PlanWorker& w, double t) {
  if (!w.checked_in) return never;
  double at = std::max(t, static_cast<double>(w.shift.start_min));
  for (std::size_t round = 0; round <= w.breaks.size(); ++round) {
    bool moved = false;
    for (const Window& b : w.breaks)
      if (at >= b.start_min && at < b.end_min) at = b.end_min, moved = true;
    if (!moved) break;
  }
  if (at >= w.shift.end_min || (w.absent_from_min >= 0 && at >= w.absent_from_min)) return never;
  return at;
}

}  // namespace

Floor::Floor(const Instance& day, const DayIndex& index, const DayOptions& options,
             EventQueue& events, DayTally& tally)
    : day_(day),
      index_(index),
      options_(options),
      events_(events),
      tally_(tally),
      pool_(day, day.flow, {}, 0),
      rate_noise_(options.seed ^ kRateStream),
      cursor_(day.workers.size(), 0),
      allocation_(day.outlets.size(),
                  std::vector<int>(static_cast<std::size_t>(day.horizon_min), -1)),
      workers_(day.workers.size()),
      orders_(day.orders.size()),
      started_(day.orders.size(), 0),
      fallback_(day.products.size() * day.box_types.size()),
      box_count_(day.box_types.size()) {
  plan_.staff.resize(day.workers.size());
  plan_.tasks.resize(day.workers.size());
  plan_.planned.assign(day.orders.size(), 0);
  for (std::size_t i = 0; i < day.orders.size(); ++i)
    if (day.orders[i].arrival_min <= 0) order_arrives(i);
}

int Floor::minute_of(double t) const {
  // The fruit pool's convention (FruitPool::take_at): a start at t sees minute floor(t).
  return std::clamp(static_cast<int>(std::floor(t + 1e-6)), 0, day_.horizon_min - 1);
}

void Floor::advance_pool(int minute) {
  minute = std::min(minute, day_.horizon_min);
  std::vector<double> room(day_.products.size());
  std::vector<int> carriers(day_.products.size());
  while (pool_.now() < minute) {
    const int m = pool_.now();
    pool_.advance_to(m + 1);
    std::fill(room.begin(), room.end(), 0.0);
    std::fill(carriers.begin(), carriers.end(), 0);
    for (std::size_t o = 0; o < allocation_.size(); ++o) {
      const int p = allocation_[o][static_cast<std::size_t>(m)];
      if (p < 0) continue;
      room[static_cast<std::size_t>(p)] += index_.outlet_buffer[o];
      ++carriers[static_cast<std::size_t>(p)];
    }
    for (std::size_t p = 0; p < room.size(); ++p)
      if (carriers[p] > 0 && room[p] > 0 && pool_.available(p) >= room[p] - 1e-6)
        tally_.overflow_outlet_min += carriers[p];
  }
}

void Floor::publish(const Plan& plan, int now_min) {
  FloorPlan next = index_plan(plan, index_, day_.orders.size(), day_.workers.size());
  for (std::size_t i = 0; i < orders_.size(); ++i) {
    if (next.planned[i] == plan_.planned[i]) continue;
    plan_.planned[i] = next.planned[i];
    refresh_fallback(i);
  }
  plan_ = std::move(next);
  std::fill(cursor_.begin(), cursor_.end(), 0);
  // The allocation changes from the pool's minute on (earlier minutes already happened).
  const int from = std::max(now_min, pool_.now());
  for (auto& minutes : allocation_)
    std::fill(minutes.begin() + std::min(from, day_.horizon_min), minutes.end(), -1);
  for (const OutletAssignment& a : plan.outlets) {
    const std::size_t o = index_.outlet(a.outlet), p = index_.product(a.product);
    if (o == npos || p == npos) continue;
    for (int m = std::max(from, a.window.start_min);
         m < std::min(day_.horizon_min, a.window.end_min); ++m)
      allocation_[o][static_cast<std::size_t>(m)] = static_cast<int>(p);
  }
  pool_.reallocate(plan.outlets);
  for (std::size_t w = 0; w < workers_.size(); ++w) nudge(w, now_min);
}

void Floor::order_arrives(std::size_t order) {
  orders_[order].arrived = true;
  refresh_fallback(order);
}

void Floor::order_cancelled(std::size_t order) {
  orders_[order].cancelled = true;
  refresh_fallback(order);
}

void Floor::nudge(std::size_t w, double t) {
  if (workers_[w].state != State::packing) schedule_wake(w, t);
}

void Floor::nudge_station(std::size_t station, double t) {
  for (std::size_t w = 0; w < workers_.size(); ++w)
    if (workers_[w].station == station) nudge(w, t);
}

void Floor::schedule_wake(std::size_t w, double t) {
  events_.push(t, EventKind::wake, w, 0, ++workers_[w].token);
}

void Floor::wake(std::size_t w, std::uint64_t token, double t) {
  if (token != workers_[w].token || workers_[w].state == State::packing) return;
  decide(w, t);
}

void Floor::parcel_done(std::size_t w, double t) {
  Worker& fw = workers_[w];
  fw.parcel.finish_min = t;
  tally_.add_parcel(fw.parcel);
  if (started_[fw.parcel.order] >= day_.orders[fw.parcel.order].boxes) release(w);
  decide(w, t);
}

void Floor::end_day(double t) {
  day_over_ = true;
  for (std::size_t w = 0; w < workers_.size(); ++w)
    if (workers_[w].state != State::packing) {
      release(w);
      enter(w, t, State::off);
    }
}

double Floor::fruit_left() const {
  double left = 0;
  for (std::size_t p = 0; p < day_.products.size(); ++p) left += pool_.available(p);
  return left;
}

void Floor::enter(std::size_t w, double t, State state) {
  Worker& fw = workers_[w];
  const double elapsed = std::max(0.0, t - fw.since_min);
  if (fw.state != State::off && fw.state != State::unassigned)
    tally_.workers[w].staffed_min += elapsed;
  if (fw.state == State::starved) tally_.starvation_min += elapsed;
  fw.state = state;
  fw.since_min = t;
}

void Floor::move_to(std::size_t w, std::size_t station) {
  Worker& fw = workers_[w];
  if (fw.station == station) return;
  release(w);
  if (fw.last_station != npos && fw.last_station != station) ++tally_.reassignments;
  fw.station = station;
  fw.last_station = station;
}

void Floor::release(std::size_t w) {
  Worker& fw = workers_[w];
  if (fw.order == npos) return;
  const std::size_t order = fw.order;
  fw.order = npos;
  orders_[order].owner = npos;
  refresh_fallback(order);
}

// Where the floor sends a worker who is free at `t`: off the floor when not present, to the
// station the plan says, then the order in hand, the plan's next tasks, or the open order
// with the earliest cut-off; a worker with nothing to start waits and looks again next minute.
void Floor::decide(std::size_t w, double t) {
  Worker& fw = workers_[w];
  const PlanWorker& pw = day_.workers[w];
  if (day_over_ || !present(pw, t)) {
    release(w);
    enter(w, t, State::off);
    fw.station = npos;
    const double back = day_over_ ? never : next_presence(pw, t);
    if (back < day_.horizon_min) schedule_wake(w, back);
    return;
  }
  const StaffSpan* at = plan_.staff_at(w, t);
  if (at == nullptr) {
    release(w);
    enter(w, t, State::unassigned);
    fw.station = npos;
    const double next = plan_.next_staff_start(w, t);
    if (next < day_.horizon_min) schedule_wake(w, next);
    return;
  }
  move_to(w, at->station);
  if (station_down(fw.station, t)) {
    release(w);
    enter(w, t, State::down);
    schedule_wake(w, down_end(fw.station, t));
    return;
  }
  advance_pool(minute_of(t) + 1);
  if (fw.order != npos && !is_open_for(fw.order, w)) release(w);
  Pick pick = Pick::nothing;
  if (fw.order != npos)
    pick = try_start(w, fw.order, t) ? Pick::started : Pick::starving;
  else
    pick = start_planned(w, t);
  if (pick == Pick::nothing) pick = start_fallback(w, t);
  if (pick == Pick::started) return;
  enter(w, t, pick == Pick::starving ? State::starved : State::idle);
  schedule_wake(w, std::floor(t + 1e-9) + 1.0);
}

Floor::Pick Floor::start_planned(std::size_t w, double t) {
  const std::vector<TaskRef>& tasks = plan_.tasks[w];
  std::size_t& cursor = cursor_[w];
  while (cursor < tasks.size() &&
         (orders_[tasks[cursor].order].cancelled ||
          started_[tasks[cursor].order] >= day_.orders[tasks[cursor].order].boxes))
    ++cursor;
  int tried = 0;
  for (std::size_t k = cursor; k < tasks.size() && tried < kPlannedTries; ++k) {
    const TaskRef& task = tasks[k];
    if (task.station != workers_[w].station || !is_open_for(task.order, w) ||
        !can_pack(w, task.station, task.order))
      continue;
    ++tried;
    if (try_start(w, task.order, t)) return Pick::started;
  }
  return tried > 0 ? Pick::starving : Pick::nothing;
}

Floor::Pick Floor::start_fallback(std::size_t w, double t) {
  const std::size_t station = workers_[w].station;
  const auto minute = static_cast<std::size_t>(minute_of(t));
  bool starving = false;
  const OrderKey* best = nullptr;
  for (std::size_t outlet : index_.station_outlets[station]) {
    const int product = allocation_[outlet][minute];
    if (product < 0) continue;
    const auto p = static_cast<std::size_t>(product);
    for (std::size_t box : index_.station_boxes[station]) {
      if (index_.worker_rate[w][box] <= 0) continue;
      const std::set<OrderKey>& open = fallback_[bucket_of(p, box)];
      if (open.empty()) continue;
      if (pool_.available(p) + 1e-6 < index_.box_fruit[box]) {
        starving = true;
        continue;
      }
      if (best == nullptr || *open.begin() < *best) best = &*open.begin();
    }
  }
  if (best != nullptr && try_start(w, std::get<3>(*best), t)) return Pick::started;
  return starving ? Pick::starving : Pick::nothing;
}

bool Floor::can_pack(std::size_t w, std::size_t station, std::size_t order) const {
  const std::size_t box = index_.order_box[order];
  return box != npos && index_.order_product[order] != npos && index_.worker_rate[w][box] > 0 &&
         index_.station_packs(station, box);
}

bool Floor::reaches(std::size_t station, std::size_t product, int minute) const {
  for (std::size_t outlet : index_.station_outlets[station])
    if (allocation_[outlet][static_cast<std::size_t>(minute)] == static_cast<int>(product))
      return true;
  return false;
}

bool Floor::is_open_for(std::size_t order, std::size_t w) const {
  const Order& o = orders_[order];
  return o.arrived && !o.cancelled && started_[order] < day_.orders[order].boxes &&
         (o.owner == npos || o.owner == w);
}

// Starts one parcel of `order` if its fruit is at an outlet reaching the worker's station.
bool Floor::try_start(std::size_t w, std::size_t order, double t) {
  Worker& fw = workers_[w];
  if (!can_pack(w, fw.station, order)) return false;
  const std::size_t product = index_.order_product[order], box = index_.order_box[order];
  if (!reaches(fw.station, product, minute_of(t))) return false;
  const int fruit = index_.box_fruit[box];
  double wait_fruit_min = 0;
  if (!pool_.take(product, fruit, &wait_fruit_min)) return false;
  fw.order = order;
  orders_[order].owner = w;
  ++started_[order];
  refresh_fallback(order);
  const double minutes =
      60.0 / index_.worker_rate[w][box] * rate_noise_.factor(options_.rate_noise);
  fw.parcel = PackedParcel{
      order, w, fw.station, t, t + minutes, fruit, fruit > 0 ? wait_fruit_min / fruit : 0};
  enter(w, t, State::packing);
  ++fw.token;  // pending wakes are stale: the parcel's end wakes the worker
  events_.push(t + minutes, EventKind::parcel_done, w);
  return true;
}

Floor::OrderKey Floor::key_of(std::size_t order) const {
  const PlanOrder& o = day_.orders[order];
  return {o.cutoff_min, -o.priority, o.arrival_min, order};
}

void Floor::refresh_fallback(std::size_t order) {
  Order& o = orders_[order];
  const std::size_t product = index_.order_product[order], box = index_.order_box[order];
  if (product == npos || box == npos) return;
  const bool open = o.arrived && !o.cancelled && !plan_.planned[order] && o.owner == npos &&
                    started_[order] < day_.orders[order].boxes;
  if (open == o.in_fallback) return;
  std::set<OrderKey>& bucket = fallback_[bucket_of(product, box)];
  if (open)
    bucket.insert(key_of(order));
  else
    bucket.erase(key_of(order));
  o.in_fallback = open;
}

bool Floor::station_down(std::size_t station, double t) const {
  const auto& down = day_.stations[station].down;
  return std::any_of(down.begin(), down.end(),
                     [&](const Window& d) { return t >= d.start_min && t < d.end_min; });
}

double Floor::down_end(std::size_t station, double t) const {
  double end = t;
  for (bool moved = true; moved;) {
    moved = false;
    for (const Window& d : day_.stations[station].down)
      if (end >= d.start_min && end < d.end_min) end = d.end_min, moved = true;
  }
  return end;
}

}  // namespace coldsort::scheduler::pack_day
