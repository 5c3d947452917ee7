#pragma once
// Cold rooms: what the config says about each (band, alarm levels, probes) and the
// excursion records the cold-chain monitor writes. Defaults are for pomegranates; the
// sources are in docs/cold-chain.md.
// Thread safety: plain values.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "coldsort/core/alarm.hpp"
#include "coldsort/core/clock.hpp"

namespace coldsort::core {

// Raw-fruit store before grading, or packed-parcel staging before the courier.
enum class ColdRoomRole { raw_store, parcel_staging };

// One temperature alarm level. A level is in alarm once the temperature has been beyond
// limit_c for delay_min without a break; it returns once back inside by deadband_c.
struct TempAlarmLevel {
  double limit_c = 0;
  int delay_min = 30;
  double deadband_c = 0.5;
  AlarmPriority priority = AlarmPriority::medium;
};

struct HumidityAlarmLevel {
  double limit_pct = 0;
  int delay_min = 60;
  double deadband_pct = 2;
  AlarmPriority priority = AlarmPriority::low;
};

// Which points measure the room, and when a probe counts as faulty.
struct ColdRoomProbes {
  // The probe the room controller regulates on (a point of the room's device).
  std::string control_point = "air_temp_c";
  // The independent recording probe the compliance record uses (EN 12830, GB 31605-2020);
  // empty: none, the control probe is recorded instead. record_device empty: the room's.
  std::string record_point = "record_temp_c";
  std::string record_device;
  std::string humidity_point = "humidity_pct";  // empty: no humidity monitoring
  std::string humidity_device;
  // Physical range of the probe: outside it, the reading is a fault (an open NTC reads
  // 0x7FFF = 3276.7 degC on x0.1 controllers), never a temperature.
  double range_min_c = -40;
  double range_max_c = 60;
  int stuck_after_min = 120;    // not a single change this long while the room is in use
  int stale_after_min = 5;      // stale quality (from the bridge) this long is a fault
  double disagree_c = 2.0;      // control and record probe further apart than this...
  int disagree_delay_min = 30;  // ...for this long is a fault
  double disagree_deadband_c = 0.5;
};

// Chilling injury: cumulative time below below_c beyond max_days raises an advisory
// (pomegranates: below 5 degC for longer than 4 weeks, UC Davis Postharvest Center).
struct ChillingRule {
  double below_c = 5.0;
  double max_days = 28;
};

struct ColdRoom {
  std::string id;
  std::string name;
  ColdRoomRole role = ColdRoomRole::raw_store;
  double setpoint_c = 5.0;
  double min_c = 3.0;  // compliance band: below is chilling injury risk
  double max_c = 8.0;  // above is an excursion
  std::string device;  // the cold-room controller device that reports it
  // Long storage runs warmer to limit chilling injury: after long_term_after_days in
  // store, the setpoint moves to long_term_setpoint_c. 0 days: never.
  int long_term_after_days = 0;
  double long_term_setpoint_c = 7.0;
  // Defaults (when the config leaves them out) derive from min_c/max_c; see
  // default_cold_room_alarms().
  TempAlarmLevel low_low, low, high, high_high;
  HumidityAlarmLevel humidity_low{85, 60, 2, AlarmPriority::low};
  HumidityAlarmLevel humidity_high{98, 60, 2, AlarmPriority::low};
  int door_open_max_min = 10;
  // High alarms wait during defrost and this long after it (the coil heater warms the air).
  int defrost_recovery_min = 30;
  ChillingRule chilling;
  ColdRoomProbes probes;
};

// Sets the four temperature levels from the room's band: low and high at min_c and max_c
// (medium), low_low and high_high 2 degC further out (high priority), all 30 min, 0.5 degC.
void default_cold_room_alarms(ColdRoom& room);

// What an excursion record is about. Temperature and humidity kinds are per alarm level.
enum class ExcursionKind {
  temp_high_high,
  temp_high,
  temp_low,
  temp_low_low,
  humidity_high,
  humidity_low,
  door_open,
  sensor_fault,
};
std::string_view to_string(ExcursionKind kind);
std::optional<ExcursionKind> parse_excursion_kind(std::string_view text);

// One excursion, from the first sample beyond the limit to the first sample back inside
// by the deadband (door: open to closed; sensor fault: from when the fault began to when
// the probe was usable again). Written whether or not it lasted long enough to alarm.
struct ColdExcursion {
  std::string room;
  ExcursionKind kind = ExcursionKind::temp_high;
  WallTime start{};
  WallTime end{};
  std::chrono::milliseconds duration{0};  // measured on the steady clock
  // Max for high kinds, min for low kinds (degC or %RH); door: warmest temperature while
  // open; sensor fault: the last bad value, or NaN when there was none (stale).
  double peak = 0;
  double limit = 0;      // the limit crossed (degC, %RH, or door minutes)
  bool alarmed = false;  // it lasted past its delay and raised the alarm
  bool defrost = false;  // a defrost (or its recovery) overlapped it
  std::string probe{};   // the point the values came from
  std::string detail{};  // plain words, e.g. "record probe out of range"
};

}  // namespace coldsort::core
