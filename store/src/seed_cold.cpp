#include "seed_cold.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace coldsort::store::detail {
namespace {

using Kind = RoomEvent::Kind;

constexpr double kAmbientC = 22;       // Huili in harvest season (config/default.json simulator)
constexpr double kRecoverMin = 40;     // the evaporator pulls a warmed room back with tau ~40 min
constexpr double kWarmMin = 600;       // a loaded room with its coil off warms with tau ~10 h
constexpr double kDoorMin = 90;        // an open door (fans running) mixes in outside air, tau ~90 min
constexpr double kHeaterCPerMin = 0.04;  // electric defrost heater's share reaching the record probe
constexpr double kOvercoolC = -4;      // a stuck thermostat drives the air ~4 degC under setpoint
constexpr double kCycleC = 0.4;        // on/off control within a ~1 degC differential: +-0.4 degC
constexpr int kTempDelayMin = 30;      // high/low alarm delay (core default_cold_room_alarms)
constexpr int kDoorDelayMin = 10;      // door_open_max_min (config/default.json)
constexpr int kDefrostEveryMin = 6 * 60;  // four defrosts a day at fruit-store humidity
constexpr int kDefrostMin = 20;
constexpr int kDefrostRecoveryMin = 30;  // defrost_recovery_min (config/default.json)
// Couriers load from the staging rooms at their collections (seed_packing.cpp's pickups).
constexpr std::array<double, 7> kLoadingMin{12 * 60, 14 * 60, 15 * 60, 16 * 60 + 30,
                                            17 * 60, 18 * 60, 20 * 60};

std::string room_id(int n) {
  std::string id = n < 10 ? "R0" : "R";
  return id.append(std::to_string(n));
}

bool active(const std::vector<RoomEvent>& events, Kind kind, std::int64_t minute, int extra = 0) {
  for (const RoomEvent& e : events)
    if (e.kind == kind && minute >= e.from_min && minute < e.to_min + extra) return true;
  return false;
}

// Doors open in working hours: raw stores when forklifts fetch crates for the line (about
// every 45 min, 1-4 min), staging rooms when trolleys of parcels come in (about every 20
// min, 1-3 min) and for 5-12 min at each courier's loading.
void add_doors(const ColdSeeder::Room& room, std::int64_t day_min, Rng& rng,
               std::vector<RoomEvent>& out) {
  const double mean_gap = room.staging ? 20 : 45;
  const int longest = room.staging ? 3 : 4;
  std::vector<RoomEvent> doors;
  if (room.staging) {
    for (double m : kLoadingMin) {
      const auto from = day_min + static_cast<std::int64_t>(m);
      doors.push_back({Kind::door, from, from + 5 + rng.below(8)});
    }
  }
  double m = 6 * 60 + 30 + rng.uniform(0, mean_gap);
  while (m < 21 * 60 + 30) {
    const auto from = day_min + static_cast<std::int64_t>(m);
    doors.push_back({Kind::door, from, from + 1 + rng.below(longest)});
    m += 1 + longest - std::log(1.0 - rng.uniform()) * mean_gap;
  }
  std::sort(doors.begin(), doors.end(),
            [](const RoomEvent& a, const RoomEvent& b) { return a.from_min < b.from_min; });
  std::int64_t open_until = 0;  // openings that overlap merge into one
  for (const RoomEvent& d : doors) {
    if (!out.empty() && out.back().kind == Kind::door && d.from_min <= open_until) {
      out.back().to_min = std::max(out.back().to_min, d.to_min);
    } else {
      out.push_back(d);
    }
    open_until = out.back().to_min;
  }
}

}  // namespace

