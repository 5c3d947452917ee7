#include "coldsort/bridge/device_hub.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace coldsort::bridge {

DeviceHub::DeviceHub(const core::Config& config, const core::Clock& clock, BusFactory make_bus) {
  if (!make_bus) make_bus = [](const core::LinkConfig& link) { return make_modbus_bus(link); };
  for (const core::LinkConfig& link : config.links) {
    std::vector<const core::DeviceConfig*> devices;
    for (const core::DeviceConfig& d : config.devices)
      if (d.link == link.id) devices.push_back(&d);
    if (devices.empty()) continue;
    workers_.push_back(std::make_unique<LinkWorker>(link, std::move(devices), make_bus(link), clock));
  }
}

DeviceHub::~DeviceHub() { stop(); }

core::SteadyTime DeviceHub::step(core::SteadyTime now) {
  core::SteadyTime next = core::SteadyTime::max();
  for (auto& w : workers_) next = std::min(next, w->step(now));
  return next;
}

void DeviceHub::start() {
  for (auto& w : workers_) w->start();
}

void DeviceHub::stop() {
  for (auto& w : workers_) w->stop();
}

LinkWorker* DeviceHub::worker_of(std::string_view device) const {
  for (const auto& w : workers_)
    if (w->serves(device)) return w.get();
  return nullptr;
}

void DeviceHub::hold(std::string_view device, std::vector<PointWrite> writes) {
  LinkWorker* w = worker_of(device);
  if (w == nullptr) throw std::invalid_argument("unknown device \"" + std::string(device) + "\"");
  w->hold(device, std::move(writes));
}

std::optional<DeviceValues> DeviceHub::values(std::string_view device) const {
  LinkWorker* w = worker_of(device);
  return w == nullptr ? std::nullopt : w->values(device);
}

std::vector<LinkStatus> DeviceHub::link_status() const {
  std::vector<LinkStatus> out;
  for (const auto& w : workers_) out.push_back(w->status());
  return out;
}

std::optional<LinkStatus> DeviceHub::link_status_of(std::string_view device) const {
  LinkWorker* w = worker_of(device);
  if (w == nullptr) return std::nullopt;
  return w->status();
}

std::vector<BridgeEvent> DeviceHub::take_events() {
  std::vector<BridgeEvent> out;
  for (auto& w : workers_) {
    auto events = w->take_events();
    out.insert(out.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
  }
  return out;
}

}  // namespace coldsort::bridge
