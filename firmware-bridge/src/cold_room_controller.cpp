#include "coldsort/bridge/sorter_plc.hpp"

namespace coldsort::bridge {
namespace {

std::vector<const core::RegisterPoint*> cold_room_points(const core::DeviceConfig& device) {
  std::vector<const core::RegisterPoint*> points;
  for (const char* name : {"air_temp_c", "setpoint_c", "door_open", "defrost"})
    points.push_back(&require_point(device, name));
  return points;
}

}  // namespace

ColdRoomController::ColdRoomController(FieldBus& bus, const core::DeviceConfig& device)
    : bus_(bus), device_(device), group_(cold_room_points(device)) {}

core::Result<ColdRoomReading> ColdRoomController::read() {
  auto values = group_.read(bus_, device_.unit_id);
  if (!values) return values.error();
  auto air = values->value(require_point(device_, "air_temp_c"));
  auto setpoint = values->value(require_point(device_, "setpoint_c"));
  auto door = values->value(require_point(device_, "door_open"));
  auto defrost = values->value(require_point(device_, "defrost"));
  for (const auto* r : {&air, &setpoint, &door, &defrost})
    if (!*r) return r->error();
  ColdRoomReading reading;
  reading.air_temp_c = *air;
  reading.setpoint_c = *setpoint;
  reading.door_open = *door != 0;
  reading.defrost = *defrost != 0;
  return reading;
}

}  // namespace coldsort::bridge