ColdSeeder::ColdSeeder(const SeedOptions& options, const SeasonCalendar& calendar)
    : options_(options), calendar_(calendar) {
  Rng rng = rng_for(options.seed, -1, SeedStream::cold);
  const int staging = options.rooms >= 2 ? std::max(1, options.rooms / 5) : 0;
  const int raw = options.rooms - staging;
  const std::int64_t season_min = std::int64_t{options.days} * 1440;
  // Real faults end at least 8 h before the run does, so every excursion they cause closes.
  const std::int64_t last_min = season_min - 8 * 60;
  for (int i = 0; i < options.rooms; ++i) {
    Room r;
    r.id = room_id(i + 1);
    r.device = "cold-" + r.id;
    r.staging = i >= raw;
    r.name = r.staging ? "Parcel staging " + std::to_string(i - raw + 1)
                       : "Raw store " + std::to_string(i + 1);
    // Raw fruit: 6 degC in a 5-8 degC band (pomegranate: 5-7 degC, UC Davis Postharvest
    // Center; below 5 degC chilling injury); staging: 7 degC in 5-10 (config/default.json).
    r.setpoint_c = r.staging ? 7 : 6;
    r.min_c = 5;
    r.max_c = r.staging ? 10 : 8;
    r.cycle_min = rng.uniform(25, 35);
    for (int e = 0; e < options.room_events; ++e) {
      const double u = rng.uniform();
      RoomEvent f;
      f.kind = u < 0.5 ? Kind::trip : u < (r.staging ? 1.0 : 0.8) ? Kind::long_door : Kind::overcool;
      const std::int64_t day_min = rng.below(options.days) * 1440;
      const double duration = f.kind == Kind::trip       ? rng.uniform(120, 300)
                              : f.kind == Kind::long_door ? rng.uniform(30, 60)
                                                          : rng.uniform(120, 240);
      // Doors are left open in working hours; a thermostat sticks at any time.
      const double start = f.kind == Kind::long_door ? rng.uniform(7 * 60, 20 * 60) : rng.uniform(0, 1440);
      f.from_min = std::min(day_min + static_cast<std::int64_t>(start),
                            last_min - static_cast<std::int64_t>(duration));
      f.to_min = f.from_min + static_cast<std::int64_t>(duration);
      if (f.from_min >= 0) r.faults.push_back(f);
    }
    std::sort(r.faults.begin(), r.faults.end(),
              [](const RoomEvent& a, const RoomEvent& b) { return a.from_min < b.from_min; });
    rooms_.push_back(std::move(r));
  }
}

std::vector<std::string> ColdSeeder::raw_rooms() const {
  std::vector<std::string> ids;
  for (const Room& r : rooms_)
    if (!r.staging) ids.push_back(r.id);
  return ids;
}

void ColdSeeder::add_bands(DayRecords& out) const {
  const std::int64_t t = calendar_.day_start_ms(0);
  for (const Room& r : rooms_) {
    out.push_back({t, ColdRoomBand{r.id, r.name, r.device, "record_temp_c", r.min_c, r.max_c,
                                   wall_from_ms(t)}});
  }
}

std::vector<RoomEvent> ColdSeeder::day_events(std::size_t room, int day, Rng& rng) const {
  const Room& r = rooms_[room];
  const std::int64_t day_min = std::int64_t{day} * 1440;
  std::vector<RoomEvent> events;
  // Faults of the day (and of the day before, when they run past midnight).
  for (const RoomEvent& f : r.faults)
    if (f.to_min > day_min && f.from_min < day_min + 1440) events.push_back(f);
  const std::int64_t offset = static_cast<std::int64_t>(room) * 47 % kDefrostEveryMin;
  for (std::int64_t m = day_min - kDefrostEveryMin + offset; m < day_min + 1440; m += kDefrostEveryMin)
    events.push_back({Kind::defrost, m, m + kDefrostMin});
  if (calendar_.fruit_per_day[static_cast<std::size_t>(day)] > 0 ||
      calendar_.parcels_per_day[static_cast<std::size_t>(day)] > 0)
    add_doors(r, day_min, rng, events);
  return events;
}

void ColdSeeder::generate_day(int day, DayRecords& out) {
  for (std::size_t i = 0; i < rooms_.size(); ++i) {
    Rng rng = rng_for(options_.seed, std::int64_t{day} * 128 + static_cast<std::int64_t>(i),
                      SeedStream::cold);
    const std::vector<RoomEvent> events = day_events(i, day, rng);
    for (int m = 0; m < 1440; ++m) {
      const std::int64_t abs_min = std::int64_t{day} * 1440 + m;
      step_room(rooms_[i], events, abs_min, calendar_.local_ms(day, m), rng, out);
    }
  }
}


namespace {

// Disturbances by strength, for an excursion's detail: the strongest one seen during it.
int cause_of(bool trip, bool overcool, bool long_door, bool door, bool defrost) {
  return trip ? 5 : overcool ? 4 : long_door ? 3 : door ? 2 : defrost ? 1 : 0;
}
const char* cause_text(int cause) {
  static constexpr std::array<const char*, 6> kText{
      "", "defrost", "door opening", "door left open", "thermostat fault: over-cooling",
      "compressor trip"};
  return kText[static_cast<std::size_t>(std::clamp(cause, 0, 5))];
}

std::string limit_text(double value) {
  const long tenths = std::lround(value * 10);
  return std::to_string(tenths / 10) + "." + std::to_string(std::labs(tenths % 10));
}

}  // namespace

