#include "room_watch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace coldsort::app::detail {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using Kind = core::ExcursionKind;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr auto kDay = std::chrono::hours{24};
const std::string kDegC = "°C";
const std::string kPctRh = "%RH";

LimitSpec temp_spec(const core::ColdRoom& room, Kind kind, const core::TempAlarmLevel& level) {
  const bool above = kind == Kind::temp_high || kind == Kind::temp_high_high;
  const char* name = kind == Kind::temp_high_high ? "high_high"
                     : kind == Kind::temp_high    ? "high"
                     : kind == Kind::temp_low     ? "low"
                                                  : "low_low";
  const char* words = kind == Kind::temp_high_high ? "high-high"
                      : kind == Kind::temp_high    ? "high"
                      : kind == Kind::temp_low     ? "low"
                                                   : "low-low";
  LimitSpec s;
  s.kind = kind;
  s.above = above;
  s.limit = level.limit_c;
  s.deadband = level.deadband_c;
  s.delay = minutes{level.delay_min};
  s.priority = level.priority;
  s.room = room.id;
  s.room_name = room.name;
  s.key = "cold." + room.id + ".temp." + name;
  s.label = "temperature";
  s.level = words;
  s.unit = kDegC;
  return s;
}

LimitSpec humidity_spec(const core::ColdRoom& room, bool high) {
  const core::HumidityAlarmLevel& level = high ? room.humidity_high : room.humidity_low;
  LimitSpec s;
  s.kind = high ? Kind::humidity_high : Kind::humidity_low;
  s.above = high;
  s.limit = level.limit_pct;
  s.deadband = level.deadband_pct;
  s.delay = minutes{level.delay_min};
  s.priority = level.priority;
  s.room = room.id;
  s.room_name = room.name;
  s.key = "cold." + room.id + (high ? ".humidity.high" : ".humidity.low");
  s.label = "humidity";
  s.level = high ? "high" : "low";
  s.unit = kPctRh;
  return s;
}

LimitSpec disagree_spec(const core::ColdRoom& room) {
  LimitSpec s;
  s.kind = Kind::sensor_fault;
  s.above = true;
  s.limit = room.probes.disagree_c;
  s.deadband = room.probes.disagree_deadband_c;
  s.delay = minutes{room.probes.disagree_delay_min};
  s.priority = core::AlarmPriority::medium;
  s.room = room.id;
  s.room_name = room.name;
  s.key = "cold." + room.id + ".probe.disagree";
  s.label = "difference between the control and record probes";
  s.level = "disagreement";
  s.unit = kDegC;
  // A door opening swings the air probe ahead of a buffered record probe; only a lasting
  // disagreement is a fault worth a record.
  s.record_unalarmed = false;
  s.detail = "control and record probes disagree";
  return s;
}

ProbeSpec probe_spec(const core::ColdRoom& room, const std::string& name,
                     const std::string& point) {
  const bool humidity = name == "humidity";
  ProbeSpec s;
  s.name = name;
  s.point = point;
  s.range_min = humidity ? 0 : room.probes.range_min_c;
  s.range_max = humidity ? 100 : room.probes.range_max_c;
  // A humidity probe may sit at saturation for days; only temperature probes can be stuck.
  if (!humidity) s.stuck_after = minutes{room.probes.stuck_after_min};
  s.stale_after = minutes{room.probes.stale_after_min};
  s.room = room.id;
  s.room_name = room.name;
  s.key = "cold." + room.id + ".probe." + name;
  s.unit = humidity ? kPctRh : kDegC;
  return s;
}

// Whether a switch reading is usable, and its position.
std::optional<bool> switch_of(const std::optional<Reading>& r) {
  if (!r || r->quality != ReadingQuality::good || !std::isfinite(r->value)) return std::nullopt;
  return r->value != 0;
}

std::optional<double> good_value(const std::optional<Reading>& r) {
  if (!r || r->quality != ReadingQuality::good || !std::isfinite(r->value)) return std::nullopt;
  return r->value;
}

