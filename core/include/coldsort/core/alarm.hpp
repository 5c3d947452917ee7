#pragma once
// Alarms and their ISA-18.2 states, kept by the controller for the HMI and the store.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/core/clock.hpp"

namespace coldsort::core {

enum class AlarmPriority { low, medium, high, urgent };

// ISA-18.2 alarm states (shelving and suppression arrive with the HMI alarm screen).
enum class AlarmState {
  normal,             // not in alarm, acknowledged
  unacked_active,     // in alarm, not yet acknowledged
  acked_active,       // in alarm, acknowledged
  unacked_returned,   // returned to normal before anyone acknowledged it
};

std::string_view to_string(AlarmPriority p);
std::string_view to_string(AlarmState s);

struct Alarm {
  std::string key;     // stable identity, e.g. "link.sorter.down"
  std::string source;  // device or module
  std::string message;
  AlarmPriority priority = AlarmPriority::medium;
  AlarmState state = AlarmState::normal;
  WallTime raised_at{};
  WallTime changed_at{};
};

// The set of alarms the controller knows, keyed by `Alarm::key`.
// Thread safety: none; owned by one thread (the controller's) and copied out as snapshots.
class AlarmBoard {
 public:
  // Raises (or keeps raised) the alarm. Returns true when its state changed.
  bool raise(std::string key, std::string source, std::string message, AlarmPriority priority,
             WallTime now);
  // The condition went away. Returns true when its state changed.
  bool clear(std::string_view key, WallTime now);
  bool acknowledge(std::string_view key, WallTime now);
  bool is_active(std::string_view key) const;
  // Alarms an operator must still see: active or unacknowledged.
  std::vector<Alarm> visible() const;

 private:
  std::map<std::string, Alarm, std::less<>> alarms_;
};

}  // namespace coldsort::core
