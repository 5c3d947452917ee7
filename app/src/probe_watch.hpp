#pragma once
// The health of one probe of a cold room: a reading outside the probe's physical range (or
// bad from the bridge), stale for too long, or stuck at one value while the room is in use
// is a sensor fault; a faulty probe's values are never judged.
#include <chrono>
#include <optional>
#include <string>

#include "limit_tracker.hpp"

namespace coldsort::app::detail {

struct ProbeSpec {
  std::string name;   // "control", "record", "humidity"
  std::string point;  // the register-map point, for messages and records
  double range_min = -40;
  double range_max = 60;
  std::optional<std::chrono::minutes> stuck_after;  // nullopt: not checked
  std::chrono::minutes stale_after{5};
  std::string room;
  std::string room_name;
  std::string key;   // "cold.<room>.probe.<name>"
  std::string unit;  // "°C", "%RH"
};

// Thread safety: none; part of one room's watch.
class ProbeWatch {
 public:
  explicit ProbeWatch(ProbeSpec spec) : spec_(std::move(spec)) {}

  // One reading (nullopt: the room has no such probe). `room_in_use`: something else in the
  // room moved at this sample (door, defrost, compressor, the other probe). Returns the
  // value when it may be judged.
  std::optional<double> update(const std::optional<Reading>& reading, bool room_in_use,
                               const Stamp& at, ColdChainOutput& out);
  // Ends an open fault as of `at` (monitoring stops).
  void close(const Stamp& at, const std::string& detail, ColdChainOutput& out);

  bool is_faulted() const { return faulted_; }
  const ProbeSpec& spec() const { return spec_; }
  std::optional<core::ColdExcursion> open_fault(const Stamp& at) const;

 private:
  struct Cause {
    Stamp since;
    std::string what;
    bool stuck = false;
  };
  std::optional<Cause> cause_of(const Reading& r, const Stamp& at);
  void track_changes(double value, bool room_in_use, const Stamp& at);
  void raise(const Cause& cause, ColdChainOutput& out);

  ProbeSpec spec_;
  std::optional<Stamp> invalid_since_;
  std::optional<Stamp> stale_since_;
  std::optional<double> last_value_;  // last good, in-range value
  Stamp last_change_;                 // when last_value_ last changed
  std::optional<core::SteadyTime> last_activity_;  // room in use, last seen
  bool faulted_ = false;
  Stamp fault_since_;
  std::string fault_what_;
  double fault_value_ = 0;  // last bad value (NaN: none, e.g. stale)
};

}  // namespace coldsort::app::detail
