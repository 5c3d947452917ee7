#include "coldsort/bridge/device_io.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace coldsort::bridge {
namespace {

using core::errc;

// A decoded point: in range gives quality good; out of range keeps the raw engineering value
// (raw * scale, shown to people: an open probe reading 3276.7 degC says "open probe") with
// quality bad, so no decision uses it.
PointReading decode_reading(const core::RegisterPoint& point, std::span<const std::uint16_t> words,
                            core::SteadyTime now) {
  PointReading r;
  r.quality = Quality::good;
  r.read_at = now;
  r.values.reserve(static_cast<std::size_t>(point.count));
  for (int i = 0; i < point.count; ++i) {
    auto element = words.subspan(static_cast<std::size_t>(element_offset(point, i)),
                                 static_cast<std::size_t>(point.words_per_value()));
    auto value = decode_value(point, element);
    if (value) {
      r.values.push_back(*value);
    } else {
      r.quality = Quality::bad;
      r.values.push_back(decode_raw(point, element) * point.scale);
    }
  }
  return r;
}

}  // namespace

DevicePoller::DevicePoller(const core::DeviceConfig& device) : device_(&device) {
  std::map<int, std::vector<const core::RegisterPoint*>> by_period;
  for (const core::RegisterPoint& p : device.map.points) {
    if (!p.is_readable()) continue;
    const int period = p.poll_ms.value_or(device.poll_period_ms);
    if (period > 0) by_period[period].push_back(&p);
  }
  for (auto& [period, points] : by_period)
    schedules_.push_back({std::chrono::milliseconds{period}, points, PointGroup(points)});
}

core::Result<void> DevicePoller::poll(FieldBus& bus, std::size_t schedule, DeviceValues& values,
                                      core::SteadyTime now) const {
  const Schedule& s = schedules_.at(schedule);
  auto read = s.group.read(bus, device_->unit_id);
  if (!read) {
    if (read.error() == errc::modbus_exception)
      for (const core::RegisterPoint* p : s.points) values.points[p->name].quality = Quality::bad;
    return read.error();
  }
  for (const core::RegisterPoint* p : s.points)
    values.points[p->name] = decode_reading(*p, read->words(*p), now);
  return {};
}

core::Result<void> DevicePoller::poll_all(FieldBus& bus, DeviceValues& values,
                                          core::SteadyTime now) const {
  for (std::size_t i = 0; i < schedules_.size(); ++i)
    if (auto r = poll(bus, i, values, now); !r) return r;
  return {};
}

core::Result<void> apply_writes(FieldBus& bus, const core::DeviceConfig& device,
                                std::span<const PointWrite> writes) {
  std::size_t i = 0;
  while (i < writes.size()) {
    const core::RegisterPoint* point = device.map.find(writes[i].point);
    if (point == nullptr || point->access == core::Access::read) return errc::bad_register_value;
    // The run: this write and every following one on the next element of the same point,
    // up to one request's worth. FC16 carries 123 registers and FC15 1968 coils; registers
    // are cut at 120, a multiple of 2, 4, 6 and 8, so a rewrite of a whole table after a
    // reconnect never splits a {tag, outlet} pair or a whole slot of up to 4 lanes across
    // two requests, with a cup passing in between.
    const std::size_t per_request =
        point->table == core::RegisterTable::coil ? 1968 : 120 / static_cast<std::size_t>(point->words_per_value());
    std::size_t end = i + 1;
    while (end < writes.size() && end - i < per_request && writes[end].point == writes[i].point &&
           writes[end].index == writes[end - 1].index + 1)
      ++end;
    const int first = writes[i].index;
    if (first < 0 || first + static_cast<int>(end - i) > point->count) return errc::bad_register_value;
    const auto wpv = static_cast<std::size_t>(point->words_per_value());
    std::vector<std::uint16_t> words((end - i) * wpv);
    for (std::size_t k = i; k < end; ++k)
      if (auto e = encode_value(*point, writes[k].value, std::span(words).subspan((k - i) * wpv, wpv)); !e)
        return e.error();
    const auto address =
        static_cast<std::uint16_t>(point->address + element_offset(*point, first));
    if (auto w = bus.write(device.unit_id, point->table, address, words); !w) return w.error();
    i = end;
  }
  return {};
}

void age_values(DeviceValues& values, const core::DeviceConfig& device, core::SteadyTime now) {
  const auto limit = std::chrono::milliseconds{device.stale_after_ms};
  for (auto& [name, reading] : values.points)
    if (reading.quality != Quality::stale && now - reading.read_at > limit)
      reading.quality = Quality::stale;
}

}  // namespace coldsort::bridge
