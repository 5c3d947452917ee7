#pragma once
// One alarm level of the cold-chain monitor: a value beyond a limit, with a delay before it
// alarms, a deadband before it clears, and an excursion record spanning the whole time.
#include <chrono>
#include <optional>
#include <string>

#include "coldsort/app/cold_chain_monitor.hpp"

namespace coldsort::app::detail {

// When a sample was taken: steady for durations, wall for records.
struct Stamp {
  core::SteadyTime steady{};
  core::WallTime wall{};
};

struct LimitSpec {
  core::ExcursionKind kind = core::ExcursionKind::temp_high;
  bool above = true;  // beyond = above the limit (high kinds), else below it
  double limit = 0;
  double deadband = 0.5;
  std::chrono::minutes delay{30};
  core::AlarmPriority priority = core::AlarmPriority::medium;
  std::string room;       // room id: alarm source and record room
  std::string room_name;  // for messages
  std::string key;        // alarm key
  std::string label;      // "temperature", "humidity", "probe difference"
  std::string level;      // "high", "high-high", ... for messages
  std::string unit;       // "°C", "%RH"
  bool record_unalarmed = true;  // write a record for excursions that never alarmed
  std::string detail;            // put in every record of this level
};

// Thread safety: none; part of one room's watch.
class LimitTracker {
 public:
  explicit LimitTracker(LimitSpec spec) : spec_(std::move(spec)) {}

  // One usable value. `held`: the alarm must wait (defrost); its delay restarts afterwards.
  void update(double value, bool held, const std::string& point, const Stamp& at,
              ColdChainOutput& out);
  // Ends an open excursion as of `at` (monitoring stops); clears its alarm in `out`.
  void close(const Stamp& at, const std::string& detail, ColdChainOutput& out);

  bool is_open() const { return open_; }
  bool is_alarmed() const { return alarmed_; }
  const LimitSpec& spec() const { return spec_; }
  // The excursion in progress, as if it ended at `at`; nullopt when none is open.
  std::optional<core::ColdExcursion> open_excursion(const Stamp& at) const;

 private:
  bool is_beyond(double v) const { return spec_.above ? v > spec_.limit : v < spec_.limit; }
  bool is_back_inside(double v) const {
    return spec_.above ? v <= spec_.limit - spec_.deadband : v >= spec_.limit + spec_.deadband;
  }
  void start(double value, bool held, const std::string& point, const Stamp& at);
  void raise(const Stamp& at, ColdChainOutput& out);

  LimitSpec spec_;
  bool open_ = false;
  bool alarmed_ = false;
  bool defrost_ = false;
  Stamp start_;
  double peak_ = 0;
  double last_ = 0;
  std::string point_;
  std::optional<core::SteadyTime> beyond_since_;  // continuously beyond (and not held) since
};

// "9.3" for messages: one decimal, the resolution of the probes.
std::string one_decimal(double v);
// "35 min", "2 h 05 min", "3 d 4 h"
std::string duration_words(std::chrono::milliseconds d);

}  // namespace coldsort::app::detail
