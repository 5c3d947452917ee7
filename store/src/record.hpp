#pragma once
// What the writer queue carries: one row for one of the store's tables.
#include <string>
#include <variant>

#include "coldsort/core/alarm.hpp"
#include "coldsort/core/clock.hpp"
#include "coldsort/core/cold_room.hpp"
#include "coldsort/core/fruit.hpp"
#include "coldsort/core/plan_record.hpp"

namespace coldsort::store::detail {

struct SensorSample {
  std::string device;
  std::string point;
  double value = 0;
  core::WallTime at{};
};

using Record = std::variant<core::Fruit, core::Alarm, SensorSample, core::AlarmEvent,
                            core::ColdExcursion, core::PlanRecord>;

}  // namespace coldsort::store::detail
