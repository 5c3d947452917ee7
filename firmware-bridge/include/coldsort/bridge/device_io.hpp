#pragma once
// Reading a device's points into DeviceValues and writing PointWrites, over one FieldBus.
// The link worker runs these on its I/O thread; tests and tools call them directly.
// Thread safety: DevicePoller is immutable after construction; the calls use the bus and so
// belong to the bus's thread.
#include <chrono>
#include <span>
#include <vector>

#include "coldsort/bridge/device_values.hpp"
#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/bridge/point_group.hpp"

namespace coldsort::bridge {

// The reads that cover a device's readable points, grouped by how often each is polled
// (the device's poll period, or a point's own poll_ms; poll_ms 0 points are never read).
class DevicePoller {
 public:
  struct Schedule {
    std::chrono::milliseconds period{};
    std::vector<const core::RegisterPoint*> points;
    PointGroup group;
  };

  explicit DevicePoller(const core::DeviceConfig& device);
  const core::DeviceConfig& device() const { return *device_; }
  const std::vector<Schedule>& schedules() const { return schedules_; }

  // Reads one schedule's blocks and stores every point it covers into `values` (quality good,
  // or bad for a value outside its range; read_at = now). On a bus error nothing is stored,
  // except that a Modbus exception marks the schedule's points bad: the device is there but
  // refuses them. Returns the bus error.
  core::Result<void> poll(FieldBus& bus, std::size_t schedule, DeviceValues& values,
                          core::SteadyTime now) const;
  // Every schedule once.
  core::Result<void> poll_all(FieldBus& bus, DeviceValues& values, core::SteadyTime now) const;

 private:
  const core::DeviceConfig* device_;
  std::vector<Schedule> schedules_;
};

// Writes, coalescing elements of one point at consecutive indices into one request (so a
// cup's decisions for every lane, or several cups in a row, go out as one FC16). Returns the
// first error; writes before it have been made. Errors: bad_register_value (unknown point,
// read-only point, value out of range: nothing written for that run), bus errors.
core::Result<void> apply_writes(FieldBus& bus, const core::DeviceConfig& device,
                                std::span<const PointWrite> writes);

// Marks every point stale whose last good read is older than the device's stale_after_ms.
void age_values(DeviceValues& values, const core::DeviceConfig& device, core::SteadyTime now);

}  // namespace coldsort::bridge