// Tracks a switch; true when it changed (a first reading is no change).
bool track(std::optional<bool>& last, std::optional<bool> now) {
  if (!now) return false;
  const bool changed = last.has_value() && *last != *now;
  last = now;
  return changed;
}

}  // namespace

RoomWatch::RoomWatch(const core::ColdRoom& room, const ColdChainMonitor::Options& options)
    : room_(room),
      options_(options),
      disagree_(disagree_spec(room)),
      control_(probe_spec(room, "control", room.probes.control_point)),
      record_(probe_spec(room, "record", room.probes.record_point)),
      humidity_(probe_spec(room, "humidity", room.probes.humidity_point)) {
  temp_levels_.emplace_back(temp_spec(room, Kind::temp_high_high, room.high_high));
  temp_levels_.emplace_back(temp_spec(room, Kind::temp_high, room.high));
  temp_levels_.emplace_back(temp_spec(room, Kind::temp_low, room.low));
  temp_levels_.emplace_back(temp_spec(room, Kind::temp_low_low, room.low_low));
  humidity_levels_.emplace_back(humidity_spec(room, true));
  humidity_levels_.emplace_back(humidity_spec(room, false));
}

void RoomWatch::update(const ColdRoomSample& sample, const Stamp& at, ColdChainOutput& out) {
  const std::size_t first_alarm = out.alarms.size();
  accumulate(at);  // the time since the last sample belongs to the last judged value
  const bool in_use = update_switches(sample, at);
  judge_probes(sample, in_use, at, out);
  judge_levels(is_high_held(at), at, out);
  update_door(at, out);
  check_chilling(out);
  last_at_ = at;
  last_temp_c_ = temp_c_;
  note_alarms(out, first_alarm);
}

bool RoomWatch::update_switches(const ColdRoomSample& sample, const Stamp& at) {
  const bool was_defrosting = switches_.defrost.value_or(false);
  bool changed = track(switches_.door, switch_of(sample.door_open));
  changed = track(switches_.defrost, switch_of(sample.defrost)) || changed;
  changed = track(switches_.compressor, switch_of(sample.compressor_on)) || changed;
  if (was_defrosting && !switches_.defrost.value_or(true)) defrost_ended_ = at.steady;
  return changed;
}

bool RoomWatch::is_high_held(const Stamp& at) const {
  if (switches_.defrost.value_or(false)) return true;
  return defrost_ended_ && at.steady - *defrost_ended_ < minutes{room_.defrost_recovery_min};
}

void RoomWatch::judge_probes(const ColdRoomSample& sample, bool in_use, const Stamp& at,
                             ColdChainOutput& out) {
  // The other temperature probe moving also shows the room is in use.
  const std::optional<double> control_raw = good_value(sample.control_c);
  const std::optional<double> record_raw = good_value(sample.record_c);
  const bool control_moved = control_raw && raw_control_ && *control_raw != *raw_control_;
  const bool record_moved = record_raw && raw_record_ && *record_raw != *raw_record_;
  if (control_raw) raw_control_ = control_raw;
  if (record_raw) raw_record_ = record_raw;
  control_c_ = control_.update(sample.control_c, in_use || record_moved, at, out);
  record_c_ = record_.update(sample.record_c, in_use || control_moved, at, out);
  humidity_pct_ = humidity_.update(sample.humidity_pct, in_use, at, out);
  // The compliance record follows the independent record probe; the control probe stands
  // in while it is missing or faulty.
  temp_c_ = record_c_ ? record_c_ : control_c_;
  temp_point_ = record_c_ ? record_.spec().point : control_c_ ? control_.spec().point : "";
}

