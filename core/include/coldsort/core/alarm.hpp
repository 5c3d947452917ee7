#pragma once
// Alarms and their ISA-18.2 states, kept by the controller for the HMI and the store.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/core/clock.hpp"

namespace coldsort::core {

enum class AlarmPriority { low, medium, high, urgent };

// ISA-18.2 alarm states (the alarm state diagram of ANSI/ISA-18.2-2016). Latching,
// suppression by design and out-of-service are not modelled: nothing in the plant needs them.
enum class AlarmState {
  normal,             // not in alarm, acknowledged
  unacked_active,     // in alarm, not yet acknowledged
  acked_active,       // in alarm, acknowledged
  unacked_returned,   // returned to normal before anyone acknowledged it
  shelved,            // hidden by an operator for a while; the real state runs on beneath
};

std::string_view to_string(AlarmPriority p);
std::string_view to_string(AlarmState s);
// "low", "medium", "high", "urgent" -> the priority; anything else -> nullopt.
std::optional<AlarmPriority> parse_alarm_priority(std::string_view text);

struct Alarm {
  std::string key;     // stable identity, e.g. "link.sorter.down"
  std::string source;  // device or module
  std::string message;
  AlarmPriority priority = AlarmPriority::medium;
  AlarmState state = AlarmState::normal;
  WallTime raised_at{};
  WallTime changed_at{};
  // While `state` is shelved: the state it would have unshelved, and the shelf's terms.
  AlarmState unshelved_state = AlarmState::normal;
  WallTime shelved_until{};
  // (Brace-initialised so that `Alarm{key, source, message}` stays warning-free.)
  std::string shelved_by{};
  std::string shelve_reason{};
};

// One state change, for the alarm journal. `from` and `to` are board states (normal = not
// on the board). A raise or clear while shelved changes the state beneath the shelf only:
// from == to == shelved, and `active` tells which way the condition went.
struct AlarmEvent {
  std::string key;
  std::string source;
  std::string message;
  AlarmPriority priority = AlarmPriority::medium;
  AlarmState from = AlarmState::normal;
  AlarmState to = AlarmState::normal;
  bool active = false;  // the condition is present after this event
  WallTime at{};
  std::string by{};      // "system", or the user who acknowledged or (un)shelved it
  std::string reason{};  // "raised", "cleared", "acknowledged", the shelve reason, ...
};

// The set of alarms the controller knows, keyed by `Alarm::key`. Every state change is
// also appended to an event list that the owner drains with take_events() (and stores).
// Thread safety: none; owned by one thread (the controller's) and copied out as snapshots.
class AlarmBoard {
 public:
  static constexpr std::string_view kSystem = "system";

  // Raises (or keeps raised) the alarm. Returns true when its state changed.
  bool raise(std::string key, std::string source, std::string message, AlarmPriority priority,
             WallTime now);
  // The condition went away. Returns true when its state changed.
  bool clear(std::string_view key, WallTime now);
  bool acknowledge(std::string_view key, WallTime now, std::string_view by = kSystem);
  // Hides the alarm until `until` (or unshelve). Only an alarm on the board can be shelved;
  // shelving again moves the end and the reason. Returns false for an unknown key, an
  // empty reason or `until` not after `now`.
  bool shelve(std::string_view key, std::string reason, WallTime until, WallTime now,
              std::string_view by = kSystem);
  // Puts a shelved alarm back in its real state (an alarm that cleared meanwhile leaves).
  bool unshelve(std::string_view key, WallTime now, std::string_view by = kSystem);
  // Unshelves every alarm whose shelf ran out at `now`; returns how many.
  int expire_shelves(WallTime now);

  // The condition is present (also beneath a shelf).
  bool is_active(std::string_view key) const;
  bool is_shelved(std::string_view key) const;
  // Alarms an operator must still see: active or unacknowledged, not shelved.
  std::vector<Alarm> visible() const;
  // Every alarm on the board, shelved ones included.
  std::vector<Alarm> all() const;
  const Alarm* find(std::string_view key) const;
  // The state changes since the last call, oldest first. At most kMaxEvents are kept
  // between calls; older ones are dropped and counted.
  std::vector<AlarmEvent> take_events();
  std::uint64_t dropped_events() const { return dropped_events_; }
  static constexpr std::size_t kMaxEvents = 4096;

 private:
  void record(const Alarm& alarm, AlarmState from, bool active, WallTime at,
              std::string_view by, std::string_view reason);
  bool leave_shelf(std::map<std::string, Alarm, std::less<>>::iterator it, WallTime now,
                   std::string_view by, std::string_view reason);

  std::map<std::string, Alarm, std::less<>> alarms_;
  std::vector<AlarmEvent> events_;
  std::uint64_t dropped_events_ = 0;
};

}  // namespace coldsort::core
