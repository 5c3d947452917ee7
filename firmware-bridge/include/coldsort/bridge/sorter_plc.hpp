#pragma once
// Typed driver for the sorter PLC, over its register map (config/devices/*.json).
// The PLC fires ejectors from its own encoder; the controller fills the outlet table ahead
// of the cups: slot (cup % slots, lane) holds {tag(cup), outlet}. A slot whose tag does not
// match the cup reaching an outlet means "no decision": the PLC lets the fruit ride to the
// end of the line (recirculation), never into a product outlet.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "coldsort/bridge/device_values.hpp"
#include "coldsort/core/config.hpp"
#include "coldsort/core/error.hpp"

namespace coldsort::bridge {

enum class RunState : int { stopped = 0, running = 1, faulted = 2 };

struct SorterStatus {
  std::uint32_t encoder_count = 0;
  std::uint64_t cup_at_camera = 0;  // index of the cup now under the camera, same on all lanes
  double belt_speed_cups_per_s = 0;
  RunState run_state = RunState::stopped;
  std::uint16_t plc_heartbeat = 0;
  std::uint16_t fault_bits = 0;
  std::uint64_t undecided_cups = 0;  // cups that reached the outlets with no valid decision
};

// The tag that marks a slot as holding cup `cup`'s decision. Bit 15 is always set so that a
// zeroed table (PLC power-up) never matches any cup.
inline std::uint16_t outlet_slot_tag(std::uint64_t cup) {
  return static_cast<std::uint16_t>(0x8000u | (cup & 0x7FFFu));
}

// The sorter PLC's points, interpreted: status from the values the link worker polled,
// and the states to hold (decisions, heartbeat, watchdog, run) as PointWrites.
// Thread safety: none; status() tracks the cup counter's wrap. One owner (the controller).
class SorterPlc {
 public:
  // `device` must outlive the driver. Throws std::invalid_argument (a config error) when the
  // map lacks a required point or its outlet_table is smaller than table_slots*lanes*2.
  SorterPlc(const core::DeviceConfig& device, int lanes, int table_slots);
  const core::DeviceConfig& device() const { return device_; }

  // Errors: link_down when a status point has no fresh reading (stale), bad_register_value
  // when one is outside its range or run_state is not 0, 1 or 2.
  core::Result<SorterStatus> status(const DeviceValues& values);
  // The decision for `cup` on every lane (outlet numbers, 0 = no ejection): 2 x lanes
  // consecutive outlet-table elements, which the bridge writes as one request.
  std::vector<PointWrite> decisions(std::uint64_t cup, std::span<const int> outlet_per_lane) const;
  PointWrite heartbeat(std::uint16_t value) const { return {"pc_heartbeat", 0, double(value)}; }
  PointWrite run(bool on) const { return {"run_command", 0, on ? 1.0 : 0.0}; }
  // PLC watchdog: the PLC faults and stops the belt when pc_heartbeat has not changed for
  // this long.
  PointWrite watchdog(std::chrono::milliseconds timeout) const {
    return {"heartbeat_timeout_ms", 0, double(timeout.count())};
  }
  // Ejection counters per outlet number (index 0 = outlet 1); empty unless read good.
  std::vector<std::uint32_t> ejections(const DeviceValues& values) const;

 private:
  const core::DeviceConfig& device_;
  int lanes_;
  int table_slots_;
  // cup_at_camera is 32-bit on the wire; these extend it to 64 bits across a wrap (2^32 cups
  // is 17 years at 8 cups/s from zero, but a real PLC's counter may start anywhere).
  std::uint64_t cup_epoch_ = 0;
  std::optional<std::uint32_t> last_cup_raw_;
};

}  // namespace coldsort::bridge
