#include "field_device_views.hpp"

#include <boost/json.hpp>

namespace coldsort::app {

namespace json = boost::json;

FieldDeviceViews::FieldDeviceViews(const core::Config& config) {
  for (const core::DeviceConfig& d : config.devices) {
    switch (d.kind) {
      case core::DeviceKind::vfd: drives_.emplace_back(d.id, bridge::Vfd(d)); break;
      case core::DeviceKind::th_sensor: th_sensors_.emplace_back(d.id, bridge::ThSensor(d)); break;
      case core::DeviceKind::scale: scales_.emplace_back(d.id, bridge::Scale(d)); break;
      case core::DeviceKind::sorter_plc:
      case core::DeviceKind::cold_room: break;  // the controller and the cold-chain monitor
    }
  }
}

json::array FieldDeviceViews::to_json(const bridge::DeviceHub& hub) const {
  json::array out;
  for (const auto& [id, vfd] : drives_) {
    auto v = hub.values(id);
    if (!v) continue;
    const bridge::VfdStatus s = vfd.status(*v);
    out.push_back(json::object{{"id", id}, {"kind", "vfd"}, {"quality", bridge::to_string(s.quality)},
                               {"running", s.running}, {"frequency_hz", s.frequency_hz},
                               {"faulted", s.faulted}, {"fault_code", s.fault_code}});
  }
  for (const auto& [id, sensor] : th_sensors_) {
    auto v = hub.values(id);
    if (!v) continue;
    const bridge::ThSensorStatus s = sensor.status(*v);
    out.push_back(json::object{{"id", id}, {"kind", "th_sensor"}, {"quality", bridge::to_string(s.quality)},
                               {"temp_c", s.temp_c}, {"humidity_pct", s.humidity_pct}});
  }
  for (const auto& [id, scale] : scales_) {
    auto v = hub.values(id);
    if (!v) continue;
    const bridge::ScaleStatus s = scale.status(*v);
    json::object o{{"id", id}, {"kind", "scale"}, {"quality", bridge::to_string(s.quality)},
                   {"weight_g", s.weight_g}};
    if (s.stable) o["stable"] = *s.stable;
    if (s.overload) o["overload"] = *s.overload;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace coldsort::app
