#include "cold_room_config.hpp"

#include <cstdio>
#include <set>
#include <string>
#include <vector>

namespace coldsort::core {
namespace {

// The widest temperatures a room's limits may name; the probe range narrows them.
constexpr double kLimitMinC = -50;
constexpr double kLimitMaxC = 80;
// A day of delay is already far beyond any cold-chain rule; longer is a typo.
constexpr int kMaxDelayMin = 24 * 60;

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

AlarmPriority read_priority(ObjectReader& r, AlarmPriority fallback) {
  std::string text =
      r.choice("priority", {"low", "medium", "high", "urgent"}, std::string(to_string(fallback)));
  return parse_alarm_priority(text).value_or(fallback);
}

// Reads `levels.<key>` over `level` (which holds the defaults).
void read_temp_level(ObjectReader& levels, std::string_view key, TempAlarmLevel& level) {
  auto r = levels.child(key, false);
  if (!r) return;
  level.limit_c = r->number("limit_c", kLimitMinC, kLimitMaxC, level.limit_c);
  level.delay_min = static_cast<int>(r->integer("delay_min", 0, kMaxDelayMin, level.delay_min));
  level.deadband_c = r->number("deadband_c", 0, 10, level.deadband_c);
  level.priority = read_priority(*r, level.priority);
  r->finish();
}

void read_humidity_level(ObjectReader& levels, std::string_view key, HumidityAlarmLevel& level) {
  auto r = levels.child(key, false);
  if (!r) return;
  level.limit_pct = r->number("limit_pct", 0, 100, level.limit_pct);
  level.delay_min = static_cast<int>(r->integer("delay_min", 0, kMaxDelayMin, level.delay_min));
  level.deadband_pct = r->number("deadband_pct", 0, 50, level.deadband_pct);
  level.priority = read_priority(*r, level.priority);
  r->finish();
}

// A deadband must be positive and leave the value inside the next level when it clears.
void check_deadband(ObjectReader& r, const std::string& key, double deadband, double gap,
                    const char* gap_name) {
  if (deadband <= 0)
    r.error(key, "must be positive, got " + number_text(deadband));
  else if (deadband >= gap)
    r.error(key, "must be smaller than the gap " + std::string(gap_name) + " (" +
                     number_text(gap) + ")");
}

void check_temp_levels(ObjectReader& r, const ColdRoom& room) {
  struct Named {
    const char* name;
    const TempAlarmLevel* level;
  };
  const Named order[] = {{"low_low", &room.low_low},
                         {"low", &room.low},
                         {"high", &room.high},
                         {"high_high", &room.high_high}};
  for (std::size_t i = 1; i < 4; ++i)
    if (order[i].level->limit_c <= order[i - 1].level->limit_c)
      r.error(std::string(order[i].name) + ".limit_c",
              "must be above " + std::string(order[i - 1].name) + ".limit_c (" +
                  number_text(order[i - 1].level->limit_c) + ")");
  const double band = room.high.limit_c - room.low.limit_c;
  check_deadband(r, "low_low.deadband_c", room.low_low.deadband_c,
                 room.low.limit_c - room.low_low.limit_c, "to low.limit_c");
  check_deadband(r, "low.deadband_c", room.low.deadband_c, band, "to high.limit_c");
  check_deadband(r, "high.deadband_c", room.high.deadband_c, band, "to low.limit_c");
  check_deadband(r, "high_high.deadband_c", room.high_high.deadband_c,
                 room.high_high.limit_c - room.high.limit_c, "to high.limit_c");
}

void read_temp_alarms(ObjectReader& room_reader, ColdRoom& room) {
  default_cold_room_alarms(room);
  auto r = room_reader.child("temp_alarms", false);
  if (!r) return;
  // The inner levels first: the outer defaults sit 2 degC beyond whatever they became.
  read_temp_level(*r, "low", room.low);
  read_temp_level(*r, "high", room.high);
  room.low_low.limit_c = room.low.limit_c - (room.min_c - room.low_low.limit_c);
  room.high_high.limit_c = room.high.limit_c + (room.high_high.limit_c - room.max_c);
  read_temp_level(*r, "low_low", room.low_low);
  read_temp_level(*r, "high_high", room.high_high);
  r->finish();
  check_temp_levels(*r, room);
}

void read_humidity_alarms(ObjectReader& room_reader, ColdRoom& room) {
  auto r = room_reader.child("humidity_alarms", false);
  if (!r) return;
  read_humidity_level(*r, "low", room.humidity_low);
  read_humidity_level(*r, "high", room.humidity_high);
  r->finish();
  const double gap = room.humidity_high.limit_pct - room.humidity_low.limit_pct;
  if (gap <= 0) {
    r->error("high.limit_pct", "must be above low.limit_pct (" +
                                   number_text(room.humidity_low.limit_pct) + ")");
    return;
  }
  check_deadband(*r, "low.deadband_pct", room.humidity_low.deadband_pct, gap, "to high.limit_pct");
  check_deadband(*r, "high.deadband_pct", room.humidity_high.deadband_pct, gap,
                 "to low.limit_pct");
}

// `point` on `device_id`'s register map; an empty device id means the room's own device.
const DeviceConfig* probe_device(const Config& c, const ColdRoom& room,
                                 const std::string& device_id) {
  return c.find_device(device_id.empty() ? room.device : device_id);
}

// Checks an optional probe (record, humidity). Left at its default and absent from the
// map, it is simply not there (older controllers have no second probe); named by the
// config and absent, it is an error.
void check_optional_probe(ObjectReader& r, const Config& c, const ColdRoom& room,
                          const char* point_key, std::string& point, const char* device_key,
                          const std::string& device_id, bool explicit_point) {
  if (!device_id.empty()) {
    const DeviceConfig* d = c.find_device(device_id);
    if (d == nullptr || (d->kind != DeviceKind::cold_room && d->kind != DeviceKind::th_sensor)) {
      r.error(device_key, "unknown cold_room or th_sensor device \"" + device_id + "\"");
      return;
    }
  }
  const DeviceConfig* d = probe_device(c, room, device_id);
  if (point.empty() || d == nullptr || d->map.find(point) != nullptr) return;
  if (explicit_point)
    r.error(point_key, "device \"" + d->id + "\" has no point \"" + point + "\"");
  else
    point.clear();
}

void read_probe_names(ObjectReader& r, const Config& c, ColdRoom& room) {
  ColdRoomProbes& p = room.probes;
  p.control_point = r.string("control", p.control_point);
  const bool explicit_record = r.has("record");
  const bool explicit_humidity = r.has("humidity");
  p.record_point = r.string("record", p.record_point);
  p.record_device = r.string("record_device", "");
  p.humidity_point = r.string("humidity", p.humidity_point);
  p.humidity_device = r.string("humidity_device", "");
  const DeviceConfig* own = c.find_device(room.device);
  if (own != nullptr && own->map.find(p.control_point) == nullptr)
    r.error("control", "device \"" + own->id + "\" has no point \"" + p.control_point + "\"");
  check_optional_probe(r, c, room, "record", p.record_point, "record_device", p.record_device,
                       explicit_record);
  check_optional_probe(r, c, room, "humidity", p.humidity_point, "humidity_device",
                       p.humidity_device, explicit_humidity);
  if (p.record_point.empty()) p.record_device.clear();
  if (p.humidity_point.empty()) p.humidity_device.clear();
}

void read_probes(ObjectReader& room_reader, const Config& c, ColdRoom& room) {
  ColdRoomProbes& p = room.probes;
  auto r = room_reader.child("probes", false);
  if (!r) {
    const boost::json::value no_keys = boost::json::object();
    ObjectReader defaults(no_keys, room_reader.path_of("probes"), room_reader.errors());
    read_probe_names(defaults, c, room);  // the default points still have to be in the map
    return;
  }
  read_probe_names(*r, c, room);
  p.range_min_c = r->number("range_min_c", -100, 100, p.range_min_c);
  p.range_max_c = r->number("range_max_c", -100, 200, p.range_max_c);
  p.stuck_after_min =
      static_cast<int>(r->integer("stuck_after_min", 1, 7 * kMaxDelayMin, p.stuck_after_min));
  p.stale_after_min =
      static_cast<int>(r->integer("stale_after_min", 0, kMaxDelayMin, p.stale_after_min));
  p.disagree_c = r->number("disagree_c", 0.1, 20, p.disagree_c);
  p.disagree_delay_min =
      static_cast<int>(r->integer("disagree_delay_min", 0, kMaxDelayMin, p.disagree_delay_min));
  p.disagree_deadband_c = r->number("disagree_deadband_c", 0, 10, p.disagree_deadband_c);
  r->finish();
  if (p.range_min_c >= p.range_max_c) r->error("range_max_c", "must be above range_min_c");
  check_deadband(*r, "disagree_deadband_c", p.disagree_deadband_c, p.disagree_c, "disagree_c");
}

void read_long_term(ObjectReader& room_reader, ColdRoom& room) {
  // Pomegranates keep 2 months at 5 degC; longer, 7 degC limits chilling injury
  // (docs/cold-chain.md). Only a raw store holds fruit that long.
  const bool fits = room.long_term_setpoint_c >= room.min_c &&
                    room.long_term_setpoint_c <= room.max_c;
  room.long_term_after_days = room.role == ColdRoomRole::raw_store && fits ? 60 : 0;
  auto r = room_reader.child("long_term", false);
  if (!r) return;
  room.long_term_after_days = static_cast<int>(r->integer("after_days", 0, 3650, 60));
  room.long_term_setpoint_c = r->number("setpoint_c", -30, 30, room.long_term_setpoint_c);
  r->finish();
  if (room.long_term_setpoint_c < room.min_c || room.long_term_setpoint_c > room.max_c)
    r->error("setpoint_c", "must lie within [min_c, max_c]");
}

void read_room_rules(ObjectReader& r, ColdRoom& room) {
  room.door_open_max_min =
      static_cast<int>(r.integer("door_open_max_min", 1, kMaxDelayMin, room.door_open_max_min));
  room.defrost_recovery_min = static_cast<int>(
      r.integer("defrost_recovery_min", 0, kMaxDelayMin, room.defrost_recovery_min));
  if (auto chilling = r.child("chilling", false)) {
    room.chilling.below_c = chilling->number("below_c", -10, 30, room.chilling.below_c);
    room.chilling.max_days = chilling->number("max_days", 0.01, 3650, room.chilling.max_days);
    chilling->finish();
  }
}

void check_probe_range(ObjectReader& r, const ColdRoom& room) {
  const ColdRoomProbes& p = room.probes;
  if (room.low_low.limit_c <= p.range_min_c || room.high_high.limit_c >= p.range_max_c)
    r.error("probes", "the probe range [" + number_text(p.range_min_c) + ", " +
                          number_text(p.range_max_c) + "] must contain every alarm limit");
}

ColdRoom read_room(ObjectReader& r, const Config& c, const std::vector<std::string>& controllers) {
  ColdRoom room;
  room.id = r.string("id");
  room.name = r.string("name", room.id);
  room.role = r.choice("role", {"raw_store", "parcel_staging"}) == "parcel_staging"
                  ? ColdRoomRole::parcel_staging
                  : ColdRoomRole::raw_store;
  room.setpoint_c = r.number("setpoint_c", -30, 30);
  room.min_c = r.number("min_c", -30, 30);
  room.max_c = r.number("max_c", -30, 30);
  if (room.min_c >= room.max_c) r.error("min_c", "must be below max_c");
  if (room.setpoint_c < room.min_c || room.setpoint_c > room.max_c)
    r.error("setpoint_c", "must lie within [min_c, max_c]");
  room.device = r.string("device");
  bool device_ok = false;
  for (const std::string& id : controllers) device_ok = device_ok || id == room.device;
  if (!room.device.empty() && !device_ok)
    r.error("device", "unknown cold-room device \"" + room.device + "\" (known: " +
                          join_names(controllers) + ")");
  read_long_term(r, room);
  read_temp_alarms(r, room);
  read_humidity_alarms(r, room);
  read_room_rules(r, room);
  read_probes(r, c, room);
  check_probe_range(r, room);
  r.finish();
  return room;
}

}  // namespace

void read_cold_rooms(ObjectReader& root, Config& c) {
  std::set<std::string> seen;
  std::vector<std::string> controllers;
  for (const DeviceConfig& d : c.devices)
    if (d.kind == DeviceKind::cold_room) controllers.push_back(d.id);
  root.objects("cold_rooms", true, [&](ObjectReader& r) {
    ColdRoom room = read_room(r, c, controllers);
    if (!room.id.empty() && !seen.insert(room.id).second)
      r.error("id", "duplicate id \"" + room.id + "\"");
    c.cold_rooms.push_back(std::move(room));
  });
}

}  // namespace coldsort::core
