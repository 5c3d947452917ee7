#include "coldsort/bridge/device_values.hpp"

#include <algorithm>

namespace coldsort::bridge {

std::string_view to_string(Quality q) {
  switch (q) {
    case Quality::good: return "good";
    case Quality::stale: return "stale";
    case Quality::bad: return "bad";
  }
  return "?";
}

std::string_view to_string(DeviceState s) {
  switch (s) {
    case DeviceState::unknown: return "unknown";
    case DeviceState::online: return "online";
    case DeviceState::offline: return "offline";
  }
  return "?";
}

const PointReading* DeviceValues::find(std::string_view point) const {
  auto it = points.find(point);
  return it == points.end() ? nullptr : &it->second;
}

std::optional<double> DeviceValues::good(std::string_view point, int index) const {
  const PointReading* r = find(point);
  if (r == nullptr || r->quality != Quality::good || index < 0 ||
      static_cast<std::size_t>(index) >= r->values.size())
    return std::nullopt;
  return r->values[static_cast<std::size_t>(index)];
}

Quality DeviceValues::quality_of(std::initializer_list<std::string_view> names) const {
  // Ordered by severity: bad (the device says something impossible) outranks stale.
  Quality worst = Quality::good;
  for (std::string_view name : names) {
    const PointReading* r = find(name);
    const Quality q = r == nullptr ? Quality::stale : r->quality;
    if (q == Quality::bad) return Quality::bad;
    if (q == Quality::stale) worst = Quality::stale;
  }
  return worst;
}

}  // namespace coldsort::bridge
