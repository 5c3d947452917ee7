#include "coldsort/core/alarm.hpp"

#include <iterator>

namespace coldsort::core {
namespace {

bool is_active_state(AlarmState s) {
  return s == AlarmState::unacked_active || s == AlarmState::acked_active;
}

// The state that decides whether the condition is present: the one beneath a shelf.
AlarmState real_state(const Alarm& a) {
  return a.state == AlarmState::shelved ? a.unshelved_state : a.state;
}

}  // namespace

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
    case AlarmState::shelved: return "shelved";
  }
  return "normal";
}

std::optional<AlarmPriority> parse_alarm_priority(std::string_view text) {
  for (AlarmPriority p : {AlarmPriority::low, AlarmPriority::medium, AlarmPriority::high,
                          AlarmPriority::urgent})
    if (to_string(p) == text) return p;
  return std::nullopt;
}

void AlarmBoard::record(const Alarm& alarm, AlarmState from, bool active, WallTime at,
                        std::string_view by, std::string_view reason) {
  if (events_.size() >= kMaxEvents) {
    // Nobody drained the journal: keep the newest changes, count what was lost.
    events_.erase(events_.begin());
    ++dropped_events_;
  }
  events_.push_back(AlarmEvent{alarm.key, alarm.source, alarm.message, alarm.priority, from,
                               alarm.state, active, at, std::string(by), std::string(reason)});
}

bool AlarmBoard::raise(std::string key, std::string source, std::string message,
                       AlarmPriority priority, WallTime now) {
  auto it = alarms_.find(key);
  if (it != alarms_.end() && is_active_state(real_state(it->second))) {
    it->second.message = std::move(message);  // keep the newest detail, not a new alarm
    return false;
  }
  if (it != alarms_.end() && it->second.state == AlarmState::shelved) {
    // A new occurrence beneath the shelf: journaled, still hidden until the shelf ends.
    Alarm& alarm = it->second;
    alarm.message = std::move(message);
    alarm.priority = priority;
    alarm.unshelved_state = AlarmState::unacked_active;
    alarm.raised_at = now;
    record(alarm, AlarmState::shelved, true, now, kSystem, "raised while shelved");
    return true;
  }
  const AlarmState from = it == alarms_.end() ? AlarmState::normal : it->second.state;
  Alarm alarm;
  alarm.key = key;
  alarm.source = std::move(source);
  alarm.message = std::move(message);
  alarm.priority = priority;
  alarm.state = AlarmState::unacked_active;
  alarm.raised_at = now;
  alarm.changed_at = now;
  record(alarm, from, true, now, kSystem, "raised");
  alarms_.insert_or_assign(std::move(key), std::move(alarm));
  return true;
}

bool AlarmBoard::clear(std::string_view key, WallTime now) {
  auto it = alarms_.find(key);
  if (it == alarms_.end()) return false;
  Alarm& alarm = it->second;
  if (alarm.state == AlarmState::shelved) {
    if (!is_active_state(alarm.unshelved_state)) return false;
    // ISA-18.2: an alarm that returns while shelved needs no acknowledgement afterwards.
    alarm.unshelved_state = AlarmState::normal;
    record(alarm, AlarmState::shelved, false, now, kSystem, "cleared while shelved");
    return true;
  }
  const AlarmState from = alarm.state;
  if (from == AlarmState::acked_active) {
    alarm.state = AlarmState::normal;  // acknowledged and gone: back to normal
    record(alarm, from, false, now, kSystem, "cleared");
    alarms_.erase(it);
    return true;
  }
  if (from == AlarmState::unacked_active) {
    alarm.state = AlarmState::unacked_returned;  // an operator must still see it once
    alarm.changed_at = now;
    record(alarm, from, false, now, kSystem, "cleared");
    return true;
  }
  return false;
}

