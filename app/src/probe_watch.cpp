#include "probe_watch.hpp"

#include <cmath>
#include <limits>

namespace coldsort::app::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

void ProbeWatch::track_changes(double value, bool room_in_use, const Stamp& at) {
  // Exact comparison on purpose: a live probe on a x0.1 register moves by at least one
  // count over hours in a room that is in use; a frozen transmitter repeats the same bits.
  if (!last_value_ || *last_value_ != value) {
    last_value_ = value;
    last_change_ = at;
  }
  if (room_in_use) last_activity_ = at.steady;
}

std::optional<ProbeWatch::Cause> ProbeWatch::cause_of(const Reading& r, const Stamp& at) {
  if (r.quality == ReadingQuality::stale) {
    invalid_since_.reset();
    if (!stale_since_) stale_since_ = at;
    if (at.steady - stale_since_->steady < spec_.stale_after) return std::nullopt;
    fault_value_ = kNaN;
    return Cause{*stale_since_, "no fresh reading (stale)"};
  }
  stale_since_.reset();
  const bool in_range =
      std::isfinite(r.value) && r.value >= spec_.range_min && r.value <= spec_.range_max;
  if (r.quality == ReadingQuality::bad || !in_range) {
    if (!invalid_since_) invalid_since_ = at;
    fault_value_ = r.value;
    return Cause{*invalid_since_, r.quality == ReadingQuality::bad
                                      ? "bad reading " + one_decimal(r.value) + " " + spec_.unit
                                      : "reads " + one_decimal(r.value) + " " + spec_.unit +
                                            ", outside its physical range " +
                                            one_decimal(spec_.range_min) + " to " +
                                            one_decimal(spec_.range_max)};
  }
  invalid_since_.reset();
  // Stuck: unchanged for stuck_after, and the room was in use after the last change.
  if (spec_.stuck_after && at.steady - last_change_.steady >= *spec_.stuck_after &&
      last_activity_ && *last_activity_ > last_change_.steady) {
    fault_value_ = *last_value_;
    return Cause{last_change_, "stuck at " + one_decimal(*last_value_) + " " + spec_.unit +
                                   " while the room is in use",
                 true};
  }
  return std::nullopt;
}

std::optional<double> ProbeWatch::update(const std::optional<Reading>& reading, bool room_in_use,
                                         const Stamp& at, ColdChainOutput& out) {
  if (!reading) return std::nullopt;
  const bool usable_kind = reading->quality == ReadingQuality::good &&
                           std::isfinite(reading->value) && reading->value >= spec_.range_min &&
                           reading->value <= spec_.range_max;
  if (usable_kind) track_changes(reading->value, room_in_use, at);
  std::optional<Cause> cause = cause_of(*reading, at);
  if (cause && !faulted_) {
    raise(*cause, out);
  } else if (cause) {
    fault_what_ = cause->what;  // the newest reason, for the record
  } else if (faulted_) {
    close(at, "", out);
  }
  if (!usable_kind || faulted_) return std::nullopt;
  return reading->value;
}

void ProbeWatch::raise(const Cause& cause, ColdChainOutput& out) {
  faulted_ = true;
  // After a spell of garbage or silence, "unchanged" counts from the first good value.
  if (!cause.stuck) last_value_.reset();
  fault_since_ = cause.since;
  fault_what_ = cause.what;
  out.alarms.push_back(AlarmRequest{
      AlarmRequest::Action::raise, spec_.key, spec_.room,
      spec_.room_name + ": " + spec_.name + " probe " + spec_.point + " " + cause.what +
          "; its readings are not used",
      core::AlarmPriority::high});
}

std::optional<core::ColdExcursion> ProbeWatch::open_fault(const Stamp& at) const {
  if (!faulted_) return std::nullopt;
  core::ColdExcursion e;
  e.room = spec_.room;
  e.kind = core::ExcursionKind::sensor_fault;
  e.start = fault_since_.wall;
  e.end = at.wall;
  e.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(at.steady - fault_since_.steady);
  e.peak = fault_value_;
  e.limit = kNaN;
  e.alarmed = true;
  e.probe = spec_.point;
  e.detail = spec_.name + " probe " + fault_what_;
  return e;
}

void ProbeWatch::close(const Stamp& at, const std::string& detail, ColdChainOutput& out) {
  if (!faulted_) return;
  core::ColdExcursion e = *open_fault(at);
  if (!detail.empty()) e.detail += "; " + detail;
  out.alarms.push_back(AlarmRequest{AlarmRequest::Action::clear, spec_.key, spec_.room,
                                    spec_.room_name + ": " + spec_.name + " probe " +
                                        spec_.point + " reads normally again",
                                    core::AlarmPriority::high});
  out.excursions.push_back(std::move(e));
  faulted_ = false;
  invalid_since_.reset();
  stale_since_.reset();
}

}  // namespace coldsort::app::detail
