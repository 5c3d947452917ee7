#include "coldsort/bridge/vfd.hpp"

#include <cmath>

#include "coldsort/bridge/sample.hpp"
#include "driver_support.hpp"

namespace coldsort::bridge {

Vfd::Vfd(const core::DeviceConfig& device)
    : device_(device),
      command_(detail::require_writable(device, "run_command")),
      setpoint_(detail::require_writable(device, "frequency_setpoint_hz")),
      run_word_(detail::require_command(device, command_, "run")),
      stop_word_(detail::require_command(device, command_, "stop")),
      reset_word_(detail::optional_command(device, command_, "reset_fault")),
      has_setpoint_readback_(setpoint_.is_readable()),
      has_status_word_(detail::optional_readable(device, "status_word") != nullptr),
      has_fault_code_(detail::optional_readable(device, "fault_code") != nullptr) {
  detail::require_readable(device, "frequency_hz");
  if (run_word_ == stop_word_)
    detail::config_error(device, "commands \"run\" and \"stop\" are equal");
  // A status word means nothing without its codes, and codes nothing without the word.
  const bool has_running_codes = device.map.status_codes.contains("running");
  if (has_status_word_ && !has_running_codes)
    detail::config_error(device, "has point \"status_word\" but no status_codes \"running\"");
  if (!has_status_word_ && !device.map.status_codes.empty())
    detail::config_error(device, "has status_codes but no point \"status_word\"");
}

VfdStatus Vfd::status(const DeviceValues& values) const {
  VfdStatus s;
  const Sample frequency = detail::sample(values, "frequency_hz");
  s.frequency_hz = frequency.value;
  Quality quality = frequency.quality;
  if (has_setpoint_readback_) {
    const Sample setpoint = detail::sample(values, setpoint_.name);
    s.setpoint_hz = setpoint.value;
    quality = worse(quality, setpoint.quality);
  }
  if (has_status_word_) {
    const Sample word = detail::sample(values, "status_word");
    s.status_word = static_cast<std::uint16_t>(detail::word_of(word) & 0xFFFFu);
    s.running = device_.map.has_status_code("running", *s.status_word);
    s.faulted = device_.map.has_status_code("fault", *s.status_word);
    quality = worse(quality, word.quality);
  } else {
    s.running = s.frequency_hz > 0;
  }
  if (has_fault_code_) {
    const Sample code = detail::sample(values, "fault_code");
    s.fault_code = static_cast<int>(std::lround(code.value));
    s.faulted = s.faulted || s.fault_code != 0;
    quality = worse(quality, code.quality);
  }
  s.quality = quality;
  return s;
}

PointWrite Vfd::run() const { return {command_.name, 0, static_cast<double>(run_word_)}; }

PointWrite Vfd::stop() const { return {command_.name, 0, static_cast<double>(stop_word_)}; }

core::Result<PointWrite> Vfd::reset_fault() const {
  if (!reset_word_) return core::errc::not_found;
  return PointWrite{command_.name, 0, static_cast<double>(*reset_word_)};
}

core::Result<PointWrite> Vfd::set_frequency(double hz) const {
  if (auto ok = detail::check_encodable(setpoint_, hz); !ok) return ok.error();
  return PointWrite{setpoint_.name, 0, hz};
}

}  // namespace coldsort::bridge
