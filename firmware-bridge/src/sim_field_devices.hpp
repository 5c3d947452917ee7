#pragma once
// The small simulated field devices: a conveyor drive (VFD) and a temperature/humidity
// transmitter. Deterministic functions of time since start.
// Thread safety: none (see DeviceModel).
#include "coldsort/core/config.hpp"
#include "sim_device_model.hpp"

namespace coldsort::bridge::sim {

// frequency_hz ramps toward frequency_setpoint_hz while run_command is 1, toward 0 otherwise.
// Starts running at 35 Hz.
class VfdModel final : public DeviceModel {
 public:
  VfdModel(const core::DeviceConfig& device, RegisterBank& bank, core::SteadyTime start);
  void step(core::SteadyTime now, RegisterBank& bank) override;

 private:
  const core::DeviceConfig& device_;
  core::SteadyTime last_;
  double frequency_hz_;
};

// About 18 °C and 70 %RH (a packing hall) with a slow sinusoidal wobble.
class ThSensorModel final : public DeviceModel {
 public:
  ThSensorModel(const core::DeviceConfig& device, RegisterBank& bank, core::SteadyTime start);
  void step(core::SteadyTime now, RegisterBank& bank) override;

 private:
  void publish(double t_s, RegisterBank& bank) const;

  const core::DeviceConfig& device_;
  core::SteadyTime start_;
};

}  // namespace coldsort::bridge::sim
