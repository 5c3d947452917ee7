#pragma once
// Every field device of the line, behind one object: a LinkWorker (one I/O thread, one
// libmodbus context) per physical link that has devices, and lookups by device id. The
// controller holds states (decisions, heartbeat, setpoints) and reads values through it and
// never waits on a device.
// Steppable like the workers: step(now) runs one cycle of every link inline (tests, with a
// fake clock); start() gives each link its own thread (production).
// Thread safety: hold(), values(), link_status(), take_events() from any thread; step()
// from one thread and never while started.
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/bridge/link_worker.hpp"
#include "coldsort/core/config.hpp"

namespace coldsort::bridge {

// Makes the bus for a link; tests and the simulator mode point a link elsewhere with it.
using BusFactory = std::function<std::unique_ptr<FieldBus>(const core::LinkConfig&)>;

class DeviceHub {
 public:
  // `config` must outlive the hub. Devices without a link are skipped. No I/O here.
  DeviceHub(const core::Config& config, const core::Clock& clock, BusFactory make_bus = {});
  ~DeviceHub();
  DeviceHub(const DeviceHub&) = delete;
  DeviceHub& operator=(const DeviceHub&) = delete;

  // Returns the earliest time any link wants its next cycle.
  core::SteadyTime step(core::SteadyTime now);
  void start();
  void stop();

  // std::invalid_argument for an unknown device.
  void hold(std::string_view device, std::vector<PointWrite> writes);
  void hold(std::string_view device, PointWrite write) { hold(device, std::vector{std::move(write)}); }
  std::optional<DeviceValues> values(std::string_view device) const;
  std::vector<LinkStatus> link_status() const;
  std::optional<LinkStatus> link_status_of(std::string_view device) const;
  std::vector<BridgeEvent> take_events();

 private:
  LinkWorker* worker_of(std::string_view device) const;

  std::vector<std::unique_ptr<LinkWorker>> workers_;
};

}  // namespace coldsort::bridge
