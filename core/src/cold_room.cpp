#include "coldsort/core/cold_room.hpp"

namespace coldsort::core {
namespace {

// Two degrees beyond the compliance band: far enough out that a level-two alarm means the
// refrigeration has failed, not that a door stood open (see docs/cold-chain.md).
constexpr double kOuterLevelOffsetC = 2.0;

}  // namespace

void default_cold_room_alarms(ColdRoom& room) {
  room.low = TempAlarmLevel{room.min_c, 30, 0.5, AlarmPriority::medium};
  room.high = TempAlarmLevel{room.max_c, 30, 0.5, AlarmPriority::medium};
  room.low_low = TempAlarmLevel{room.min_c - kOuterLevelOffsetC, 30, 0.5, AlarmPriority::high};
  room.high_high = TempAlarmLevel{room.max_c + kOuterLevelOffsetC, 30, 0.5, AlarmPriority::high};
}

std::string_view to_string(ExcursionKind kind) {
  switch (kind) {
    case ExcursionKind::temp_high_high: return "temp_high_high";
    case ExcursionKind::temp_high: return "temp_high";
    case ExcursionKind::temp_low: return "temp_low";
    case ExcursionKind::temp_low_low: return "temp_low_low";
    case ExcursionKind::humidity_high: return "humidity_high";
    case ExcursionKind::humidity_low: return "humidity_low";
    case ExcursionKind::door_open: return "door_open";
    case ExcursionKind::sensor_fault: return "sensor_fault";
  }
  return "sensor_fault";
}

std::optional<ExcursionKind> parse_excursion_kind(std::string_view text) {
  for (ExcursionKind k :
       {ExcursionKind::temp_high_high, ExcursionKind::temp_high, ExcursionKind::temp_low,
        ExcursionKind::temp_low_low, ExcursionKind::humidity_high, ExcursionKind::humidity_low,
        ExcursionKind::door_open, ExcursionKind::sensor_fault})
    if (to_string(k) == text) return k;
  return std::nullopt;
}

}  // namespace coldsort::core
