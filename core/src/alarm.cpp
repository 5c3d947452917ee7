#include "coldsort/core/alarm.hpp"

namespace coldsort::core {

std::string_view to_string(AlarmPriority p) {
  switch (p) {
    case AlarmPriority::low: return "low";
    case AlarmPriority::medium: return "medium";
    case AlarmPriority::high: return "high";
    case AlarmPriority::urgent: return "urgent";
  }
  return "medium";
}

std::string_view to_string(AlarmState s) {
  switch (s) {
    case AlarmState::normal: return "normal";
    case AlarmState::unacked_active: return "unacked_active";
    case AlarmState::acked_active: return "acked_active";
    case AlarmState::unacked_returned: return "unacked_returned";
  }
  return "normal";
}

bool AlarmBoard::raise(std::string key, std::string source, std::string message,
                       AlarmPriority priority, WallTime now) {
  auto it = alarms_.find(key);
  if (it != alarms_.end() && (it->second.state == AlarmState::unacked_active ||
                              it->second.state == AlarmState::acked_active)) {
    it->second.message = std::move(message);  // keep the newest detail, not a new alarm
    return false;
  }
  Alarm alarm{key, std::move(source), std::move(message), priority,
              AlarmState::unacked_active, now, now};
  alarms_.insert_or_assign(std::move(key), std::move(alarm));
  return true;
}

bool AlarmBoard::clear(std::string_view key, WallTime now) {
  auto it = alarms_.find(key);
  if (it == alarms_.end()) return false;
  Alarm& alarm = it->second;
  if (alarm.state == AlarmState::acked_active) {
    alarms_.erase(it);  // acknowledged and gone: back to normal
    return true;
  }
  if (alarm.state == AlarmState::unacked_active) {
    alarm.state = AlarmState::unacked_returned;  // an operator must still see it once
    alarm.changed_at = now;
    return true;
  }
  return false;
}

bool AlarmBoard::acknowledge(std::string_view key, WallTime now) {
  auto it = alarms_.find(key);
  if (it == alarms_.end()) return false;
  Alarm& alarm = it->second;
  if (alarm.state == AlarmState::unacked_returned) {
    alarms_.erase(it);
    return true;
  }
  if (alarm.state == AlarmState::unacked_active) {
    alarm.state = AlarmState::acked_active;
    alarm.changed_at = now;
    return true;
  }
  return false;
}

bool AlarmBoard::is_active(std::string_view key) const {
  auto it = alarms_.find(key);
  return it != alarms_.end() && (it->second.state == AlarmState::unacked_active ||
                                 it->second.state == AlarmState::acked_active);
}

std::vector<Alarm> AlarmBoard::visible() const {
  std::vector<Alarm> out;
  out.reserve(alarms_.size());
  for (const auto& [key, alarm] : alarms_) out.push_back(alarm);
  return out;
}

}  // namespace coldsort::core
