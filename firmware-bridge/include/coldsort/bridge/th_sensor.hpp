#pragma once
// Typed driver for a temperature/humidity transmitter (an SHT20-style RS-485 transmitter,
// or the simulator's), over its register map: points `temp_c` and `humidity_pct`, both
// readable (docs/devices.md). Interprets a DeviceValues; does no I/O.
// Thread safety: immutable after construction; safe to share between threads.
#include "coldsort/bridge/device_values.hpp"
#include "coldsort/core/config.hpp"

namespace coldsort::bridge {

struct ThSensorStatus {
  double temp_c = 0;
  double humidity_pct = 0;
  Quality quality = Quality::stale;  // worst of the two points
};

class ThSensor {
 public:
  // `device` must outlive the driver. Throws std::invalid_argument naming the device, its map
  // file and the missing point (a config error, found at start-up).
  explicit ThSensor(const core::DeviceConfig& device);
  ThSensorStatus status(const DeviceValues& values) const;
};

}  // namespace coldsort::bridge
