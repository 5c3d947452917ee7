#pragma once
// A simulated cold-room controller: a first-order thermal model of the room, a compressor
// with on/off hysteresis, a door that opens on a fixed schedule (or is held by a test),
// timed defrosts, warm fruit brought in as a heat load, humidity that follows the door, and
// an independent recording probe.
// Deterministic: everything depends only on time since start, the room's index and what a
// test asked for.
// Thread safety: none (see DeviceModel).
#include "coldsort/bridge/line_simulator.hpp"
#include "coldsort/core/cold_room.hpp"
#include "coldsort/core/config.hpp"
#include "sim_device_model.hpp"

namespace coldsort::bridge::sim {

class ColdRoomModel final : public DeviceModel {
 public:
  // `room` may be null (a controller with no configured room): it then holds 5 °C.
  // `index` staggers the door and defrost schedules of several rooms. Starts at the setpoint.
  ColdRoomModel(const core::DeviceConfig& device, const core::ColdRoom* room, double ambient_c,
                int index, RegisterBank& bank, core::SteadyTime start);
  void step(core::SteadyTime now, RegisterBank& bank) override;

  void set_door_mode(DoorMode mode) { door_mode_ = mode; }
  // Adds fruit to the room's lumped fruit mass (mixing temperatures by heat content).
  // std::invalid_argument for a negative mass or a temperature outside -40..60 °C.
  void add_fruit(double mass_kg, double temp_c);

 private:
  void integrate(double t_s, double dt_s, double setpoint_c);
  void publish(double t_s, RegisterBank& bank) const;
  bool door_open_at(double t_s) const;
  bool defrost_at(double t_s) const;
  double humidity_target_pct(double t_s) const;

  const core::DeviceConfig& device_;
  double min_c_;
  double max_c_;
  double ambient_c_;
  int index_;
  core::SteadyTime start_;
  core::SteadyTime last_;
  double air_c_;
  double evaporator_c_;
  double record_c_;  // the recording probe, before its calibration offset
  double humidity_pct_;
  double fruit_kg_ = 0;  // warm fruit not yet at room temperature, as one lump
  double fruit_c_ = 0;
  bool compressor_on_ = false;
  DoorMode door_mode_ = DoorMode::schedule;
};

}  // namespace coldsort::bridge::sim
