// The status document the HMI serves at /api/v1/status (docs/api.md).
#include <boost/json.hpp>

#include "coldsort/app/line_controller.hpp"
#include "field_device_views.hpp"

namespace coldsort::app {
namespace {

const char* run_state_name(bridge::RunState s) {
  switch (s) {
    case bridge::RunState::stopped: return "stopped";
    case bridge::RunState::running: return "running";
    case bridge::RunState::faulted: return "faulted";
  }
  return "unknown";
}

}  // namespace

std::string LineController::status_json() const {
  namespace json = boost::json;
  const core::SteadyTime now = clock_.now();
  json::object doc;
  doc["api_version"] = 1;
  doc["line"] = config_.line.id;
  doc["line_name"] = config_.line.name;
  doc["plc_link"] = plc_ok_ ? "up" : "down";
  doc["running_state"] = !plc_ok_ || !last_status_ ? "unknown" : run_state_name(last_status_->run_state);
  doc["belt_speed_cups_per_s"] = last_status_ ? last_status_->belt_speed_cups_per_s : 0.0;
  doc["cup_at_camera"] = last_status_ ? last_status_->cup_at_camera : 0;
  doc["uptime_s"] = std::chrono::duration<double>(now - started_).count();
  doc["fruit_total"] = counters_.fruit_total;
  doc["fruit_per_s"] = fruit_per_s_;
  doc["empty_cups"] = counters_.empty_cups;
  doc["late_decisions"] = counters_.late_decisions;
  json::array lanes;
  for (auto n : counters_.per_lane) lanes.push_back(n);
  doc["fruit_per_lane"] = std::move(lanes);
  json::array outlets;
  for (const core::Outlet& o : config_.outlets) {
    auto it = counters_.per_outlet.find(o.number);
    json::array products;
    if (plan_minute_ < 0) {
      for (const auto& p : o.products) products.push_back(json::string(p));
    } else if (auto planned = allocation_.products_by_outlet().find(o.id);
               planned != allocation_.products_by_outlet().end()) {  // what the line really does
      products.push_back(json::string(planned->second));
    }
    outlets.push_back(json::object{{"id", o.id}, {"number", o.number}, {"kind", core::to_string(o.kind)},
                                   {"products", std::move(products)},
                                   {"count", it == counters_.per_outlet.end() ? 0 : it->second}});
  }
  doc["fruit_per_outlet"] = std::move(outlets);
  doc["allocation"] = json::object{{"source", plan_minute_ < 0 ? "config" : "plan"},
                                   {"plan_method", plan_ ? plan_->method : std::string()},
                                   {"plan_minute", plan_minute_}};
  json::object grades;
  for (core::Grade g : {core::Grade::extra, core::Grade::class_i, core::Grade::class_ii,
                        core::Grade::out_of_grade, core::Grade::unknown}) {
    auto it = counters_.per_grade.find(g);
    grades[core::to_string(g)] = it == counters_.per_grade.end() ? 0 : it->second;
  }
  doc["fruit_per_grade"] = std::move(grades);
  json::array rooms;
  for (const core::ColdRoom& room : config_.cold_rooms) {
    json::object r{{"id", room.id}, {"name", room.name}, {"setpoint_c", room.setpoint_c},
                   {"min_c", room.min_c}, {"max_c", room.max_c}};
    auto v = hub_.values(room.device);
    const bridge::PointReading* air = v ? v->find("air_temp_c") : nullptr;
    if (air != nullptr && !air->values.empty() && air->read_at != core::SteadyTime{}) {
      r["temp_c"] = air->values.front();
      if (auto door = v->good("door_open")) r["door_open"] = *door != 0;
      if (auto defrost = v->good("defrost")) r["defrost"] = *defrost != 0;
      if (auto rh = v->good("humidity_pct")) r["humidity_pct"] = *rh;
    }
    r["quality"] = air == nullptr ? "stale" : std::string(bridge::to_string(air->quality));
    const ColdRoomSnapshot watch = cold_chain_.snapshot(room.id);
    if (watch.record_c) r["record_temp_c"] = *watch.record_c;
    json::array room_alarms;
    for (const auto& key : watch.active_alarms) room_alarms.push_back(json::string(key));
    r["active_alarms"] = std::move(room_alarms);
    if (watch.measured_today.count() > 0)
      r["in_range_today_pct"] = 100.0 * static_cast<double>(watch.in_range_today.count()) /
                                static_cast<double>(watch.measured_today.count());
    r["door_openings_today"] = watch.door_openings_today;
    rooms.push_back(std::move(r));
  }
  doc["cold_rooms"] = std::move(rooms);
  json::array links;
  for (const bridge::LinkStatus& l : hub_.link_status())
    links.push_back(json::object{{"id", l.link}, {"state", bridge::to_string(l.state)},
                                 {"connects", l.connects}, {"last_error", l.last_error},
                                 {"write_latency_p99_ms", l.write_latency_p99_ms}});
  doc["links"] = std::move(links);
  json::array devices;
  for (const core::DeviceConfig& d : config_.devices) {
    auto v = hub_.values(d.id);
    if (!v) continue;
    json::object o{{"id", d.id}, {"kind", core::to_string(d.kind)}, {"state", bridge::to_string(v->state)},
                   {"requests", v->stats.requests}, {"errors", v->stats.errors},
                   {"timeouts", v->stats.timeouts}, {"exceptions", v->stats.exceptions},
                   {"latency_p50_ms", v->stats.latency_p50_ms},
                   {"latency_p99_ms", v->stats.latency_p99_ms}, {"last_error", v->stats.last_error}};
    if (v->stats.last_good)
      o["last_good_age_s"] = std::chrono::duration<double>(now - *v->stats.last_good).count();
    devices.push_back(std::move(o));
  }
  doc["devices"] = std::move(devices);
  doc["field_devices"] = field_devices_->to_json(hub_);
  json::array alarms;
  for (const core::Alarm& a : alarms_.visible())
    alarms.push_back(json::object{{"key", a.key}, {"source", a.source}, {"message", a.message},
                                  {"priority", core::to_string(a.priority)},
                                  {"state", core::to_string(a.state)},
                                  {"raised_at_ms", core::to_unix_ms(a.raised_at)}});
  doc["alarms"] = std::move(alarms);
  store::StoreStats stats = store_.stats();
  doc["store"] = json::object{{"committed", stats.committed},
                              {"dropped", stats.dropped},
                              {"dropped_samples", stats.dropped_samples},
                              {"dropped_fruit", stats.dropped_fruit},
                              {"dropped_records", stats.dropped_records},
                              {"pending", stats.pending},
                              {"degraded", stats.degraded},
                              {"degraded_reason", stats.degraded_reason},
                              {"last_error", stats.last_error}};
  return json::serialize(doc);
}

}  // namespace coldsort::app