bool AlarmBoard::acknowledge(std::string_view key, WallTime now, std::string_view by) {
  auto it = alarms_.find(key);
  if (it == alarms_.end()) return false;
  Alarm& alarm = it->second;
  const bool shelved = alarm.state == AlarmState::shelved;
  AlarmState& state = shelved ? alarm.unshelved_state : alarm.state;
  const AlarmState from = alarm.state;
  if (state == AlarmState::unacked_active) {
    state = AlarmState::acked_active;
  } else if (state == AlarmState::unacked_returned) {
    state = AlarmState::normal;
  } else {
    return false;
  }
  if (!shelved) alarm.changed_at = now;
  record(alarm, from, is_active_state(state), now, by,
         shelved ? "acknowledged while shelved" : "acknowledged");
  if (alarm.state == AlarmState::normal) alarms_.erase(it);
  return true;
}

bool AlarmBoard::shelve(std::string_view key, std::string reason, WallTime until, WallTime now,
                        std::string_view by) {
  auto it = alarms_.find(key);
  if (it == alarms_.end() || reason.empty() || until <= now) return false;
  Alarm& alarm = it->second;
  const AlarmState from = alarm.state;
  if (from != AlarmState::shelved) {
    alarm.unshelved_state = from;
    alarm.state = AlarmState::shelved;
    alarm.changed_at = now;
  }
  alarm.shelved_until = until;
  alarm.shelved_by = std::string(by);
  alarm.shelve_reason = std::move(reason);
  record(alarm, from, is_active_state(alarm.unshelved_state), now, by, alarm.shelve_reason);
  return true;
}

bool AlarmBoard::leave_shelf(std::map<std::string, Alarm, std::less<>>::iterator it,
                             WallTime now, std::string_view by, std::string_view reason) {
  Alarm& alarm = it->second;
  alarm.state = alarm.unshelved_state;
  alarm.changed_at = now;
  alarm.shelved_until = WallTime{};
  alarm.shelved_by.clear();
  alarm.shelve_reason.clear();
  record(alarm, AlarmState::shelved, is_active_state(alarm.state), now, by, reason);
  if (alarm.state == AlarmState::normal) alarms_.erase(it);
  return true;
}

bool AlarmBoard::unshelve(std::string_view key, WallTime now, std::string_view by) {
  auto it = alarms_.find(key);
  if (it == alarms_.end() || it->second.state != AlarmState::shelved) return false;
  return leave_shelf(it, now, by, "unshelved");
}

int AlarmBoard::expire_shelves(WallTime now) {
  int expired = 0;
  for (auto it = alarms_.begin(); it != alarms_.end();) {
    auto next = std::next(it);  // leave_shelf may erase `it`
    if (it->second.state == AlarmState::shelved && it->second.shelved_until <= now) {
      leave_shelf(it, now, kSystem, "shelf expired");
      ++expired;
    }
    it = next;
  }
  return expired;
}

bool AlarmBoard::is_active(std::string_view key) const {
  const Alarm* alarm = find(key);
  return alarm != nullptr && is_active_state(real_state(*alarm));
}

bool AlarmBoard::is_shelved(std::string_view key) const {
  const Alarm* alarm = find(key);
  return alarm != nullptr && alarm->state == AlarmState::shelved;
}

std::vector<Alarm> AlarmBoard::visible() const {
  std::vector<Alarm> out;
  out.reserve(alarms_.size());
  for (const auto& [key, alarm] : alarms_)
    if (alarm.state != AlarmState::shelved) out.push_back(alarm);
  return out;
}

std::vector<Alarm> AlarmBoard::all() const {
  std::vector<Alarm> out;
  out.reserve(alarms_.size());
  for (const auto& [key, alarm] : alarms_) out.push_back(alarm);
  return out;
}

const Alarm* AlarmBoard::find(std::string_view key) const {
  auto it = alarms_.find(key);
  return it == alarms_.end() ? nullptr : &it->second;
}

std::vector<AlarmEvent> AlarmBoard::take_events() {
  std::vector<AlarmEvent> out;
  out.swap(events_);
  return out;
}

}  // namespace coldsort::core
