#pragma once
// Fixtures for the typed-driver tests: a DeviceConfig from a register map written inline or
// from config/devices/, and DeviceValues filled by hand (good, stale or bad readings).
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "coldsort/bridge/device_values.hpp"
#include "coldsort/core/config.hpp"
#include "coldsort/core/json_reader.hpp"
#include "coldsort/core/register_map.hpp"

namespace coldsort::test {

// The errors that parsing `json` as a register map reports, joined ("" = none).
inline std::string map_errors(std::string_view json) {
  core::ConfigErrors errors;
  auto doc = core::parse_json_text(json, "map", errors);
  if (doc) {
    core::ObjectReader reader(*doc, "map", errors);
    if (reader.valid()) core::read_register_map(reader);
  }
  return errors.joined();
}

inline core::DeviceConfig device_from_json(std::string_view json, std::string id = "dev") {
  core::ConfigErrors errors;
  auto doc = core::parse_json_text(json, "map", errors);
  REQUIRE(doc);
  core::ObjectReader reader(*doc, "map", errors);
  core::DeviceConfig device;
  device.id = std::move(id);
  device.map = core::read_register_map(reader);
  device.map.file = "inline-test-map.json";
  INFO(errors.joined());
  REQUIRE(errors.empty());
  return device;
}

inline std::string devices_dir() { return COLDSORT_CONFIG_DIR "/devices"; }

inline core::DeviceConfig device_from_file(const std::string& name, std::string id = "dev") {
  core::ConfigErrors errors;
  auto map = core::load_register_map(devices_dir() + "/" + name, errors);
  INFO(errors.joined());
  REQUIRE(map);
  core::DeviceConfig device;
  device.id = std::move(id);
  device.map = std::move(*map);
  return device;
}

// DeviceValues by hand: set("air_temp_c", -1.5) is a good reading.
struct Values {
  bridge::DeviceValues values;

  Values& set(const std::string& point, double value, bridge::Quality q = bridge::Quality::good) {
    bridge::PointReading& r = values.points[point];
    r.values = {value};
    r.quality = q;
    return *this;
  }
  Values& drop(const std::string& point) {
    values.points.erase(point);
    return *this;
  }
  operator const bridge::DeviceValues&() const { return values; }
};

}  // namespace coldsort::test
