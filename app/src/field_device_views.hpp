#pragma once
// The typed drivers of the line's small field devices (drives, T/RH transmitters, scales),
// built once from config so that a map that does not fit its driver stops the start-up with
// a config error, and their statuses for the status document.
// Thread safety: immutable after construction; the status calls read the hub (thread-safe).
#include <boost/json/array.hpp>

#include <string>
#include <utility>
#include <vector>

#include "coldsort/bridge/device_hub.hpp"
#include "coldsort/bridge/scale.hpp"
#include "coldsort/bridge/th_sensor.hpp"
#include "coldsort/bridge/vfd.hpp"

namespace coldsort::app {

class FieldDeviceViews {
 public:
  // Throws std::invalid_argument (from the driver) when a device's map does not fit it.
  explicit FieldDeviceViews(const core::Config& config);

  const std::vector<std::pair<std::string, bridge::Vfd>>& drives() const { return drives_; }
  // One object per device: id, kind, quality and the driver's typed values.
  boost::json::array to_json(const bridge::DeviceHub& hub) const;

 private:
  std::vector<std::pair<std::string, bridge::Vfd>> drives_;
  std::vector<std::pair<std::string, bridge::ThSensor>> th_sensors_;
  std::vector<std::pair<std::string, bridge::Scale>> scales_;
};

}  // namespace coldsort::app
