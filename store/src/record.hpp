#pragma once
// What the writer queue carries: one row for one of the store's tables.
#include <string>
#include <variant>

#include "coldsort/core/alarm.hpp"
#include "coldsort/core/clock.hpp"
#include "coldsort/core/cold_room.hpp"
#include "coldsort/core/fruit.hpp"
#include "coldsort/core/pack_records.hpp"
#include "coldsort/core/people.hpp"
#include "coldsort/core/plan_record.hpp"

namespace coldsort::store::detail {

struct SensorSample {
  std::string device;
  std::string point;
  double value = 0;
  core::WallTime at{};
};

// The band a room's compliance is judged against, kept beside its samples so that a HACCP
// report read years later states the limits it used.
struct ColdRoomBand {
  std::string room;
  std::string name;
  std::string device;  // the recording probe's device and point
  std::string point;
  double min_c = 0;
  double max_c = 0;
  core::WallTime at{};
};

using Record = std::variant<core::Fruit, core::Alarm, SensorSample, core::AlarmEvent,
                            core::ColdExcursion, core::PlanRecord, core::BoxRecord,
                            core::OrderUpdate, core::Lot, core::OperatorAction, ColdRoomBand>;

}  // namespace coldsort::store::detail
