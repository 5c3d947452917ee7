#include "driver_support.hpp"

#include <cmath>
#include <stdexcept>

#include "coldsort/bridge/point_codec.hpp"

namespace coldsort::bridge::detail {

void config_error(const core::DeviceConfig& device, const std::string& what) {
  throw std::invalid_argument("device \"" + device.id + "\" (register map \"" + device.map.model +
                              "\", " + (device.map.file.empty() ? "<no file>" : device.map.file) +
                              "): " + what);
}

namespace {

const core::RegisterPoint& require_point(const core::DeviceConfig& device, std::string_view name) {
  const core::RegisterPoint* p = device.map.find(name);
  if (p == nullptr) config_error(device, "lacks point \"" + std::string(name) + "\"");
  return *p;
}

}  // namespace

const core::RegisterPoint& require_readable(const core::DeviceConfig& device,
                                            std::string_view name) {
  const core::RegisterPoint& p = require_point(device, name);
  if (!p.is_readable()) config_error(device, "point \"" + p.name + "\" must be readable");
  return p;
}

const core::RegisterPoint& require_writable(const core::DeviceConfig& device,
                                            std::string_view name) {
  const core::RegisterPoint& p = require_point(device, name);
  if (p.access == core::Access::read)
    config_error(device, "point \"" + p.name + "\" must be writable (access \"w\" or \"rw\")");
  return p;
}

const core::RegisterPoint* optional_readable(const core::DeviceConfig& device,
                                             std::string_view name) {
  const core::RegisterPoint* p = device.map.find(name);
  if (p != nullptr && !p->is_readable())
    config_error(device, "point \"" + p->name + "\" must be readable");
  return p;
}

core::Result<void> check_encodable(const core::RegisterPoint& point, double value) {
  std::vector<std::uint16_t> scratch(static_cast<std::size_t>(point.words_per_value()));
  return encode_value(point, value, scratch);
}

std::optional<std::uint16_t> optional_command(const core::DeviceConfig& device,
                                              const core::RegisterPoint& point,
                                              std::string_view name) {
  std::optional<std::uint16_t> word = device.map.command(name);
  if (word && !check_encodable(point, *word))
    config_error(device, "command \"" + std::string(name) + "\" = " + std::to_string(*word) +
                             " does not fit point \"" + point.name + "\" (type or min/max)");
  return word;
}

std::uint16_t require_command(const core::DeviceConfig& device, const core::RegisterPoint& point,
                              std::string_view name) {
  std::optional<std::uint16_t> word = optional_command(device, point, name);
  if (!word) config_error(device, "lacks command \"" + std::string(name) + "\" in \"commands\"");
  return *word;
}

Sample sample(const DeviceValues& values, std::string_view point) {
  auto it = values.points.find(point);
  if (it == values.points.end() || it->second.values.empty()) return {};
  return {it->second.values.front(), it->second.quality};
}

std::optional<FlagSource> FlagSource::find(const core::DeviceConfig& device,
                                           std::string_view name) {
  if (const core::RegisterPoint* p = optional_readable(device, name))
    return FlagSource(p->name, -1);
  if (auto bit = device.map.find_bit(name)) {
    if (!bit->point->is_readable())
      config_error(device, "point \"" + bit->point->name + "\" must be readable");
    return FlagSource(bit->point->name, bit->bit);
  }
  return std::nullopt;
}

FlagSample FlagSource::read(const DeviceValues& values) const {
  const Sample s = sample(values, point_);
  const bool on = bit_ < 0 ? s.value != 0 : ((word_of(s) >> bit_) & 1u) != 0;
  return {on, s.quality};
}

std::uint32_t word_of(const Sample& s) {
  // A bad reading may hold anything the device sent; clamp rather than overflow the cast.
  if (!(s.value >= 0)) return 0;
  if (s.value >= 4294967295.0) return 0xFFFFFFFFu;
  return static_cast<std::uint32_t>(std::llround(s.value));
}

void append_set_bits(std::string_view point, std::uint32_t word, int width_bits,
                     const std::vector<std::string>* names, std::vector<std::string>& out) {
  for (int bit = 0; bit < width_bits; ++bit) {
    if (((word >> bit) & 1u) == 0) continue;
    const auto i = static_cast<std::size_t>(bit);
    if (names != nullptr && i < names->size() && !(*names)[i].empty())
      out.push_back((*names)[i]);
    else
      out.push_back(std::string(point) + " bit " + std::to_string(bit));
  }
}

}  // namespace coldsort::bridge::detail
