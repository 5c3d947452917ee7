#pragma once
// Typed driver for a conveyor drive (VFD), over its register map (config/devices/*.json,
// docs/devices.md). It interprets what the bridge polled (a DeviceValues) and turns commands
// into PointWrites, the states the bridge then holds in the drive; it does no I/O itself.
//
// The map must have: `run_command` (writable) with `commands` "run" and "stop" (and
// optionally "reset_fault"), since drives encode them differently (INVT GD20: 1 run forward,
// 5 stop, 7 fault reset; the simulator: 1 and 0); `frequency_setpoint_hz` (writable) and
// `frequency_hz` (readable). Optional: `status_word` with `status_codes` "running" (and
// "fault") saying which values of the word mean what on this model; `fault_code` (0 = none).
// Thread safety: immutable after construction; safe to share between threads.
#include <cstdint>
#include <optional>

#include "coldsort/bridge/device_values.hpp"
#include "coldsort/core/config.hpp"
#include "coldsort/core/error.hpp"

namespace coldsort::bridge {

struct VfdStatus {
  // With a status word: its value is one of status_codes "running". Without: the drive
  // puts out a frequency (it is running, or still ramping down).
  bool running = false;
  double frequency_hz = 0;            // output frequency
  std::optional<double> setpoint_hz;  // nullopt when the map's setpoint is write-only
  // The status word is one of status_codes "fault", or fault_code is not 0.
  bool faulted = false;
  int fault_code = 0;                        // the vendor's fault number; 0 = none or no such point
  std::optional<std::uint16_t> status_word;  // raw, when the map has one
  // Worst quality of the points used; the fields above are only fit for decisions when good.
  Quality quality = Quality::stale;
};

class Vfd {
 public:
  // `device` must outlive the driver. Throws std::invalid_argument naming the device, its map
  // file and what is missing or inconsistent (a config error, found at start-up).
  explicit Vfd(const core::DeviceConfig& device);

  VfdStatus status(const DeviceValues& values) const;

  // The command word states. reset_fault() replaces the held run/stop state, so follow it
  // with run() or stop(). Errors: not_found when the map has no "reset_fault" command.
  PointWrite run() const;
  PointWrite stop() const;
  core::Result<PointWrite> reset_fault() const;
  // Errors: bad_register_value when `hz` lies outside the setpoint point's range (or is not
  // finite); nothing is to be written then.
  core::Result<PointWrite> set_frequency(double hz) const;

 private:
  const core::DeviceConfig& device_;
  const core::RegisterPoint& command_;
  const core::RegisterPoint& setpoint_;
  std::uint16_t run_word_;
  std::uint16_t stop_word_;
  std::optional<std::uint16_t> reset_word_;
  bool has_setpoint_readback_;
  bool has_status_word_;
  bool has_fault_code_;
};

}  // namespace coldsort::bridge
