// End to end over real Modbus TCP: a libmodbus responder serves a real-vendor map's
// registers, PointGroup reads them through make_modbus_bus, and the typed drivers report
// exactly what was served; their writes land in the right registers with the right words.
#include <catch2/catch.hpp>

#include "catch_result.hpp"
#include "coldsort/bridge/cold_room.hpp"
#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/bridge/point_group.hpp"
#include "coldsort/bridge/th_sensor.hpp"
#include "coldsort/bridge/vfd.hpp"
#include "driver_fixtures.hpp"
#include "modbus_responder.hpp"

using namespace coldsort;
using bridge::Quality;
using core::RegisterTable;

namespace {

core::LinkConfig tcp_link(int port) {
  core::LinkConfig link;
  link.id = "drivers";
  link.type = core::LinkType::tcp;
  link.host = "127.0.0.1";
  link.port = port;
  link.response_timeout_ms = 500;
  return link;
}

// What the bridge's poll does, reduced: every readable point of the map, read in the fewest
// blocks; a value outside its range is kept with quality bad.
bridge::DeviceValues poll(bridge::FieldBus& bus, const core::DeviceConfig& device) {
  std::vector<const core::RegisterPoint*> readable;
  for (const core::RegisterPoint& p : device.map.points)
    if (p.is_readable()) readable.push_back(&p);
  const bridge::PointGroup group(readable);
  auto read = group.read(bus, device.unit_id);
  REQUIRE(read);
  bridge::DeviceValues values;
  values.device = device.id;
  for (const core::RegisterPoint* p : readable) {
    bridge::PointReading& r = values.points[p->name];
    auto decoded = read->values(*p);
    r.quality = decoded ? Quality::good : Quality::bad;
    r.values = decoded ? *decoded
                       : std::vector<double>{bridge::decode_raw(*p, read->words(*p)) * p->scale};
  }
  return values;
}

// Applies a PointWrite the way the bridge does: encode one element, one write request.
void apply(bridge::FieldBus& bus, const core::DeviceConfig& device, const bridge::PointWrite& w) {
  const core::RegisterPoint* p = device.map.find(w.point);
  REQUIRE(p != nullptr);
  REQUIRE(bridge::write_point(bus, device.unit_id, *p, w.value, w.index));
}

}  // namespace

TEST_CASE("a Dixell-style controller's registers arrive as a typed cold-room status",
          "[integration]") {
  const auto device = test::device_from_file("dixell-xr-cold-room.json", "CR-RAW");
  test::ModbusResponder responder(
      {.coils_start = 512, .coils = 3, .holding_start = 256, .holding = 3329 - 256 + 1});
  responder.set(RegisterTable::holding_register, 256, 0xFF85);  // -12.3 degC, two's complement
  responder.set(RegisterTable::holding_register, 257, 0xFED4);  // -30.0 degC
  responder.set(RegisterTable::holding_register, 272, 50);      // 5.0 degC
  responder.set(RegisterTable::coil, 512, 1);                   // compressor relay on
  responder.set(RegisterTable::coil, 513, 0);                   // no defrost
  responder.set(RegisterTable::holding_register, 3328, 1u << 11);
  responder.set(RegisterTable::holding_register, 3329, 1u << 9);

  auto bus = bridge::make_modbus_bus(tcp_link(responder.port()));
  REQUIRE(bus->connect());
  const bridge::ColdRoom room(device);
  const auto s = room.status(poll(*bus, device));
  CHECK(s.air_temp_c.value == Approx(-12.3));
  REQUIRE(s.evaporator_temp_c);
  CHECK(s.evaporator_temp_c->value == Approx(-30.0));
  CHECK(s.setpoint_c.value == Approx(5.0));
  REQUIRE(s.compressor_on);
  CHECK(s.compressor_on->on);
  CHECK_FALSE(s.defrost.on);
  CHECK_FALSE(s.door_open);
  CHECK(s.alarms ==
        std::vector<std::string>{"door open or liquid level alarm", "high pressure alarm"});
  CHECK(s.quality == Quality::good);

  SECTION("an open probe (0x7FFF) reads bad, the rest stays good") {
    responder.set(RegisterTable::holding_register, 257, 0x7FFF);
    const auto open = room.status(poll(*bus, device));
    CHECK(open.evaporator_temp_c->quality == Quality::bad);
    CHECK(open.evaporator_temp_c->value == Approx(3276.7));
    CHECK(open.air_temp_c.quality == Quality::good);
    CHECK(open.quality == Quality::bad);
  }
  SECTION("a setpoint change lands as signed tenths") {
    apply(*bus, device, *room.set_setpoint(-1.5));
    CHECK(responder.get(RegisterTable::holding_register, 272) == 0xFFF1);
    CHECK(room.status(poll(*bus, device)).setpoint_c.value == Approx(-1.5));
  }
}

