#include "coldsort/bridge/scada_image.hpp"

#include <algorithm>
#include <cmath>

namespace coldsort::bridge {
namespace {

namespace map = scada_map;

// Clamps an engineering value to an unsigned register: value / resolution, rounded, within
// 0..65535. NaN reads as 0: a rate nobody could measure is not a rate.
std::uint16_t encode_unsigned(double value, double resolution) {
  if (std::isnan(value)) return 0;
  const double raw = std::round(value / resolution);
  return static_cast<std::uint16_t>(std::clamp(raw, 0.0, 65535.0));
}

std::uint16_t small_count(std::size_t n) {
  return static_cast<std::uint16_t>(std::min<std::size_t>(n, 65535));
}

// High word first (at the lower address): the order most SCADA packages call "big endian"
// or "ABCD", and mbpoll's -B.
void put_u32(std::vector<std::uint16_t>& regs, int address, std::uint64_t value) {
  const auto wrapped = static_cast<std::uint32_t>(value);  // counters wrap modulo 2^32
  regs[static_cast<std::size_t>(address)] = static_cast<std::uint16_t>(wrapped >> 16);
  regs[static_cast<std::size_t>(address) + 1] = static_cast<std::uint16_t>(wrapped & 0xFFFFu);
}

void put_bit(std::vector<std::uint8_t>& bits, int address, bool on) {
  bits[static_cast<std::size_t>(address)] = on ? 1 : 0;
}

std::uint16_t quality_code(Quality q) {
  switch (q) {
    case Quality::good:
      return 0;
    case Quality::stale:
      return 1;
    case Quality::bad:
      return 2;
  }
  return 2;
}

void encode_room(const ScadaColdRoom& room, int index, ScadaRegisters& out) {
  const bool good = room.quality == Quality::good;
  // A value of doubtful quality is never shown as a number: SCADA trends and alarms on what
  // it reads, and a stale 4.0 degC during a compressor failure would hide the excursion.
  const auto shown = [good](std::optional<double> v) { return good ? v : std::nullopt; };
  const int base = map::ir_room_first + index * map::room_stride;
  auto& regs = out.input_registers;
  regs[static_cast<std::size_t>(base + map::room_control_temp)] =
      encode_tenths(shown(room.control_temp_c));
  regs[static_cast<std::size_t>(base + map::room_record_temp)] =
      encode_tenths(shown(room.record_temp_c));
  regs[static_cast<std::size_t>(base + map::room_humidity)] =
      encode_tenths(shown(room.humidity_pct));
  // The setpoint is configuration, not a measurement, so it is shown whatever the quality.
  regs[static_cast<std::size_t>(base + map::room_setpoint)] = encode_tenths(room.setpoint_c);
  regs[static_cast<std::size_t>(base + map::room_quality)] = quality_code(room.quality);
  regs[static_cast<std::size_t>(base + map::room_alarm_level)] =
      static_cast<std::uint16_t>(std::clamp(room.alarm_level, 0, 4));
  regs[static_cast<std::size_t>(base + map::room_status)] =
      static_cast<std::uint16_t>((room.door_open ? 1u : 0u) | (room.defrost ? 2u : 0u) | 4u);
  put_bit(out.discrete_inputs, map::di_door_first + index, room.door_open);
  put_bit(out.discrete_inputs, map::di_defrost_first + index, room.defrost);
  put_bit(out.discrete_inputs, map::di_room_good_first + index, good);
}

void encode_line(const ScadaImage& image, ScadaRegisters& out) {
  auto& regs = out.input_registers;
  regs[map::ir_run_state] = static_cast<std::uint16_t>(image.run_state);
  regs[map::ir_belt_speed] = encode_unsigned(image.belt_speed_cups_per_s, 0.01);
  regs[map::ir_fruit_rate] = encode_unsigned(image.fruit_per_s, 0.1);
  put_u32(regs, map::ir_fruit_total, image.fruit_total);
  for (int g = 0; g < kScadaGradeCount; ++g)
    put_u32(regs, map::ir_grade_first + 2 * g, image.fruit_per_grade[static_cast<std::size_t>(g)]);
  const std::size_t lanes = std::min<std::size_t>(image.fruit_per_lane.size(), map::max_lanes);
  for (std::size_t i = 0; i < lanes; ++i)
    put_u32(regs, map::ir_lane_first + 2 * static_cast<int>(i), image.fruit_per_lane[i]);
  const std::size_t outlets =
      std::min<std::size_t>(image.fruit_per_outlet.size(), map::max_outlets);
  for (std::size_t i = 0; i < outlets; ++i)
    put_u32(regs, map::ir_outlet_first + 2 * static_cast<int>(i), image.fruit_per_outlet[i]);
  regs[map::ir_lane_count] = small_count(lanes);
  regs[map::ir_outlet_count] = small_count(outlets);
  put_bit(out.discrete_inputs, map::di_line_running, image.run_state == ScadaRunState::running);
  put_bit(out.discrete_inputs, map::di_plc_link_up, image.plc_link_up);
  put_bit(out.discrete_inputs, map::di_heartbeat_ok, image.heartbeat_ok);
}

void encode_alarms(const ScadaAlarmSummary& alarms, ScadaRegisters& out) {
  auto& regs = out.input_registers;
  regs[map::ir_alarms_active] = small_count(static_cast<std::size_t>(std::max(alarms.active, 0)));
  regs[map::ir_alarms_unacked] =
      small_count(static_cast<std::size_t>(std::max(alarms.unacknowledged, 0)));
  // 0 is "none", so the core priorities (low = 0 .. urgent = 3) are served one up.
  regs[map::ir_alarm_priority] =
      alarms.highest_active
          ? static_cast<std::uint16_t>(static_cast<int>(*alarms.highest_active) + 1)
          : 0;
  put_u32(regs, map::ir_alarm_classes, alarms.classes);
  put_bit(out.discrete_inputs, map::di_alarm_active, alarms.active > 0);
  put_bit(out.discrete_inputs, map::di_alarm_unacked, alarms.unacknowledged > 0);
  for (int c = 0; c < 16; ++c)
    put_bit(out.discrete_inputs, map::di_alarm_class_first + c, ((alarms.classes >> c) & 1u) != 0);
}

}  // namespace

std::uint16_t encode_tenths(std::optional<double> value) {
  if (!value || std::isnan(*value)) return map::no_value;
  const double raw = std::round(*value * 10.0);
  // -32768 itself is the sentinel, so the valid range stops one short of it.
  if (raw < -32767.0 || raw > 32767.0) return map::no_value;
  return static_cast<std::uint16_t>(static_cast<std::int16_t>(raw));
}

ScadaRegisters initial_scada_registers() {
  ScadaRegisters out;
  out.input_registers.assign(map::ir_count, 0);
  out.discrete_inputs.assign(map::di_count, 0);
  out.input_registers[map::ir_map_version] = map::version;
  for (int i = 0; i < map::max_cold_rooms; ++i) {
    const int base = map::ir_room_first + i * map::room_stride;
    for (int offset :
         {map::room_control_temp, map::room_record_temp, map::room_humidity, map::room_setpoint})
      out.input_registers[static_cast<std::size_t>(base + offset)] = map::no_value;
    out.input_registers[static_cast<std::size_t>(base + map::room_quality)] =
        quality_code(Quality::stale);
  }
  return out;
}

ScadaRegisters encode_scada_image(const ScadaImage& image, std::uint32_t update_counter) {
  ScadaRegisters out = initial_scada_registers();
  put_u32(out.input_registers, map::ir_update_counter, update_counter);
  put_bit(out.discrete_inputs, map::di_image_valid, true);
  encode_line(image, out);
  encode_alarms(image.alarms, out);
  const std::size_t rooms = std::min<std::size_t>(image.cold_rooms.size(), map::max_cold_rooms);
  out.input_registers[map::ir_cold_room_count] = small_count(rooms);
  for (std::size_t i = 0; i < rooms; ++i)
    encode_room(image.cold_rooms[i], static_cast<int>(i), out);
  return out;
}

}  // namespace coldsort::bridge
