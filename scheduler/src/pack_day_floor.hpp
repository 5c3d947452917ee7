#pragma once
// The packing floor of the simulated day: workers following the published plan, orders being
// packed parcel by parcel, fruit waiting at the outlets (FruitPool, fed with the actual flow).
// The rules it follows are in pack_day.cpp's header comment.
// Thread safety: not thread-safe; one per simulated day.
#include <cstdint>
#include <set>
#include <tuple>
#include <vector>

#include "coldsort/scheduler/pack_day.hpp"
#include "fruit_pool.hpp"
#include "pack_day_events.hpp"
#include "pack_day_index.hpp"
#include "pack_day_noise.hpp"
#include "pack_day_tally.hpp"

namespace coldsort::scheduler::pack_day {

class Floor {
 public:
  // `day`: the day's truth with the actual (noisy) flow; outlives the floor.
  Floor(const Instance& day, const DayIndex& index, const DayOptions& options, EventQueue& events,
        DayTally& tally);

  // Fruit up to the start of `minute`, counting the outlet-minutes spent full.
  void advance_pool(int minute);
  // A new plan from `now_min` on: staffing, tasks and the outlet allocation in force.
  void publish(const Plan& plan, int now_min);

  void order_arrives(std::size_t order);
  void order_cancelled(std::size_t order);
  void parcel_done(std::size_t worker, double t_min);
  void wake(std::size_t worker, std::uint64_t token, double t_min);
  // Something changed for a worker (or everyone at a station): they look again now, or as
  // soon as their current parcel is finished.
  void nudge(std::size_t worker, double t_min);
  void nudge_station(std::size_t station, double t_min);
  void end_day(double t_min);

  // Boxes started per order (packed or on a bench now): what a re-plan no longer plans.
  const std::vector<int>& started_boxes() const { return started_; }
  bool order_arrived(std::size_t order) const { return orders_[order].arrived; }
  double fruit_lost() const { return pool_.expired() + pool_.overflowed(); }
  double fruit_left() const;

 private:
  enum class State { off, unassigned, down, idle, starved, packing };
  enum class Pick { started, starving, nothing };
  struct Worker {
    State state = State::off;
    double since_min = 0;
    std::size_t station = npos;       // where they stand now
    std::size_t last_station = npos;  // where they last stood, to count moves
    std::size_t order = npos;         // the order in hand
    std::uint64_t token = 0;          // wakes scheduled before the last one are stale
    PackedParcel parcel;              // the parcel on the bench
  };
  struct Order {
    bool arrived = false;
    bool cancelled = false;
    bool in_fallback = false;
    std::size_t owner = npos;
  };
  // Earliest cut-off, then higher priority, then arrival, then position.
  using OrderKey = std::tuple<int, int, int, std::size_t>;

  void decide(std::size_t w, double t);
  Pick start_planned(std::size_t w, double t);
  Pick start_fallback(std::size_t w, double t);
  bool try_start(std::size_t w, std::size_t order, double t);
  bool can_pack(std::size_t w, std::size_t station, std::size_t order) const;
  bool reaches(std::size_t station, std::size_t product, int minute) const;
  bool is_open_for(std::size_t order, std::size_t w) const;
  void enter(std::size_t w, double t, State state);
  void move_to(std::size_t w, std::size_t station);
  void release(std::size_t w);
  void schedule_wake(std::size_t w, double t);
  void refresh_fallback(std::size_t order);
  OrderKey key_of(std::size_t order) const;
  std::size_t bucket_of(std::size_t product, std::size_t box) const {
    return product * box_count_ + box;
  }
  bool station_down(std::size_t station, double t) const;
  double down_end(std::size_t station, double t) const;
  int minute_of(double t) const;

  const Instance& day_;
  const DayIndex& index_;
  const DayOptions& options_;
  EventQueue& events_;
  DayTally& tally_;
  FruitPool pool_;
  DayNoise rate_noise_;
  FloorPlan plan_;
  std::vector<std::size_t> cursor_;           // per worker: planned tasks before it are closed
  std::vector<std::vector<int>> allocation_;  // [outlet][minute]: product in force, -1 none
  std::vector<Worker> workers_;
  std::vector<Order> orders_;
  std::vector<int> started_;
  std::vector<std::set<OrderKey>> fallback_;  // per (product, box): open orders no plan packs
  std::size_t box_count_ = 0;
  bool day_over_ = false;
};

}  // namespace coldsort::scheduler::pack_day
