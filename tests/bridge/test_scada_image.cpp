// Encoding a ScadaImage into the SCADA register map: word order, sentinels, clamping,
// truncation and the flag bits.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "coldsort/bridge/scada_image.hpp"

using namespace coldsort;
using bridge::Quality;
namespace map = bridge::scada_map;

namespace {

std::uint16_t ir(const bridge::ScadaRegisters& r, int address) {
  return r.input_registers.at(static_cast<std::size_t>(address));
}
std::uint32_t ir32(const bridge::ScadaRegisters& r, int address) {
  return static_cast<std::uint32_t>(ir(r, address)) << 16 | ir(r, address + 1);
}
bool di(const bridge::ScadaRegisters& r, int address) {
  return r.discrete_inputs.at(static_cast<std::size_t>(address)) != 0;
}
int room_reg(int room, int offset) { return map::ir_room_first + room * map::room_stride + offset; }

bridge::ScadaColdRoom good_room(double temp_c) {
  bridge::ScadaColdRoom room;
  room.control_temp_c = temp_c;
  room.record_temp_c = temp_c + 0.5;
  room.humidity_pct = 92.4;
  room.setpoint_c = 6.0;
  room.quality = Quality::good;
  return room;
}

}  // namespace

TEST_CASE("before the first image the map says so: version set, no values, not valid", "[unit]") {
  const auto regs = bridge::initial_scada_registers();
  REQUIRE(regs.input_registers.size() == static_cast<std::size_t>(map::ir_count));
  REQUIRE(regs.discrete_inputs.size() == static_cast<std::size_t>(map::di_count));
  CHECK(ir(regs, map::ir_map_version) == map::version);
  CHECK(ir32(regs, map::ir_update_counter) == 0);
  CHECK_FALSE(di(regs, map::di_image_valid));
  for (int room = 0; room < map::max_cold_rooms; ++room) {
    CHECK(ir(regs, room_reg(room, map::room_control_temp)) == map::no_value);
    CHECK(ir(regs, room_reg(room, map::room_setpoint)) == map::no_value);
    CHECK(ir(regs, room_reg(room, map::room_status)) == 0);  // not reported
  }
}

