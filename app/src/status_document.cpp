// The status document the HMI serves at /api/v1/status (docs/api.md).
#include <boost/json.hpp>

#include "coldsort/app/line_controller.hpp"

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

const char* kind_name(core::OutletKind k) {
  switch (k) {
    case core::OutletKind::product: return "product";
    case core::OutletKind::reject: return "reject";
    case core::OutletKind::recirculation: return "recirculation";
  }
  return "product";
}

}  // namespace

std::string LineController::status_json() const {
  namespace json = boost::json;
  const core::SteadyTime now = clock_.now();
  json::object doc;
  doc["api_version"] = 1;
  doc["line"] = config_.line.id;
  doc["line_name"] = config_.line.name;
  doc["plc_link"] = link_up_ ? "up" : "down";
  doc["running_state"] = !link_up_ || !last_status_ ? "unknown" : run_state_name(last_status_->run_state);
  doc["belt_speed_cups_per_s"] = last_status_ ? last_status_->belt_speed_cups_per_s : 0.0;
  doc["cup_at_camera"] = last_status_ ? last_status_->cup_at_camera : 0;
  doc["uptime_s"] = std::chrono::duration<double>(now - started_).count();
  doc["fruit_total"] = counters_.fruit_total;
  doc["fruit_per_s"] = fruit_per_s_;
  doc["empty_cups"] = counters_.empty_cups;
  json::array lanes;
  for (auto n : counters_.per_lane) lanes.push_back(n);
  doc["fruit_per_lane"] = std::move(lanes);
  json::array outlets;
  for (const core::Outlet& o : config_.outlets) {
    auto it = counters_.per_outlet.find(o.number);
    json::array products;
    for (const auto& p : o.products) products.push_back(json::string(p));
    outlets.push_back(json::object{{"id", o.id}, {"number", o.number}, {"kind", kind_name(o.kind)},
                                   {"products", std::move(products)},
                                   {"count", it == counters_.per_outlet.end() ? 0 : it->second}});
  }
  doc["fruit_per_outlet"] = std::move(outlets);
  json::object grades;
  for (core::Grade g : {core::Grade::extra, core::Grade::class_i, core::Grade::class_ii,
                        core::Grade::out_of_grade, core::Grade::unknown}) {
    auto it = counters_.per_grade.find(g);
    grades[core::to_string(g)] = it == counters_.per_grade.end() ? 0 : it->second;
  }
  doc["fruit_per_grade"] = std::move(grades);
  json::array rooms;
  for (std::size_t i = 0; i < config_.cold_rooms.size(); ++i) {
    const core::ColdRoom& room = config_.cold_rooms[i];
    const ColdRoomState& state = cold_rooms_[i];
    json::object r{{"id", room.id}, {"name", room.name}, {"setpoint_c", room.setpoint_c},
                   {"min_c", room.min_c}, {"max_c", room.max_c}};
    if (state.reading) {
      r["temp_c"] = state.reading->air_temp_c;
      r["door_open"] = state.reading->door_open;
      r["defrost"] = state.reading->defrost;
      r["quality"] = now - state.last_good < std::chrono::seconds(10) ? "good" : "stale";
    } else {
      r["quality"] = "bad";
    }
    rooms.push_back(std::move(r));
  }
  doc["cold_rooms"] = std::move(rooms);
  json::array alarms;
  for (const core::Alarm& a : alarms_.visible())
    alarms.push_back(json::object{{"key", a.key}, {"source", a.source}, {"message", a.message},
                                  {"priority", core::to_string(a.priority)},
                                  {"state", core::to_string(a.state)},
                                  {"raised_at_ms", core::to_unix_ms(a.raised_at)}});
  doc["alarms"] = std::move(alarms);
  store::StoreStats stats = store_.stats();
  doc["store"] = json::object{{"committed", stats.committed}, {"dropped", stats.dropped},
                              {"last_error", stats.last_error}};
  return json::serialize(doc);
}

}  // namespace coldsort::app
