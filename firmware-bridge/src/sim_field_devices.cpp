#include "sim_field_devices.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace coldsort::bridge::sim {
namespace {

// A conveyor drive's usual start-up: 35 Hz, and a ramp of 10 Hz/s (0 to 50 Hz in 5 s, a
// typical acceleration time for a light conveyor).
constexpr double initial_frequency_hz = 35.0;
constexpr double ramp_hz_per_s = 10.0;

void set_point(const core::DeviceConfig& device, RegisterBank& bank, const char* name,
               double value) {
  if (const auto* p = device.map.find(name)) bank_set(bank, *p, value);
}

double get_point(const core::DeviceConfig& device, const RegisterBank& bank, const char* name,
                 double fallback) {
  const auto* p = device.map.find(name);
  return p ? bank_get(bank, *p) : fallback;
}

}  // namespace

VfdModel::VfdModel(const core::DeviceConfig& device, RegisterBank& bank, core::SteadyTime start)
    : device_(device), last_(start), frequency_hz_(initial_frequency_hz) {
  set_point(device_, bank, "run_command", 1);
  set_point(device_, bank, "frequency_setpoint_hz", initial_frequency_hz);
  set_point(device_, bank, "frequency_hz", frequency_hz_);
}

void VfdModel::step(core::SteadyTime now, RegisterBank& bank) {
  if (now <= last_) return;
  const double dt_s = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  const bool run = get_point(device_, bank, "run_command", 1) != 0;
  const double target = run ? get_point(device_, bank, "frequency_setpoint_hz", 0) : 0.0;
  const double max_change = ramp_hz_per_s * dt_s;
  frequency_hz_ += std::clamp(target - frequency_hz_, -max_change, max_change);
  set_point(device_, bank, "frequency_hz", frequency_hz_);
  set_point(device_, bank, "fault_code", 0);
}

ThSensorModel::ThSensorModel(const core::DeviceConfig& device, RegisterBank& bank,
                             core::SteadyTime start)
    : device_(device), start_(start) {
  publish(0, bank);
}

void ThSensorModel::step(core::SteadyTime now, RegisterBank& bank) {
  publish(std::chrono::duration<double>(now - start_).count(), bank);
}

void ThSensorModel::publish(double t_s, RegisterBank& bank) const {
  constexpr double two_pi = 2 * std::numbers::pi;
  set_point(device_, bank, "temp_c", 18.0 + 1.0 * std::sin(two_pi * t_s / 5400.0));
  set_point(device_, bank, "humidity_pct", 70.0 + 4.0 * std::sin(two_pi * t_s / 7200.0));
}

}  // namespace coldsort::bridge::sim