TEST_CASE("an INVT GD20 drive's registers arrive as a typed VFD status, commands as its words",
          "[integration]") {
  const auto device = test::device_from_file("invt-gd20-vfd.json", "conveyor");
  test::ModbusResponder responder({.holding_start = 0x2000, .holding = 0x3005 - 0x2000});
  responder.set(RegisterTable::holding_register, 0x2001, 3550);  // 35.50 Hz setpoint
  responder.set(RegisterTable::holding_register, 0x2100, 1);     // SW1: running forward
  responder.set(RegisterTable::holding_register, 0x2102, 0);
  responder.set(RegisterTable::holding_register, 0x3000, 3412);  // 34.12 Hz out
  responder.set(RegisterTable::holding_register, 0x3004, 37);    // 3.7 A

  auto bus = bridge::make_modbus_bus(tcp_link(responder.port()));
  REQUIRE(bus->connect());
  const bridge::Vfd vfd(device);
  auto values = poll(*bus, device);
  auto s = vfd.status(values);
  CHECK(s.running);
  CHECK_FALSE(s.faulted);
  CHECK(s.frequency_hz == Approx(34.12));
  REQUIRE(s.setpoint_hz);
  CHECK(*s.setpoint_hz == Approx(35.5));
  CHECK(s.quality == Quality::good);
  CHECK(values.points.at("output_current_a").values.at(0) == Approx(3.7));
  CHECK_FALSE(values.points.contains("run_command"));  // write-only: never polled

  responder.set(RegisterTable::holding_register, 0x2100, 4);  // SW1: fault
  responder.set(RegisterTable::holding_register, 0x2102, 23);
  s = vfd.status(poll(*bus, device));
  CHECK(s.faulted);
  CHECK_FALSE(s.running);
  CHECK(s.fault_code == 23);

  apply(*bus, device, *vfd.reset_fault());
  CHECK(responder.get(RegisterTable::holding_register, 0x2000) == 7);
  apply(*bus, device, vfd.run());
  CHECK(responder.get(RegisterTable::holding_register, 0x2000) == 1);
  apply(*bus, device, vfd.stop());
  CHECK(responder.get(RegisterTable::holding_register, 0x2000) == 5);
  apply(*bus, device, *vfd.set_frequency(42.37));
  CHECK(responder.get(RegisterTable::holding_register, 0x2001) == 4237);
  CHECK_FALSE(vfd.set_frequency(55));  // above P00.03 as mapped: nothing to write
  CHECK(responder.get(RegisterTable::holding_register, 0x2001) == 4237);
}

TEST_CASE("an SHT20 transmitter's input registers arrive as a typed T/RH status", "[integration]") {
  const auto device = test::device_from_file("sht20-th-sensor.json", "TH-1");
  test::ModbusResponder responder({.input_start = 0, .input = 3});
  responder.set(RegisterTable::input_register, 1, 0xFF85);  // -12.3 degC
  responder.set(RegisterTable::input_register, 2, 915);     // 91.5 %RH
  auto bus = bridge::make_modbus_bus(tcp_link(responder.port()));
  REQUIRE(bus->connect());
  const auto s = bridge::ThSensor(device).status(poll(*bus, device));
  CHECK(s.temp_c == Approx(-12.3));
  CHECK(s.humidity_pct == Approx(91.5));
  CHECK(s.quality == Quality::good);
}