void ColdSeeder::step_room(Room& r, const std::vector<RoomEvent>& events, std::int64_t abs_min,
                           std::int64_t t_ms, Rng& rng, DayRecords& out) {
  const bool long_door = active(events, Kind::long_door, abs_min);
  const bool door = long_door || active(events, Kind::door, abs_min);
  const bool defrost = active(events, Kind::defrost, abs_min);
  const bool trip = active(events, Kind::trip, abs_min);
  const bool overcool = active(events, Kind::overcool, abs_min);
  // One Euler step a minute of a first-order room: the evaporator pulls the air back to
  // what the controller holds unless the coil is off (trip, defrost) or stuck on.
  const double air_c = r.setpoint_c + r.rise_c;
  double change = 0;
  if (overcool) {
    change = (kOvercoolC - r.rise_c) / 60;
  } else if (!trip && !defrost) {
    change = -r.rise_c / kRecoverMin;
  }
  if (trip || defrost) change += (kAmbientC - air_c) / kWarmMin;
  if (defrost) change += kHeaterCPerMin;
  if (door) change += (kAmbientC - air_c) / kDoorMin;
  r.rise_c += change;
  r.dry_pct = door ? r.dry_pct + 0.8 : r.dry_pct * (1 - 1.0 / 20);
  // The controller's on/off cycle: a triangle wave within its differential.
  const double phase = std::fmod(static_cast<double>(abs_min), r.cycle_min) / r.cycle_min;
  const double cycle = kCycleC * (4 * std::abs(phase - 0.5) - 1);
  // Recorded to 0.1 degC and 0.1 %RH, as the room controller's x0.1 registers give them.
  const double temp_c = round_to(r.setpoint_c + r.rise_c + cycle + rng.normal(0, 0.05), 10);
  const double rh_pct =
      round_to(std::clamp(91 - 3 * cycle - r.dry_pct + rng.normal(0, 0.3), 50.0, 100.0), 10);
  const core::WallTime at = wall_from_ms(t_ms);
  out.push_back({t_ms, SensorSample{r.device, "record_temp_c", temp_c, at}});
  out.push_back({t_ms, SensorSample{r.device, "humidity_pct", rh_pct, at}});
  poll_ack(r, r.temp_alarm, t_ms, out);
  poll_ack(r, r.door_alarm, t_ms, out);
  const bool recovering = active(events, Kind::defrost, abs_min, kDefrostRecoveryMin);
  track_door(r, door, long_door, temp_c, t_ms, rng, out);
  track_band(r, temp_c, recovering, cause_of(trip, overcool, long_door, door, recovering), t_ms,
             rng, out);
}

// The rule the excursion records follow: a run of consecutive samples above max_c (below
// min_c) is one excursion from its first sample beyond to the first sample back inside,
// with the run's max (min) as its peak.
void ColdSeeder::track_band(Room& r, double value, bool defrost, int cause, std::int64_t t_ms,
                            Rng& rng, DayRecords& out) {
  const bool above = value > r.max_c;
  const bool below = value < r.min_c;
  if (r.beyond && (r.high ? above : below)) {
    r.run_peak = r.high ? std::max(r.run_peak, value) : std::min(r.run_peak, value);
    r.run_defrost = r.run_defrost || defrost;
    r.run_cause = std::max(r.run_cause, cause);
    if (t_ms - r.run_start_ms == kTempDelayMin * kMinuteMs) {
      r.temp_alarm.key = "cold." + r.id + (r.high ? ".temp_high" : ".temp_low");
      r.temp_alarm.message = r.id + " " + r.name + ": record probe " + (r.high ? "above " : "below ") +
                             limit_text(r.high ? r.max_c : r.min_c) + " degC for " +
                             std::to_string(kTempDelayMin) + " min";
      raise(r, r.temp_alarm, t_ms, rng, out);
      r.run_alarmed = true;
    }
    return;
  }
  if (r.beyond) {
    core::ColdExcursion e;
    e.room = r.id;
    e.kind = r.high ? core::ExcursionKind::temp_high : core::ExcursionKind::temp_low;
    e.start = wall_from_ms(r.run_start_ms);
    e.end = wall_from_ms(t_ms);
    e.duration = std::chrono::milliseconds{t_ms - r.run_start_ms};
    e.peak = r.run_peak;
    e.limit = r.high ? r.max_c : r.min_c;
    e.alarmed = r.run_alarmed;
    e.defrost = r.run_defrost;
    e.probe = "record_temp_c";
    e.detail = cause_text(r.run_cause);
    out.push_back({t_ms, std::move(e)});
    if (r.run_alarmed) clear(r, r.temp_alarm, t_ms, out);
    r.beyond = false;
  }
  if (above || below) {
    r.beyond = true;
    r.high = above;
    r.run_start_ms = t_ms;
    r.run_peak = value;
    r.run_defrost = defrost;
    r.run_alarmed = false;
    r.run_cause = cause;
  }
}

