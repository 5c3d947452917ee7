#include "coldsort/bridge/th_sensor.hpp"

#include "coldsort/bridge/sample.hpp"
#include "driver_support.hpp"

namespace coldsort::bridge {

ThSensor::ThSensor(const core::DeviceConfig& device) {
  detail::require_readable(device, "temp_c");
  detail::require_readable(device, "humidity_pct");
}

ThSensorStatus ThSensor::status(const DeviceValues& values) const {
  const Sample temp = detail::sample(values, "temp_c");
  const Sample humidity = detail::sample(values, "humidity_pct");
  return {temp.value, humidity.value, worse(temp.quality, humidity.quality)};
}

}  // namespace coldsort::bridge
