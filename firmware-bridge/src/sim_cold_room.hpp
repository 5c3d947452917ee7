#pragma once
// A simulated cold-room controller: a first-order thermal model of the room, a compressor
// with on/off hysteresis, a door that opens on a fixed schedule and timed defrosts.
// Deterministic: the schedule depends only on time since start and the room's index.
// Thread safety: none (see DeviceModel).
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

 private:
  void integrate(double t_s, double dt_s, double setpoint_c);
  void publish(double t_s, RegisterBank& bank) const;
  bool door_open_at(double t_s) const;
  bool defrost_at(double t_s) const;

  const core::DeviceConfig& device_;
  double min_c_;
  double max_c_;
  double ambient_c_;
  int index_;
  core::SteadyTime start_;
  core::SteadyTime last_;
  double air_c_;
  double evaporator_c_;
  bool compressor_on_ = false;
};

}  // namespace coldsort::bridge::sim