void RoomWatch::judge_levels(bool held, const Stamp& at, ColdChainOutput& out) {
  if (temp_c_) {
    for (LimitTracker& level : temp_levels_)
      level.update(*temp_c_, held && level.spec().above, temp_point_, at, out);
  }
  if (humidity_pct_) {
    // Defrost melts the coil's ice into the air: humidity peaks with the temperature.
    for (LimitTracker& level : humidity_levels_)
      level.update(*humidity_pct_, held && level.spec().above, humidity_.spec().point, at, out);
  }
  if (control_c_ && record_c_)
    disagree_.update(std::abs(*control_c_ - *record_c_), false,
                     control_.spec().point + "/" + record_.spec().point, at, out);
}

void RoomWatch::update_door(const Stamp& at, ColdChainOutput& out) {
  const bool open = switches_.door.value_or(door_open_);  // unknown: as last known
  if (open && !door_open_) {
    door_open_ = true;
    door_since_ = at;
    door_has_peak_ = false;
    door_alarmed_ = false;
    ++door_openings_today_;
  } else if (!open && door_open_) {
    close_door(at, "", out);
    return;
  }
  if (!door_open_) return;
  if (temp_c_) {
    door_peak_c_ = door_has_peak_ ? std::max(door_peak_c_, *temp_c_) : *temp_c_;
    door_has_peak_ = true;
  }
  const auto open_for = at.steady - door_since_.steady;
  if (door_alarmed_ || open_for < minutes{room_.door_open_max_min}) return;
  door_alarmed_ = true;
  out.alarms.push_back(AlarmRequest{
      AlarmRequest::Action::raise, key("door"), room_.id,
      room_.name + ": door open for " +
          duration_words(std::chrono::duration_cast<milliseconds>(open_for)) + " (limit " +
          std::to_string(room_.door_open_max_min) + " min)",
      core::AlarmPriority::medium});
}

std::optional<core::ColdExcursion> RoomWatch::open_door(const Stamp& at) const {
  if (!door_open_) return std::nullopt;
  core::ColdExcursion e;
  e.room = room_.id;
  e.kind = Kind::door_open;
  e.start = door_since_.wall;
  e.end = at.wall;
  e.duration = std::chrono::duration_cast<milliseconds>(at.steady - door_since_.steady);
  e.peak = door_has_peak_ ? door_peak_c_ : kNaN;
  e.limit = room_.door_open_max_min;
  e.alarmed = door_alarmed_;
  e.probe = "door_open";
  return e;
}

void RoomWatch::close_door(const Stamp& at, const std::string& detail, ColdChainOutput& out) {
  if (!door_open_) return;
  core::ColdExcursion e = *open_door(at);
  e.detail = detail;
  if (door_alarmed_)
    out.alarms.push_back(AlarmRequest{AlarmRequest::Action::clear, key("door"), room_.id,
                                      room_.name + ": door closed after " +
                                          duration_words(e.duration),
                                      core::AlarmPriority::medium});
  out.excursions.push_back(std::move(e));
  door_open_ = false;
  door_alarmed_ = false;
}

void RoomWatch::accumulate(const Stamp& at) {
  const auto local = at.wall.time_since_epoch() + options_.utc_offset;
  const auto day = static_cast<long long>(std::chrono::floor<std::chrono::days>(local).count());
  if (day != today_) {
    today_ = day;
    measured_today_ = in_range_today_ = milliseconds{0};
    door_openings_today_ = 0;
  }
  if (!last_at_ || !last_temp_c_) return;
  const auto dt = std::chrono::duration_cast<milliseconds>(at.steady - last_at_->steady);
  if (dt <= milliseconds{0} || dt > options_.max_gap) return;  // a gap: nobody knows
  // Only the part after local midnight belongs to today.
  const auto since_midnight = std::chrono::duration_cast<milliseconds>(
      local - std::chrono::floor<std::chrono::days>(local));
  const auto today_part = std::min(dt, since_midnight);
  measured_today_ += today_part;
  if (*last_temp_c_ >= room_.min_c && *last_temp_c_ <= room_.max_c) in_range_today_ += today_part;
  if (*last_temp_c_ < room_.chilling.below_c) below_chilling_ += dt;
}

