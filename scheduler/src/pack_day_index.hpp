#pragma once
// Index look-ups for the pack-day simulator: ids resolved once to positions in the instance's
// vectors, and a published plan indexed per worker, so the event loop never compares strings.
// Thread safety: plain values; built once per day (DayIndex) or per plan (FloorPlan).
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "coldsort/scheduler/plan.hpp"

namespace coldsort::scheduler::pack_day {

inline constexpr std::size_t npos = static_cast<std::size_t>(-1);
inline constexpr double never = std::numeric_limits<double>::infinity();

class DayIndex {
 public:
  explicit DayIndex(const Instance& day);

  std::size_t order(std::string_view id) const { return find(orders_, id); }
  std::size_t worker(std::string_view id) const { return find(workers_, id); }
  std::size_t station(std::string_view id) const { return find(stations_, id); }
  std::size_t outlet(std::string_view id) const { return find(outlets_, id); }
  std::size_t product(std::string_view id) const { return find(products_, id); }
  std::size_t box(std::string_view id) const { return find(boxes_, id); }

  std::vector<std::size_t> order_product;                 // per order; npos when unknown
  std::vector<std::size_t> order_box;                     // per order; npos when unknown
  std::vector<int> box_fruit;                             // per box type: fruit in one parcel
  std::vector<int> outlet_buffer;                         // per outlet: fruit it holds
  std::vector<std::vector<double>> worker_rate;           // [worker][box]: parcels/h, 0 = no skill
  std::vector<std::vector<std::size_t>> station_boxes;    // [station]: box types it packs
  std::vector<std::vector<std::size_t>> station_outlets;  // [station]: outlets that reach it

  bool station_packs(std::size_t station, std::size_t box) const;

  // Hashed, for look-ups only (never iterated, so the order cannot reach a result): a
  // re-plan resolves every task's ids, 20,000 of them on a peak day. The keys are owned
  // copies: short ids sit in the node, one cache miss instead of two or three.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  using Ids = std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>>;

 private:
  static std::size_t find(const Ids& ids, std::string_view id) {
    auto it = ids.find(id);
    return it == ids.end() ? npos : it->second;
  }
  Ids orders_, workers_, stations_, outlets_, products_, boxes_;
};

struct StaffSpan {
  double start_min = 0;
  double end_min = 0;
  std::size_t station = npos;
};

struct TaskRef {
  std::size_t order = npos;
  std::size_t station = npos;
  double start_min = 0;
};

// A published plan as the floor reads it.
struct FloorPlan {
  std::vector<std::vector<StaffSpan>> staff;  // per worker, by start
  std::vector<std::vector<TaskRef>> tasks;    // per worker, by planned start
  std::vector<char> planned;                  // per order: some task of the plan packs it

  const StaffSpan* staff_at(std::size_t worker, double t_min) const;
  double next_staff_start(std::size_t worker, double t_min) const;  // `never` when none
};

// Tasks and staffing naming unknown orders, workers or stations are dropped.
FloorPlan index_plan(const Plan& plan, const DayIndex& index, std::size_t orders,
                     std::size_t workers);

}  // namespace coldsort::scheduler::pack_day
