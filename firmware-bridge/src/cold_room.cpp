#include "coldsort/bridge/cold_room.hpp"

#include "driver_support.hpp"

namespace coldsort::bridge {
namespace {

std::optional<Sample> optional_sample(const core::DeviceConfig& device, const DeviceValues& values,
                                      std::string_view name) {
  if (device.map.find(name) == nullptr) return std::nullopt;
  return detail::sample(values, name);
}

std::optional<FlagSample> optional_flag(const core::DeviceConfig& device,
                                        const DeviceValues& values, std::string_view name) {
  auto source = detail::FlagSource::find(device, name);
  if (!source) return std::nullopt;
  return source->read(values);
}

Quality worst_of(Quality q, const std::optional<Sample>& s) { return s ? worse(q, s->quality) : q; }

Quality worst_of(Quality q, const std::optional<FlagSample>& f) {
  return f ? worse(q, f->quality) : q;
}

}  // namespace

ColdRoom::ColdRoom(const core::DeviceConfig& device)
    : device_(device), setpoint_(detail::require_writable(device, "setpoint_c")) {
  detail::require_readable(device, "air_temp_c");
  detail::require_readable(device, "setpoint_c");
  if (!detail::FlagSource::find(device, "defrost"))
    detail::config_error(device, "lacks point (or named bit) \"defrost\"");
  // Optional points, when present, must be readable; FlagSource::find checks the flags.
  for (const char* name : {"record_temp_c", "evaporator_temp_c", "humidity_pct"})
    detail::optional_readable(device, name);
  for (const char* name : {"door_open", "compressor_on"}) detail::FlagSource::find(device, name);
  for (const core::RegisterPoint& p : device.map.points) {
    if (!p.name.starts_with("alarm_bits") || !p.is_readable()) continue;
    if ((p.type != core::ValueType::u16 && p.type != core::ValueType::u32) || p.count != 1)
      detail::config_error(device, "alarm point \"" + p.name + "\" must be one u16 or u32");
    alarm_words_.push_back({p.name, 16 * p.words_per_value()});
  }
}

ColdRoomStatus ColdRoom::status(const DeviceValues& values) const {
  ColdRoomStatus s;
  s.air_temp_c = detail::sample(values, "air_temp_c");
  s.setpoint_c = detail::sample(values, setpoint_.name);
  s.record_temp_c = optional_sample(device_, values, "record_temp_c");
  s.evaporator_temp_c = optional_sample(device_, values, "evaporator_temp_c");
  s.humidity_pct = optional_sample(device_, values, "humidity_pct");
  s.defrost = detail::FlagSource::find(device_, "defrost")->read(values);
  s.door_open = optional_flag(device_, values, "door_open");
  s.compressor_on = optional_flag(device_, values, "compressor_on");

  Quality q = worse(worse(s.air_temp_c.quality, s.setpoint_c.quality), s.defrost.quality);
  for (const auto* probe : {&s.record_temp_c, &s.evaporator_temp_c, &s.humidity_pct})
    q = worst_of(q, *probe);
  q = worst_of(worst_of(q, s.door_open), s.compressor_on);

  for (const AlarmWord& a : alarm_words_) {
    const Sample raw = detail::sample(values, a.point);
    const std::uint32_t word = detail::word_of(raw);
    s.alarm_words[a.point] = word;
    auto names = device_.map.bits.find(a.point);
    detail::append_set_bits(a.point, word, a.width_bits,
                            names == device_.map.bits.end() ? nullptr : &names->second, s.alarms);
    q = worse(q, raw.quality);
  }
  s.quality = q;
  return s;
}

core::Result<PointWrite> ColdRoom::set_setpoint(double temp_c) const {
  if (auto ok = detail::check_encodable(setpoint_, temp_c); !ok) return ok.error();
  return PointWrite{setpoint_.name, 0, temp_c};
}

}  // namespace coldsort::bridge
