#include "sim_field_devices.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace coldsort::bridge::sim {
namespace {

// A conveyor drive's usual start-up: 35 Hz, and a ramp of 10 Hz/s (0 to 50 Hz in 5 s, a
// typical acceleration time for a light conveyor).
constexpr double initial_frequency_hz = 35.0;
constexpr double ramp_hz_per_s = 10.0;
// Scale: settling of a strain-gauge platform with its filter, and the stability criterion
// an indicator applies before it reports (and tares on) a reading.
constexpr double settle_time_constant_s = 0.1;
constexpr double stable_after_s = 0.5;
constexpr double stable_band_g = 0.5;
// OIML R 76-1 §4.10: the indication is blanked above Max + 9 e; e = 1 g here.
constexpr double overload_margin_g = 9.0;

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
    : device_(device),
      run_word_(device.map.command("run").value_or(1)),
      reset_word_(device.map.command("reset_fault").value_or(2)),
      last_(start),
      frequency_hz_(initial_frequency_hz) {
  set_point(device_, bank, "run_command", run_word_);
  set_point(device_, bank, "frequency_setpoint_hz", initial_frequency_hz);
  set_point(device_, bank, "frequency_hz", frequency_hz_);
  set_point(device_, bank, "fault_code", 0);
}

bool VfdModel::set_fault(int code) {
  if (code <= 0) return false;
  fault_code_ = code;
  return true;
}

void VfdModel::step(core::SteadyTime now, RegisterBank& bank) {
  if (now <= last_) return;
  const double dt_s = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  const auto command = static_cast<int>(get_point(device_, bank, "run_command", run_word_));
  // A drive resets on the command's change to "reset", not on its level, so a reset word
  // left in the register cannot clear the next fault unseen.
  if (fault_code_ != 0 && command == reset_word_ && last_command_ != reset_word_) fault_code_ = 0;
  last_command_ = command;
  if (fault_code_ != 0) {
    frequency_hz_ = 0;  // a trip switches the output off; the motor coasts
  } else {
    const double target =
        command == run_word_ ? get_point(device_, bank, "frequency_setpoint_hz", 0) : 0.0;
    const double max_change = ramp_hz_per_s * dt_s;
    frequency_hz_ += std::clamp(target - frequency_hz_, -max_change, max_change);
  }
  set_point(device_, bank, "frequency_hz", frequency_hz_);
  set_point(device_, bank, "fault_code", fault_code_);
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

ScaleModel::ScaleModel(const core::DeviceConfig& device, RegisterBank& bank, core::SteadyTime start)
    : device_(device), last_(start) {
  set_point(device_, bank, "command", device_.map.command("idle").value_or(0));
  last_command_ = static_cast<int>(get_point(device_, bank, "command", 0));
  publish(bank);
}

void ScaleModel::set_load(double load_g) {
  if (!std::isfinite(load_g) || load_g < 0)
    throw std::invalid_argument("set_scale_load: the load must be a finite weight >= 0 g");
  if (load_g != load_g_) since_change_s_ = 0;
  load_g_ = load_g;
}

bool ScaleModel::stable() const {
  return since_change_s_ >= stable_after_s && std::abs(reading_g_ - load_g_) < stable_band_g;
}

bool ScaleModel::overload() const { return reading_g_ > capacity_g + overload_margin_g; }

void ScaleModel::step(core::SteadyTime now, RegisterBank& bank) {
  if (now <= last_) return;
  const double dt_s = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  reading_g_ += (load_g_ - reading_g_) * (1 - std::exp(-dt_s / settle_time_constant_s));
  since_change_s_ += dt_s;
  apply_command(bank);
  if (tare_pending_ && stable() && !overload()) {
    tare_g_ = reading_g_;
    tare_pending_ = false;
  }
  publish(bank);
}

void ScaleModel::apply_command(const RegisterBank& bank) {
  const auto command = static_cast<int>(get_point(device_, bank, "command", 0));
  if (command == last_command_) return;
  last_command_ = command;
  if (command == device_.map.command("tare").value_or(1)) tare_pending_ = true;
  if (command == device_.map.command("clear_tare").value_or(2)) {
    tare_g_ = 0;
    tare_pending_ = false;
  }
}

void ScaleModel::publish(RegisterBank& bank) const {
  set_point(device_, bank, "weight_g", overload() ? capacity_g : reading_g_ - tare_g_);
  set_point(device_, bank, "tare_g", tare_g_);
  set_point(device_, bank, "stable", stable() ? 1 : 0);
  set_point(device_, bank, "overload", overload() ? 1 : 0);
}

}  // namespace coldsort::bridge::sim
