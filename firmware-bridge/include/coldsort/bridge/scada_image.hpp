#pragma once
// What plant SCADA sees: `ScadaImage`, a plain snapshot the controller fills, and its fixed
// Modbus register map (namespace `scada_map`), served read-only by `ScadaServer`.
// docs/scada.md is the reference for SCADA integrators; keep it in step with this file and
// bump `scada_map::version` whenever an address or a meaning changes.
//
// Encoding rules (docs/scada.md §Encoding):
// - Addresses are 0-based protocol (PDU) addresses; mbpoll and most SCADA packages number
//   references from 1 (input register 0 = reference 30001 / mbpoll "-r 1").
// - 32-bit counters take two registers, high word first (at the lower address), and wrap
//   modulo 2^32.
// - Temperatures and humidity are s16 x0.1 (degC, %RH). `scada_map::no_value` (0x8000,
//   -32768 as s16) means "no valid value": the quality is not good, the value is missing,
//   or it does not fit in s16.
// - Holding registers (FC03) mirror the input registers (FC04) word for word, for SCADA
//   packages that only read holding registers.
// Thread safety: plain values and pure functions.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "coldsort/bridge/device_values.hpp"
#include "coldsort/core/alarm.hpp"

namespace coldsort::bridge {

// The line's state as SCADA sees it (input register `run_state`).
enum class ScadaRunState : std::uint16_t {
  stopped = 0,
  starting = 1,  // run requested, belt not yet at speed
  running = 2,
  stopping = 3,
  faulted = 4,  // stopped by a fault (PLC watchdog, heartbeat lost, drive trip, ...)
};

// Fruit outcome counters (input registers `grade_counters`), in this order.
enum class ScadaGrade : int {
  extra = 0,
  class_i = 1,
  class_ii = 2,
  out_of_grade = 3,
  doubtful = 4,  // doubtful or otherwise recirculated (not graded)
  empty_cup = 5,
};
inline constexpr int kScadaGradeCount = 6;

// Alarm classes, as bits of `alarm_classes` (bit = 1u << class) and of the discrete inputs
// from `scada_map::di_alarm_class_first`. Set while at least one alarm of the class is active.
enum class ScadaAlarmClass : int {
  line = 0,           // sorter stopped by a fault, PLC watchdog, PC/PLC heartbeat lost
  communication = 1,  // a device link is down or a device is offline
  temperature = 2,    // a cold room outside its band (any of the 4 levels)
  door = 3,           // a cold-room door open too long
  sensor = 4,         // sensor fault: out of physical range, stuck, stale
  vision = 5,         // camera drop, lamps dead, frames lost
  outlet = 6,         // an outlet's device lost, fruit diverted to reject
  storage = 7,        // the throughput log cannot write (disk full, I/O error)
  drive = 8,          // a VFD tripped or does not follow its setpoint
  other = 15,
};
inline constexpr std::uint32_t bit(ScadaAlarmClass c) { return 1u << static_cast<int>(c); }

struct ScadaColdRoom {
  // Empty optionals are served as `scada_map::no_value`; so is every temperature and the
  // humidity when `quality` is not good.
  std::optional<double> control_temp_c;  // the probe the room's controller regulates on
  std::optional<double> record_temp_c;   // the product/record probe, if the room has one
  std::optional<double> humidity_pct;
  std::optional<double> setpoint_c;
  bool door_open = false;
  bool defrost = false;
  Quality quality = Quality::stale;  // worst quality of the room's readings
  int alarm_level = 0;               // 0 = none, 1..4 = the cold-chain monitor's levels
};

struct ScadaAlarmSummary {
  int active = 0;
  int unacknowledged = 0;
  std::optional<core::AlarmPriority> highest_active;  // nullopt when none is active
  std::uint32_t classes = 0;  // OR of bit(ScadaAlarmClass) over the active alarms
};

struct ScadaImage {
  ScadaRunState run_state = ScadaRunState::stopped;
  double belt_speed_cups_per_s = 0;
  double fruit_per_s = 0;
  std::uint64_t fruit_total = 0;  // the first five grade counters summed (not empty cups)
  std::vector<std::uint64_t> fruit_per_lane;    // index = lane (0-based); first 16 served
  std::vector<std::uint64_t> fruit_per_outlet;  // index = outlet number - 1; first 64 served
  std::array<std::uint64_t, kScadaGradeCount> fruit_per_grade{};  // by ScadaGrade
  bool plc_link_up = false;
  bool heartbeat_ok = false;              // PC -> PLC and PLC -> PC heartbeats both current
  std::vector<ScadaColdRoom> cold_rooms;  // in config order; first 16 served
  ScadaAlarmSummary alarms;
};

// The register map. Addresses are 0-based protocol addresses.
namespace scada_map {

inline constexpr std::uint16_t version = 1;
inline constexpr std::uint16_t no_value = 0x8000;  // "no valid value" (-32768 as s16)

inline constexpr int max_lanes = 16;
inline constexpr int max_outlets = 64;
inline constexpr int max_cold_rooms = 16;

// Input registers (FC04), mirrored as holding registers (FC03).
inline constexpr int ir_map_version = 0;
inline constexpr int ir_update_counter = 1;   // u32: +1 on every ScadaServer::update()
inline constexpr int ir_run_state = 3;        // ScadaRunState
inline constexpr int ir_belt_speed = 4;       // u16 x0.01 cups/s
inline constexpr int ir_fruit_rate = 5;       // u16 x0.1 fruit/s
inline constexpr int ir_lane_count = 6;       // lanes reported (0..16)
inline constexpr int ir_outlet_count = 7;     // outlets reported (0..64)
inline constexpr int ir_cold_room_count = 8;  // cold rooms reported (0..16)
inline constexpr int ir_alarms_active = 9;
inline constexpr int ir_alarms_unacked = 10;
inline constexpr int ir_alarm_priority = 11;  // 0 none, 1 low, 2 medium, 3 high, 4 urgent
inline constexpr int ir_alarm_classes = 12;   // u32 bit field of ScadaAlarmClass
inline constexpr int ir_fruit_total = 14;     // u32
inline constexpr int ir_grade_first = 16;     // 6 x u32 in ScadaGrade order (16..27)
inline constexpr int ir_lane_first = 32;      // 16 x u32, lane i at 32 + 2i (32..63)
inline constexpr int ir_outlet_first = 64;    // 64 x u32, outlet n at 64 + 2(n-1) (64..191)
inline constexpr int ir_room_first = 192;     // 16 blocks of 8, room i at 192 + 8i
inline constexpr int room_stride = 8;
// Offsets inside a cold-room block.
inline constexpr int room_control_temp = 0;  // s16 x0.1 degC
inline constexpr int room_record_temp = 1;   // s16 x0.1 degC
inline constexpr int room_humidity = 2;      // s16 x0.1 %RH
inline constexpr int room_setpoint = 3;      // s16 x0.1 degC
inline constexpr int room_quality = 4;       // 0 good, 1 stale, 2 bad
inline constexpr int room_alarm_level = 5;   // 0..4
inline constexpr int room_status = 6;        // bit 0 door open, 1 defrost, 2 reported
inline constexpr int ir_count = ir_room_first + max_cold_rooms * room_stride;  // 320

// Discrete inputs (FC02).
inline constexpr int di_image_valid = 0;  // the controller has sent at least one image
inline constexpr int di_line_running = 1;
inline constexpr int di_plc_link_up = 2;
inline constexpr int di_heartbeat_ok = 3;
inline constexpr int di_alarm_active = 4;
inline constexpr int di_alarm_unacked = 5;
inline constexpr int di_alarm_class_first = 16;  // 16 bits, ScadaAlarmClass c at 16 + c
inline constexpr int di_door_first = 32;         // room i at 32 + i
inline constexpr int di_defrost_first = 48;      // room i at 48 + i
inline constexpr int di_room_good_first = 64;    // room i: reported and quality good
inline constexpr int di_count = 80;

}  // namespace scada_map

// One image as register tables, laid out by `scada_map`.
struct ScadaRegisters {
  std::vector<std::uint16_t> input_registers;  // scada_map::ir_count words
  std::vector<std::uint8_t> discrete_inputs;   // scada_map::di_count bits, 0 or 1
};

// Encodes `image` (update number `update_counter`). Out-of-range numbers are clamped to
// their register's range (a rate or speed never wraps); counters wrap modulo 2^32.
ScadaRegisters encode_scada_image(const ScadaImage& image, std::uint32_t update_counter);
// The registers served before the first update: map version set, everything else zero,
// temperatures `no_value`, `image_valid` off.
ScadaRegisters initial_scada_registers();

// s16 x0.1 encoding with the sentinel: nullopt, NaN and values outside -3276.7..3276.7
// encode as `scada_map::no_value`.
std::uint16_t encode_tenths(std::optional<double> value);

}  // namespace coldsort::bridge