// A door opening is a door_open excursion from the minute it opened to the minute it shut,
// with the warmest sample while open as its peak and door_open_max_min as its limit.
void ColdSeeder::track_door(Room& r, bool open, bool long_open, double value, std::int64_t t_ms,
                            Rng& rng, DayRecords& out) {
  if (open && !r.door_open) {
    r.door_open = true;
    r.door_long = long_open;
    r.door_start_ms = t_ms;
    r.door_peak = value;
    return;
  }
  if (open) {
    r.door_peak = std::max(r.door_peak, value);
    r.door_long = r.door_long || long_open;
    if (t_ms - r.door_start_ms == kDoorDelayMin * kMinuteMs) {
      r.door_alarm.key = "cold." + r.id + ".door_open";
      r.door_alarm.message = r.id + " " + r.name + ": door open for " +
                             std::to_string(kDoorDelayMin) + " min";
      raise(r, r.door_alarm, t_ms, rng, out);
    }
    return;
  }
  if (!r.door_open) return;
  const std::int64_t duration_ms = t_ms - r.door_start_ms;
  core::ColdExcursion e;
  e.room = r.id;
  e.kind = core::ExcursionKind::door_open;
  e.start = wall_from_ms(r.door_start_ms);
  e.end = wall_from_ms(t_ms);
  e.duration = std::chrono::milliseconds{duration_ms};
  e.peak = r.door_peak;
  e.limit = kDoorDelayMin;
  e.alarmed = duration_ms > kDoorDelayMin * kMinuteMs;
  e.probe = "record_temp_c";
  e.detail = r.door_long ? "door left open" : "door opening";
  const bool alarmed = e.alarmed;
  out.push_back({t_ms, std::move(e)});
  if (alarmed) clear(r, r.door_alarm, t_ms, out);
  r.door_open = false;
}

namespace {

void add_transition(const ColdSeeder::Room& r, const ColdSeeder::AlarmSlot& slot,
                    core::AlarmState from, core::AlarmState to, bool condition, std::int64_t t_ms,
                    const std::string& by, const char* reason, DayRecords& out) {
  core::AlarmEvent e;
  e.key = slot.key;
  e.source = r.id;
  e.message = slot.message;
  e.priority = core::AlarmPriority::medium;  // the high and low levels' priority
  e.from = from;
  e.to = to;
  e.active = condition;
  e.at = wall_from_ms(t_ms);
  e.by = by;
  e.reason = reason;
  out.push_back({t_ms, std::move(e)});
}

}  // namespace

void ColdSeeder::raise(const Room& r, AlarmSlot& slot, std::int64_t t_ms, Rng& rng, DayRecords& out) {
  using S = core::AlarmState;
  // Raised again before anyone acknowledged its return: back to unacknowledged active.
  const S from = slot.raised && slot.cleared ? S::unacked_returned : S::normal;
  add_transition(r, slot, from, S::unacked_active, true, t_ms, "system", "raised", out);
  if (!slot.raised || slot.acked) slot.ack_ms = t_ms + static_cast<std::int64_t>(rng.uniform(3, 20) * kMinuteMs);
  slot.raised = true;
  slot.acked = false;
  slot.cleared = false;
}

void ColdSeeder::clear(const Room& r, AlarmSlot& slot, std::int64_t t_ms, DayRecords& out) {
  using S = core::AlarmState;
  if (slot.acked) {
    add_transition(r, slot, S::acked_active, S::normal, false, t_ms, "system", "cleared", out);
    slot = AlarmSlot{};
  } else {
    add_transition(r, slot, S::unacked_active, S::unacked_returned, false, t_ms, "system", "cleared", out);
    slot.cleared = true;
  }
}

void ColdSeeder::poll_ack(const Room& r, AlarmSlot& slot, std::int64_t t_ms, DayRecords& out) {
  using S = core::AlarmState;
  if (!slot.raised || slot.acked || t_ms < slot.ack_ms) return;
  const double minute_of_day =
      static_cast<double>(((slot.ack_ms - calendar_.first_day_ms) % kDayMs + kDayMs) % kDayMs) / kMinuteMs;
  const std::string by = line_operator(options_, minute_of_day);
  if (slot.cleared) {
    add_transition(r, slot, S::unacked_returned, S::normal, false, slot.ack_ms, by, "acknowledged", out);
  } else {
    add_transition(r, slot, S::unacked_active, S::acked_active, true, slot.ack_ms, by, "acknowledged", out);
  }
  core::OperatorAction a;
  a.at = wall_from_ms(slot.ack_ms);
  a.actor = by;
  a.role = "operator";
  a.action = "alarm.acknowledge";
  a.target = "alarm:" + slot.key;
  a.outcome = "done";
  out.push_back({slot.ack_ms, std::move(a)});
  if (slot.cleared) {
    slot = AlarmSlot{};
  } else {
    slot.acked = true;
  }
}

}  // namespace coldsort::store::detail
