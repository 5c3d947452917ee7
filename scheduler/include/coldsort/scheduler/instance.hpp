#pragma once
// A planning instance: one pack day of a packhouse, everything the planner, the bounds and the
// pack-day simulator need. Times are minutes from the day's start (`day_start`, local time),
// so an instance is a plain, replayable file (config/instances/*.json).
// Thread safety: plain values.
#include <optional>
#include <string>
#include <vector>

#include "coldsort/core/fruit.hpp"
#include "coldsort/core/json_reader.hpp"
#include "coldsort/core/line.hpp"

namespace coldsort::scheduler {

// [start_min, end_min) from the day's start.
struct Window {
  int start_min = 0;
  int end_min = 0;
  bool contains(int minute) const { return minute >= start_min && minute < end_min; }
  int length_min() const { return end_min - start_min; }
};

struct BoxType {
  std::string id;          // "gift-4"
  int fruit_per_box = 0;   // fruit in one parcel
  double nominal_kg = 0;   // net weight sold; packed weight above it is giveaway
};

struct PlanProduct {
  std::string id;  // "I-B": grade x size code, as the grader sorts
  core::Grade grade = core::Grade::class_i;
  std::string size_code;
};

struct PlanOutlet {
  std::string id;
  core::OutletKind kind = core::OutletKind::product;
  bool bulk = false;  // kind "bulk" in files: a recirculation outlet into bulk bins back to the cold
  std::vector<std::string> stations;  // stations it can feed (its reach)
  int buffer_fruit = 0;  // fruit the outlet holds before it overflows (to recirculation)
};

struct PlanStation {
  std::string id;
  std::vector<std::string> box_types;  // box types it can pack
  std::vector<Window> down;            // down time; the simulator reveals each at its start
  int slots = 1;                       // packers who can stand at it at once
};

struct SkillRate {
  std::string box_type;
  double parcels_per_h = 0;  // this worker's measured rate on this box type
};

struct PlanWorker {
  std::string id;
  std::vector<SkillRate> skills;
  Window shift;
  std::vector<Window> breaks;
  bool checked_in = true;
  // Hindsight: the worker is gone from this minute (no-show, sent home); -1 = never. The
  // simulator reveals it at that minute; bounds may use it, live planners may not.
  int absent_from_min = -1;

  double rate_for(std::string_view box_type) const;  // parcels/h, 0 without the skill
  bool on_break(int minute) const;
  bool available(int minute) const { return checked_in && shift.contains(minute) && !on_break(minute); }
};

struct PlanOrder {
  std::string id;
  std::string product;
  std::string box_type;
  int boxes = 1;
  std::string courier;
  int cutoff_min = 0;   // the courier's pick-up: parcels packed later are late
  int arrival_min = 0;  // when the order became known
  int priority = 0;     // higher first among equal cut-offs
  int cancelled_min = -1;  // hindsight: cancelled at this minute; -1 = never
};

// A grower's lot run over the grader: where the flow comes from (the generator derives `flow`
// from lots; the simulator uses them for lot-to-lot mix noise).
struct LotShare {
  std::string product;
  double share = 0;  // of the lot's fruit, 0..1; the rest is reject/recirculation
};
struct Lot {
  std::string id;
  std::string grower;
  int start_min = 0;  // when it starts over the grader
  int fruit = 0;
  std::vector<LotShare> mix;
};

// A supervisor's manual decision the planner must keep (hard), for its window.
struct Pin {
  enum class Kind { worker_station, outlet_product };
  Kind kind = Kind::worker_station;
  std::string subject;  // worker id or outlet id
  std::string target;   // station id or product id
  Window window;
};

// What the grader delivers of one product: fruit/s in each planning period.
struct ProductFlow {
  std::string product;
  std::vector<double> fruit_per_s;  // one value per period from the day's start
};

// Soft objectives, weighted (docs/planning.md).
struct PlanWeights {
  double late_parcel = 1000;
  double parcels_per_h = 1;
  double fairness = 10;
  double change = 5;
  double overflow_min = 2;
};

struct Instance {
  std::string name;
  std::string notes;  // where the numbers come from
  std::string day_start = "07:00";
  int horizon_min = 600;
  int period_min = 15;
  int cold_limit_min = 30;  // longest a packed parcel or picked fruit may wait out of the cold
  std::vector<BoxType> box_types;
  std::vector<PlanProduct> products;
  std::vector<PlanOutlet> outlets;
  std::vector<PlanStation> stations;
  std::vector<PlanWorker> workers;
  std::vector<PlanOrder> orders;
  std::vector<ProductFlow> flow;      // what the grader actually delivers (hindsight truth)
  std::vector<ProductFlow> forecast;  // what planners are told before the day; empty = `flow`
  std::vector<Lot> lots;
  std::vector<Pin> pins;
  PlanWeights weights;

  int periods() const { return (horizon_min + period_min - 1) / period_min; }
  const BoxType* find_box_type(std::string_view id) const;
  const PlanProduct* find_product(std::string_view id) const;
  const PlanStation* find_station(std::string_view id) const;
  const PlanWorker* find_worker(std::string_view id) const;
  const PlanOutlet* find_outlet(std::string_view id) const;
  const std::vector<ProductFlow>& planning_flow() const { return forecast.empty() ? flow : forecast; }
};

struct LoadedInstance {
  std::optional<Instance> instance;  // set only when there are no errors
  core::ConfigErrors errors;         // each names its JSON path
};

LoadedInstance load_instance(const std::string& file);
LoadedInstance load_instance_text(std::string_view text, const std::string& name = "<instance>");
std::string save_instance(const Instance& instance);  // JSON that load_instance_text reads back

// Something that makes part of the instance impossible to plan, in words a supervisor
// reads: "order O-17: no worker on shift can pack gift-6". The planner still plans the rest.
struct Infeasibility {
  std::string subject;  // "order O-17", "box type gift-6"
  std::string reason;
};
std::vector<Infeasibility> find_infeasibilities(const Instance& instance, int now_min = 0);

}  // namespace coldsort::scheduler