void RoomWatch::check_chilling(ColdChainOutput& out) {
  const auto limit = std::chrono::duration_cast<milliseconds>(
      std::chrono::duration<double, std::ratio<86400>>(room_.chilling.max_days));
  if (chilling_alarmed_ || below_chilling_ < limit) return;
  chilling_alarmed_ = true;
  std::string advice = room_.long_term_after_days > 0
                           ? "; consider the long-term setpoint " +
                                 one_decimal(room_.long_term_setpoint_c) + " " + kDegC
                           : "";
  out.alarms.push_back(AlarmRequest{
      AlarmRequest::Action::raise, key("chilling"), room_.id,
      room_.name + ": " + duration_words(below_chilling_) + " below " +
          one_decimal(room_.chilling.below_c) + " " + kDegC + " in total (limit " +
          one_decimal(room_.chilling.max_days) + " days): chilling injury risk" + advice,
      core::AlarmPriority::low});
}

void RoomWatch::reset_chilling(ColdChainOutput& out) {
  below_chilling_ = milliseconds{0};
  if (chilling_alarmed_) {
    out.alarms.push_back(AlarmRequest{AlarmRequest::Action::clear, key("chilling"), room_.id,
                                      room_.name + ": chilling time reset (room restocked)",
                                      core::AlarmPriority::low});
    chilling_alarmed_ = false;
    active_alarms_.erase(key("chilling"));
  }
}

void RoomWatch::note_alarms(const ColdChainOutput& out, std::size_t from) {
  for (std::size_t i = from; i < out.alarms.size(); ++i) {
    if (out.alarms[i].action == AlarmRequest::Action::raise)
      active_alarms_.insert(out.alarms[i].key);
    else
      active_alarms_.erase(out.alarms[i].key);
  }
}

void RoomWatch::finish(ColdChainOutput& out) {
  if (!last_at_) return;
  const std::string why = "open when monitoring stopped";
  for (LimitTracker& level : temp_levels_) level.close(*last_at_, why, out);
  for (LimitTracker& level : humidity_levels_) level.close(*last_at_, why, out);
  disagree_.close(*last_at_, why, out);
  for (ProbeWatch* probe : {&control_, &record_, &humidity_}) probe->close(*last_at_, why, out);
  close_door(*last_at_, why, out);
  last_at_.reset();
  last_temp_c_.reset();
  switches_ = Switches{};
  defrost_ended_.reset();
  active_alarms_.clear();
}

ColdRoomSnapshot RoomWatch::snapshot() const {
  ColdRoomSnapshot s;
  s.room = room_.id;
  s.control_c = control_c_;
  s.record_c = record_c_;
  s.humidity_pct = humidity_pct_;
  s.temp_c = temp_c_;
  s.temp_point = temp_point_;
  s.door_open = door_open_;
  s.defrost = switches_.defrost.value_or(false);
  s.active_alarms.assign(active_alarms_.begin(), active_alarms_.end());
  s.measured_today = measured_today_;
  s.in_range_today = in_range_today_;
  s.door_openings_today = door_openings_today_;
  s.below_chilling = below_chilling_;
  if (!last_at_) return s;
  s.high_alarms_held = is_high_held(*last_at_);
  for (const auto* levels : {&temp_levels_, &humidity_levels_})
    for (const LimitTracker& level : *levels)
      if (auto e = level.open_excursion(*last_at_)) s.open_excursions.push_back(std::move(*e));
  if (auto e = disagree_.open_excursion(*last_at_); e && disagree_.is_alarmed())
    s.open_excursions.push_back(std::move(*e));
  for (const ProbeWatch* probe : {&control_, &record_, &humidity_})
    if (auto e = probe->open_fault(*last_at_)) s.open_excursions.push_back(std::move(*e));
  if (auto e = open_door(*last_at_)) s.open_excursions.push_back(std::move(*e));
  return s;
}

}  // namespace coldsort::app::detail