TEST_CASE("32-bit counters are served high word first and wrap modulo 2^32", "[unit]") {
  bridge::ScadaImage image;
  image.fruit_total = 0x0001'2345'6789ull;  // above 2^32: only the low 32 bits remain
  image.fruit_per_lane = {70000, 1, 0x1'0000};
  image.fruit_per_outlet = {5, 0, 123456789};
  image.fruit_per_grade = {11, 22, 33, 44, 55, 66};
  const auto regs = bridge::encode_scada_image(image, 0xABCD0102u);
  CHECK(ir(regs, map::ir_update_counter) == 0xABCD);
  CHECK(ir(regs, map::ir_update_counter + 1) == 0x0102);
  CHECK(ir(regs, map::ir_fruit_total) == 0x2345);
  CHECK(ir(regs, map::ir_fruit_total + 1) == 0x6789);
  CHECK(ir32(regs, map::ir_lane_first) == 70000);
  CHECK(ir32(regs, map::ir_lane_first + 4) == 0x1'0000);
  CHECK(ir(regs, map::ir_lane_count) == 3);
  CHECK(ir32(regs, map::ir_outlet_first + 2 * 2) == 123456789);  // outlet 3
  CHECK(ir(regs, map::ir_outlet_count) == 3);
  for (int g = 0; g < bridge::kScadaGradeCount; ++g)
    CHECK(ir32(regs, map::ir_grade_first + 2 * g) == static_cast<std::uint32_t>(11 * (g + 1)));
  CHECK(di(regs, map::di_image_valid));
}

TEST_CASE("temperatures are s16 tenths, and no valid value is 0x8000", "[unit]") {
  CHECK(bridge::encode_tenths(4.0) == 40);
  CHECK(bridge::encode_tenths(-1.5) == 0xFFF1);  // -15 as s16
  CHECK(bridge::encode_tenths(0.04) == 0);
  CHECK(bridge::encode_tenths(-0.06) == 0xFFFF);
  CHECK(bridge::encode_tenths(3276.7) == 32767);
  CHECK(bridge::encode_tenths(-3276.7) == 0x8001);
  CHECK(bridge::encode_tenths(-3276.8) == map::no_value);
  CHECK(bridge::encode_tenths(5000.0) == map::no_value);
  CHECK(bridge::encode_tenths(std::nullopt) == map::no_value);
  CHECK(bridge::encode_tenths(std::numeric_limits<double>::quiet_NaN()) == map::no_value);
}

TEST_CASE("a cold room whose quality is not good shows no numbers, only its setpoint", "[unit]") {
  bridge::ScadaImage image;
  image.cold_rooms = {good_room(-1.5), good_room(7.0), good_room(7.0)};
  image.cold_rooms[1].quality = Quality::stale;
  image.cold_rooms[2].quality = Quality::bad;
  image.cold_rooms[2].record_temp_c.reset();
  image.cold_rooms[0].door_open = true;
  image.cold_rooms[1].defrost = true;
  image.cold_rooms[0].alarm_level = 3;
  image.cold_rooms[0].record_temp_c.reset();  // a room without a record probe
  const auto regs = bridge::encode_scada_image(image, 1);
  CHECK(ir(regs, map::ir_cold_room_count) == 3);

  CHECK(ir(regs, room_reg(0, map::room_control_temp)) == 0xFFF1);
  CHECK(ir(regs, room_reg(0, map::room_record_temp)) == map::no_value);
  CHECK(ir(regs, room_reg(0, map::room_humidity)) == 924);
  CHECK(ir(regs, room_reg(0, map::room_setpoint)) == 60);
  CHECK(ir(regs, room_reg(0, map::room_quality)) == 0);
  CHECK(ir(regs, room_reg(0, map::room_alarm_level)) == 3);
  CHECK(ir(regs, room_reg(0, map::room_status)) == (1 | 4));  // door open, reported
  CHECK(di(regs, map::di_door_first + 0));
  CHECK(di(regs, map::di_room_good_first + 0));

  for (int room : {1, 2}) {
    CHECK(ir(regs, room_reg(room, map::room_control_temp)) == map::no_value);
    CHECK(ir(regs, room_reg(room, map::room_record_temp)) == map::no_value);
    CHECK(ir(regs, room_reg(room, map::room_humidity)) == map::no_value);
    CHECK(ir(regs, room_reg(room, map::room_setpoint)) == 60);
    CHECK_FALSE(di(regs, map::di_room_good_first + room));
  }
  CHECK(ir(regs, room_reg(1, map::room_quality)) == 1);
  CHECK(ir(regs, room_reg(2, map::room_quality)) == 2);
  CHECK(ir(regs, room_reg(1, map::room_status)) == (2 | 4));  // defrost, reported
  CHECK(di(regs, map::di_defrost_first + 1));
  CHECK_FALSE(di(regs, map::di_door_first + 1));
  CHECK(ir(regs, room_reg(3, map::room_status)) == 0);  // not in the image
}

TEST_CASE("lists longer than the map are cut at its limits, never spilled into neighbours",
          "[unit]") {
  bridge::ScadaImage image;
  image.fruit_per_lane.assign(20, 7);
  image.fruit_per_outlet.assign(70, 9);
  image.cold_rooms.assign(18, good_room(5.0));
  const auto regs = bridge::encode_scada_image(image, 1);
  CHECK(ir(regs, map::ir_lane_count) == map::max_lanes);
  CHECK(ir(regs, map::ir_outlet_count) == map::max_outlets);
  CHECK(ir(regs, map::ir_cold_room_count) == map::max_cold_rooms);
  CHECK(ir32(regs, map::ir_lane_first + 2 * 15) == 7);
  CHECK(ir32(regs, map::ir_outlet_first) == 9);  // outlets start after lanes
  CHECK(ir32(regs, map::ir_outlet_first + 2 * 63) == 9);
  CHECK(ir(regs, map::ir_room_first) == 50);  // rooms start after outlets
  CHECK(regs.input_registers.size() == static_cast<std::size_t>(map::ir_count));
}

TEST_CASE("rates and speeds are clamped to their registers instead of wrapping", "[unit]") {
  bridge::ScadaImage image;
  image.belt_speed_cups_per_s = 8.456;
  image.fruit_per_s = 31.25;
  auto regs = bridge::encode_scada_image(image, 1);
  CHECK(ir(regs, map::ir_belt_speed) == 846);
  CHECK(ir(regs, map::ir_fruit_rate) == 313);
  image.belt_speed_cups_per_s = 1e6;
  image.fruit_per_s = -4;
  regs = bridge::encode_scada_image(image, 1);
  CHECK(ir(regs, map::ir_belt_speed) == 65535);
  CHECK(ir(regs, map::ir_fruit_rate) == 0);
  image.fruit_per_s = std::nan("");
  CHECK(ir(bridge::encode_scada_image(image, 1), map::ir_fruit_rate) == 0);
}

TEST_CASE("line flags and the alarm summary appear as registers and discrete inputs", "[unit]") {
  bridge::ScadaImage image;
  image.run_state = bridge::ScadaRunState::running;
  image.plc_link_up = true;
  image.heartbeat_ok = false;
  image.alarms.active = 3;
  image.alarms.unacknowledged = 1;
  image.alarms.highest_active = core::AlarmPriority::high;
  image.alarms.classes = bit(bridge::ScadaAlarmClass::temperature) |
                         bit(bridge::ScadaAlarmClass::door) | bit(bridge::ScadaAlarmClass::other);
  auto regs = bridge::encode_scada_image(image, 1);
  CHECK(ir(regs, map::ir_run_state) == 2);
  CHECK(di(regs, map::di_line_running));
  CHECK(di(regs, map::di_plc_link_up));
  CHECK_FALSE(di(regs, map::di_heartbeat_ok));
  CHECK(ir(regs, map::ir_alarms_active) == 3);
  CHECK(ir(regs, map::ir_alarms_unacked) == 1);
  CHECK(ir(regs, map::ir_alarm_priority) == 3);  // high: 0 none, 1 low .. 4 urgent
  CHECK(ir32(regs, map::ir_alarm_classes) == (1u << 2 | 1u << 3 | 1u << 15));
  CHECK(di(regs, map::di_alarm_active));
  CHECK(di(regs, map::di_alarm_unacked));
  for (int c = 0; c < 16; ++c)
    CHECK(di(regs, map::di_alarm_class_first + c) == (c == 2 || c == 3 || c == 15));

  image.run_state = bridge::ScadaRunState::faulted;
  image.alarms = {};
  regs = bridge::encode_scada_image(image, 2);
  CHECK(ir(regs, map::ir_run_state) == 4);
  CHECK_FALSE(di(regs, map::di_line_running));
  CHECK(ir(regs, map::ir_alarm_priority) == 0);
  CHECK_FALSE(di(regs, map::di_alarm_active));
}
