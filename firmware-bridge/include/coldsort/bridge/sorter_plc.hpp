#pragma once
// Typed driver for the sorter PLC, over its register map (config/devices/*.json).
// The PLC fires ejectors from its own encoder; the controller fills the outlet table ahead
// of the cups: slot (cup % slots, lane) holds {tag(cup), outlet}. A slot whose tag does not
// match the cup reaching an outlet means "no decision": the PLC lets the fruit ride to the
// end of the line (recirculation), never into a product outlet.
// Thread safety: none; used from the bus's I/O thread.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/bridge/point_group.hpp"

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

// Every call is one Modbus round trip (read_status: one per block of nearby status points,
// one for the default map). Errors are the bus's (timeout, link_down, crc_error,
// modbus_exception) plus bad_register_value for a value outside its configured range.
class SorterPlc {
 public:
  // `device` must outlive the driver. Throws std::invalid_argument (a config error) when the
  // map lacks a required point or its outlet_table is smaller than table_slots*lanes*2.
  SorterPlc(FieldBus& bus, const core::DeviceConfig& device, int lanes, int table_slots);

  core::Result<SorterStatus> read_status();
  // One request: the decision for `cup` on every lane (outlet numbers, 0 = no ejection).
  core::Result<void> write_decisions(std::uint64_t cup, std::span<const int> outlet_per_lane);
  core::Result<void> write_heartbeat(std::uint16_t value);
  core::Result<void> set_running(bool run);
  // Ejection counters per outlet number (index 0 = outlet 1).
  core::Result<std::vector<std::uint32_t>> read_ejections();
  // PLC watchdog: the PLC faults and stops the belt when pc_heartbeat has not changed for this
  // long. 0 disables it (the PLC's power-up state).
  core::Result<void> write_heartbeat_timeout(std::uint16_t timeout_ms);

 private:
  const core::RegisterPoint& point(const char* name) const;

  FieldBus& bus_;
  const core::DeviceConfig& device_;
  int lanes_;
  int table_slots_;
  const core::RegisterPoint* outlet_table_;
  PointGroup status_group_;
  // cup_at_camera is 32-bit on the wire; these extend it to 64 bits across a wrap (2^32 cups
  // is 17 years at 8 cups/s from zero, but a real PLC's counter may start anywhere).
  std::uint64_t cup_epoch_ = 0;
  std::optional<std::uint32_t> last_cup_raw_;
};

struct ColdRoomReading {
  double air_temp_c = 0;
  double setpoint_c = 0;
  bool door_open = false;
  bool defrost = false;
};

// Typed driver for a cold-room controller.
// Thread safety: none; used from the bus's I/O thread.
class ColdRoomController {
 public:
  // `device` must outlive the driver. Throws std::invalid_argument when a point is missing.
  ColdRoomController(FieldBus& bus, const core::DeviceConfig& device);
  // One request per table (two for the default map). Errors: bus errors, bad_register_value.
  core::Result<ColdRoomReading> read();

 private:
  FieldBus& bus_;
  const core::DeviceConfig& device_;
  PointGroup group_;
};

}  // namespace coldsort::bridge
