#pragma once
// The small simulated field devices: a conveyor drive (VFD), a temperature/humidity
// transmitter and a bench scale. Deterministic functions of time since start and of what
// clients and tests write.
// Thread safety: none (see DeviceModel).
#include <cstdint>

#include "coldsort/core/config.hpp"
#include "sim_device_model.hpp"

namespace coldsort::bridge::sim {

// run_command is a command word from the map's `commands` ("run", "stop", "reset_fault";
// 1, 0, 2 when absent). frequency_hz ramps toward frequency_setpoint_hz while the word is
// "run", toward 0 otherwise. Starts running at 35 Hz. A fault (set_fault) trips the drive:
// output off at once, fault_code = the code, until the word changes to "reset_fault"; the
// drive then stays stopped until the word is "run" again.
class VfdModel final : public DeviceModel {
 public:
  VfdModel(const core::DeviceConfig& device, RegisterBank& bank, core::SteadyTime start);
  void step(core::SteadyTime now, RegisterBank& bank) override;
  bool set_fault(int code) override;

 private:
  const core::DeviceConfig& device_;
  std::uint16_t run_word_;
  std::uint16_t reset_word_;
  core::SteadyTime last_;
  double frequency_hz_;
  int fault_code_ = 0;
  int last_command_ = -1;
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

// A 15 kg bench scale. The reading settles on a new load exponentially (τ 0.1 s) and is
// `stable` 0.5 s after the load last changed. `command` acts when it changes: "tare" tares
// at the next stable reading, "clear_tare" removes the tare ("idle" 0 does nothing).
// Above Max + 9 e (e = 1 g) it reports `overload` and weight_g shows Max.
class ScaleModel final : public DeviceModel {
 public:
  ScaleModel(const core::DeviceConfig& device, RegisterBank& bank, core::SteadyTime start);
  void step(core::SteadyTime now, RegisterBank& bank) override;
  void set_load(double load_g);

  static constexpr double capacity_g = 15000;

 private:
  void apply_command(const RegisterBank& bank);
  void publish(RegisterBank& bank) const;
  bool stable() const;
  bool overload() const;

  const core::DeviceConfig& device_;
  core::SteadyTime last_;
  double load_g_ = 0;
  double reading_g_ = 0;  // gross, as the load cell has settled so far
  double tare_g_ = 0;
  double since_change_s_ = 1e9;
  int last_command_ = 0;
  bool tare_pending_ = false;
};

}  // namespace coldsort::bridge::sim
