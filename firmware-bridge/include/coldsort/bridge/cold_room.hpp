#pragma once
// Typed driver for a cold-room controller (a Dixell XR-style refrigeration controller, or
// the simulator's), over its register map (docs/devices.md). It interprets what the bridge
// polled (a DeviceValues) and turns a setpoint change into a PointWrite; it does no I/O.
//
// Points by name. Required: `air_temp_c` (the control probe), `setpoint_c` (read and write),
// `defrost`. Optional: `record_temp_c` (an independent recording probe), `evaporator_temp_c`,
// `humidity_pct`, `door_open`, `compressor_on`. A yes/no state (`defrost`, `door_open`,
// `compressor_on`) is a point of that name (non-zero = yes) or, failing that, a bit of that
// name in the map's `bits` table. Controller alarms: every readable point whose name starts
// with `alarm_bits` is a bit-mapped alarm word; set bits are named by the map's `bits` table.
// Thread safety: immutable after construction; safe to share between threads.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "coldsort/bridge/device_values.hpp"
#include "coldsort/bridge/sample.hpp"
#include "coldsort/core/config.hpp"
#include "coldsort/core/error.hpp"

namespace coldsort::bridge {

struct ColdRoomStatus {
  Sample air_temp_c;                    // control probe, degC
  std::optional<Sample> record_temp_c;  // nullopt: the map has no such probe
  std::optional<Sample> evaporator_temp_c;
  std::optional<Sample> humidity_pct;
  Sample setpoint_c;  // as the controller reports it
  FlagSample defrost;
  std::optional<FlagSample> door_open;
  std::optional<FlagSample> compressor_on;
  // Active controller alarms by the model's names ("door open or liquid level alarm"); a set
  // bit the map does not name reads "<point> bit <n>".
  std::vector<std::string> alarms;
  std::map<std::string, std::uint32_t, std::less<>> alarm_words;  // raw word per alarm point
  Quality quality = Quality::stale;  // worst quality of every point above
};

class ColdRoom {
 public:
  // `device` must outlive the driver. Throws std::invalid_argument naming the device, its map
  // file and the missing or unfit point (a config error, found at start-up).
  explicit ColdRoom(const core::DeviceConfig& device);

  ColdRoomStatus status(const DeviceValues& values) const;

  // The setpoint to hold. Errors: bad_register_value when `temp_c` is outside the setpoint
  // point's range or not finite; nothing is to be written then.
  core::Result<PointWrite> set_setpoint(double temp_c) const;

 private:
  struct AlarmWord {
    std::string point;
    int width_bits = 16;
  };

  const core::DeviceConfig& device_;
  const core::RegisterPoint& setpoint_;
  std::vector<AlarmWord> alarm_words_;
};

}  // namespace coldsort::bridge
