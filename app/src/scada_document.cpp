// The image the SCADA server serves (docs/scada.md), filled from the controller's state.
#include <algorithm>

#include "coldsort/app/line_controller.hpp"

namespace coldsort::app {
namespace {

using bridge::ScadaAlarmClass;

// Alarm keys name their subsystem first ("link.sim.down", "cold.CR-RAW.temp.high").
ScadaAlarmClass class_of(const std::string& key) {
  auto starts = [&](const char* prefix) { return key.rfind(prefix, 0) == 0; };
  auto has = [&](const char* part) { return key.find(part) != std::string::npos; };
  if (starts("link.") || starts("device.")) return ScadaAlarmClass::communication;
  if (starts("sorter.")) return ScadaAlarmClass::line;
  if (starts("outlet.")) return ScadaAlarmClass::outlet;
  if (starts("cold") && has(".door")) return ScadaAlarmClass::door;
  if (starts("cold") && (has(".sensor") || has(".probe"))) return ScadaAlarmClass::sensor;
  if (starts("cold")) return ScadaAlarmClass::temperature;
  if (starts("camera") || starts("vision")) return ScadaAlarmClass::vision;
  if (starts("store")) return ScadaAlarmClass::storage;
  if (starts("vfd") || starts("drive")) return ScadaAlarmClass::drive;
  return ScadaAlarmClass::other;
}

bridge::ScadaRunState run_state_of(const std::optional<bridge::SorterStatus>& status, bool ok) {
  if (!status) return ok ? bridge::ScadaRunState::stopped : bridge::ScadaRunState::faulted;
  switch (status->run_state) {
    case bridge::RunState::running: return bridge::ScadaRunState::running;
    case bridge::RunState::faulted: return bridge::ScadaRunState::faulted;
    case bridge::RunState::stopped: return bridge::ScadaRunState::stopped;
  }
  return bridge::ScadaRunState::stopped;
}

bridge::ScadaColdRoom room_of(const core::ColdRoom& room, const std::optional<bridge::DeviceValues>& v) {
  bridge::ScadaColdRoom r;
  r.setpoint_c = room.setpoint_c;
  if (!v) return r;
  r.control_temp_c = v->good("air_temp_c");
  r.record_temp_c = v->good("record_temp_c");
  r.humidity_pct = v->good("humidity_pct");
  if (auto sp = v->good("setpoint_c")) r.setpoint_c = sp;
  r.door_open = v->good("door_open").value_or(0) != 0;
  r.defrost = v->good("defrost").value_or(0) != 0;
  r.quality = v->quality_of({"air_temp_c"});
  return r;
}

}  // namespace

bridge::ScadaImage LineController::scada_image() const {
  bridge::ScadaImage image;
  image.run_state = run_state_of(last_status_, plc_ok_);
  image.belt_speed_cups_per_s = last_status_ ? last_status_->belt_speed_cups_per_s : 0.0;
  image.fruit_per_s = fruit_per_s_;
  image.fruit_per_lane = counters_.per_lane;
  for (const auto& [number, count] : counters_.per_outlet) {
    if (number < 1) continue;
    if (image.fruit_per_outlet.size() < static_cast<std::size_t>(number))
      image.fruit_per_outlet.resize(static_cast<std::size_t>(number));
    image.fruit_per_outlet[static_cast<std::size_t>(number - 1)] = count;
  }
  auto grade_count = [&](core::Grade g) {
    auto it = counters_.per_grade.find(g);
    return it == counters_.per_grade.end() ? std::uint64_t{0} : it->second;
  };
  using bridge::ScadaGrade;
  image.fruit_per_grade[static_cast<int>(ScadaGrade::extra)] = grade_count(core::Grade::extra);
  image.fruit_per_grade[static_cast<int>(ScadaGrade::class_i)] = grade_count(core::Grade::class_i);
  image.fruit_per_grade[static_cast<int>(ScadaGrade::class_ii)] = grade_count(core::Grade::class_ii);
  image.fruit_per_grade[static_cast<int>(ScadaGrade::out_of_grade)] = grade_count(core::Grade::out_of_grade);
  image.fruit_per_grade[static_cast<int>(ScadaGrade::doubtful)] = grade_count(core::Grade::unknown);
  image.fruit_per_grade[static_cast<int>(ScadaGrade::empty_cup)] = counters_.empty_cups;
  image.fruit_total = counters_.fruit_total;
  image.plc_link_up = last_status_.has_value();
  image.heartbeat_ok = plc_ok_;
  for (const core::ColdRoom& room : config_.cold_rooms) {
    bridge::ScadaColdRoom r = room_of(room, hub_.values(room.device));
    // The room's alarm level: the highest priority among its active cold-chain alarms,
    // 1 (low) to 4 (urgent).
    for (const std::string& key : cold_chain_.snapshot(room.id).active_alarms)
      if (const core::Alarm* a = alarms_.find(key))
        r.alarm_level = std::max(r.alarm_level, static_cast<int>(a->priority) + 1);
    image.cold_rooms.push_back(r);
  }
  for (const core::Alarm& a : alarms_.visible()) {
    const bool active = a.state == core::AlarmState::unacked_active || a.state == core::AlarmState::acked_active;
    if (a.state == core::AlarmState::unacked_active || a.state == core::AlarmState::unacked_returned)
      ++image.alarms.unacknowledged;
    if (!active) continue;
    ++image.alarms.active;
    image.alarms.classes |= bridge::bit(class_of(a.key));
    if (!image.alarms.highest_active || a.priority > *image.alarms.highest_active)
      image.alarms.highest_active = a.priority;
  }
  return image;
}

}  // namespace coldsort::app
