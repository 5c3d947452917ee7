#include "coldsort/bridge/scale.hpp"

#include "driver_support.hpp"

namespace coldsort::bridge {
namespace {

std::optional<bool> read_flag(const core::DeviceConfig& device, const DeviceValues& values,
                              std::string_view name, Quality& quality) {
  auto source = detail::FlagSource::find(device, name);
  if (!source) return std::nullopt;
  const FlagSample f = source->read(values);
  quality = worse(quality, f.quality);
  return f.on;
}

}  // namespace

Scale::Scale(const core::DeviceConfig& device) : device_(device) {
  detail::require_readable(device, "weight_g");
  for (const char* name : {"stable", "overload"}) detail::FlagSource::find(device, name);
  if (device.map.find("tare") != nullptr) {
    tare_point_ = &detail::require_writable(device, "tare");
    if (!detail::check_encodable(*tare_point_, 1) || !detail::check_encodable(*tare_point_, 0))
      detail::config_error(device, "point \"tare\" must hold 1 (tare) and 0 (idle)");
  } else if (device.map.command("tare")) {
    tare_point_ = &detail::require_writable(device, "command");
    tare_word_ = detail::require_command(device, *tare_point_, "tare");
    idle_word_ = detail::optional_command(device, *tare_point_, "idle").value_or(0);
    if (!detail::check_encodable(*tare_point_, idle_word_))
      detail::config_error(device, "point \"command\" cannot hold the idle command 0");
    if (idle_word_ == tare_word_)
      detail::config_error(device, "commands \"tare\" and \"idle\" are equal");
  }
}

ScaleStatus Scale::status(const DeviceValues& values) const {
  ScaleStatus s;
  const Sample weight = detail::sample(values, "weight_g");
  s.weight_g = weight.value;
  Quality quality = weight.quality;
  s.stable = read_flag(device_, values, "stable", quality);
  s.overload = read_flag(device_, values, "overload", quality);
  s.quality = quality;
  return s;
}

core::Result<PointWrite> Scale::tare() const {
  if (tare_point_ == nullptr) return core::errc::not_found;
  return PointWrite{tare_point_->name, 0, static_cast<double>(tare_word_)};
}

core::Result<PointWrite> Scale::tare_idle() const {
  if (tare_point_ == nullptr) return core::errc::not_found;
  return PointWrite{tare_point_->name, 0, static_cast<double>(idle_word_)};
}

}  // namespace coldsort::bridge
