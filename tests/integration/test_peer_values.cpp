// Register values read through coldsort equal those an independent Modbus implementation
// (the npm package modbus-serial, tests/peers/modbus_peer.js) serves, over TCP and over RTU on
// a socat pty pair: signed tenths of a degree below zero, 32-bit values in both word orders,
// status and alarm words, coils; every point of the real-vendor maps.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <set>

#include "coldsort/bridge/cold_room.hpp"
#include "coldsort/bridge/scale.hpp"
#include "coldsort/bridge/th_sensor.hpp"
#include "coldsort/bridge/vfd.hpp"
#include "peer_rig.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using test::near;
using Expected = std::map<std::string, double, std::less<>>;

namespace {

// Every readable point of the device, good, with exactly these values.
bool reads(const bridge::DeviceValues& v, const Expected& expected) {
  if (v.points.size() != expected.size()) return false;
  for (const auto& [name, value] : expected) {
    if (!near(v.good(name), value)) return false;
  }
  return true;
}

// The same, one CHECK per point, so a failure names the point.
void check_reads(const bridge::DeviceValues& v, const Expected& expected) {
  INFO("device " << v.device);
  std::set<std::string> polled;
  for (const auto& [name, reading] : v.points) polled.insert(name);
  std::set<std::string> wanted;
  for (const auto& [name, value] : expected) wanted.insert(name);
  CHECK(polled == wanted);  // the image below covers every readable point of the map
  for (const auto& [name, value] : expected) {
    INFO("point " << name);
    const auto got = v.good(name);
    REQUIRE(got);
    CHECK(*got == Approx(value).margin(1e-9));
  }
}

// Dixell XR-style controller (config/devices/dixell-xr-cold-room.json): probes are signed
// tenths of a degree in holding registers 256, 257, setpoint 272; relays are coils 512-514;
// alarm words 3328-3329.
void serve_dixell(test::ModbusPeer& peer, int unit, int air_tenths, int evaporator_tenths,
                  int setpoint_tenths, int alarm_word, int alarm_word_2) {
  peer.set(unit, "holding", 256, {air_tenths, evaporator_tenths});
  peer.set(unit, "holding", 272, {setpoint_tenths});
  peer.set(unit, "coil", 512, {1, 0, 1});  // compressor on, no defrost, fan on
  peer.set(unit, "holding", 3328, {alarm_word, alarm_word_2});
}

// A map with 32-bit values in both word orders and a float, beside the real Dini Argeo map
// (which is high word first only). A scale map: the kind needs weight_g.
std::string write_word_order_map(const test::TempDir& dir) {
  const auto file = dir / "peer-word-order.json";
  std::ofstream(file) << R"({ "model": "peer-word-order-test",
    "points": [
      { "name": "weight_g",    "table": "input_register", "address": 0, "type": "s32", "word_order": "low_first", "unit": "g" },
      { "name": "fruit_total", "table": "input_register", "address": 2, "type": "u32", "word_order": "low_first" },
      { "name": "belt_hours",  "table": "input_register", "address": 4, "type": "u32" },
      { "name": "ambient_c",   "table": "input_register", "address": 6, "type": "f32", "unit": "degC" }]})";
  return file.string();
}

}  // namespace

TEST_CASE("values read over TCP equal what modbus-serial serves, every point of each map",
          "[integration]") {
  test::TempDir dir;
  test::ModbusPeer peer({"--tcp", "0", "--unit", "10", "--unit", "20", "--unit", "40", "--unit", "41"});
  serve_dixell(peer, 10, -185, -234, -15, 0x0801, 0x0200);
  // INVT GD20: setpoint 35.50 Hz, status 1 (running forward), fault 0, then the running
  // values from 0x3000: 35.12 Hz out, 35.50 Hz reference, 537 V bus, 371 V out, 4.2 A.
  peer.set(20, "holding", 0x2001, {3550});
  peer.set(20, "holding", 0x2100, {1, 0, 0});
  peer.set(20, "holding", 0x3000, {3512, 3550, 537, 371, 42});
  // Dini Argeo: status stable (bit 1) and gross negative (bit 0); weight -1234 g as a signed
  // 32-bit value, high word first: 0xFFFF, 0xFB2E.
  peer.set(40, "holding", 201, {0x0003, 0xFFFF, 0xFB2E});
  // -70000 = 0xFFFEEE90 low word first; 3000000000 = 0xB2D05E00 low word first; 123456 =
  // 0x0001E240 high word first; 21.5 = IEEE 754 0x41AC0000.
  peer.set(41, "input", 0, {0xEE90, 0xFFFE, 0x5E00, 0xB2D0, 0x0001, 0xE240, 0x41AC, 0x0000});

  const auto config = test::peer_config(
      {test::tcp_link("peer", peer.port(), 300)},
      {test::device("room", "cold_room", "peer", 10, "dixell-xr-cold-room.json", 50),
       test::device("drive", "vfd", "peer", 20, "invt-gd20-vfd.json", 50),
       test::device("scale", "scale", "peer", 40, "dini-argeo-dgt4x-scale.json", 50),
       test::device("words", "scale", "peer", 41, write_word_order_map(dir), 50)});
  test::HubRunner run(config);

  const Expected room{{"air_temp_c", -18.5}, {"evaporator_temp_c", -23.4}, {"setpoint_c", -1.5},
                      {"compressor_on", 1}, {"defrost", 0}, {"fan_on", 1},
                      {"alarm_bits", 0x0801}, {"alarm_bits_2", 0x0200}};
  const Expected drive{{"frequency_setpoint_hz", 35.5}, {"status_word", 1}, {"fault_code", 0},
                       {"frequency_hz", 35.12}, {"reference_hz", 35.5}, {"bus_voltage_v", 537},
                       {"output_voltage_v", 371}, {"output_current_a", 4.2}};
  const Expected scale{{"status", 3}, {"weight_g", -1234}};
  const Expected words{{"weight_g", -70000}, {"fruit_total", 3000000000.0}, {"belt_hours", 123456},
                       {"ambient_c", 21.5}};
  CHECK(run.step_until([&] {
    return reads(run.values("room"), room) && reads(run.values("drive"), drive) &&
           reads(run.values("scale"), scale) && reads(run.values("words"), words);
  }));
  check_reads(run.values("room"), room);
  check_reads(run.values("drive"), drive);
  check_reads(run.values("scale"), scale);
  check_reads(run.values("words"), words);

  // The typed drivers read the same image the vendor's way.
  const auto& devices = config.devices;
  const auto cold = bridge::ColdRoom(devices[0]).status(run.values("room"));
  CHECK(cold.quality == bridge::Quality::good);
  CHECK(cold.air_temp_c.value == Approx(-18.5));
  CHECK(cold.setpoint_c.value == Approx(-1.5));
  CHECK(cold.compressor_on->on);
  CHECK_FALSE(cold.defrost.on);
  CHECK(cold.alarms == std::vector<std::string>{"load 1 alarm", "door open or liquid level alarm",
                                                "high pressure alarm"});
  const auto vfd = bridge::Vfd(devices[1]).status(run.values("drive"));
  CHECK(vfd.quality == bridge::Quality::good);
  CHECK(vfd.running);
  CHECK_FALSE(vfd.faulted);
  CHECK(vfd.frequency_hz == Approx(35.12));
  const auto weighed = bridge::Scale(devices[2]).status(run.values("scale"));
  CHECK(weighed.weight_g == Approx(-1234));
  CHECK(weighed.stable == std::optional<bool>(true));

  // New values from the peer replace the old ones.
  serve_dixell(peer, 10, 32, -5, 40, 0, 0);     // +3.2, -0.5, +4.0 degC, no alarms
  peer.set(20, "holding", 0x2100, {4, 0, 17});  // status 4: fault, fault code 17
  CHECK(run.step_until([&] {
    return near(run.values("drive").good("fault_code"), 17) &&
           near(run.values("room").good("air_temp_c"), 3.2);
  }));
  const auto warm = bridge::ColdRoom(devices[0]).status(run.values("room"));
  CHECK(warm.air_temp_c.value == Approx(3.2));
  CHECK(warm.evaporator_temp_c->value == Approx(-0.5));
  CHECK(warm.setpoint_c.value == Approx(4.0));
  CHECK(warm.alarms.empty());
  const auto tripped = bridge::Vfd(devices[1]).status(run.values("drive"));
  CHECK(tripped.faulted);
  CHECK(tripped.fault_code == 17);
  CHECK_FALSE(tripped.running);
}

TEST_CASE("values read over RTU on a pty pair equal what modbus-serial serves", "[integration]") {
  test::TempDir dir;
  test::PtyPair cable(dir.path());
  test::ModbusPeer peer({"--rtu", cable.peer_side(), "--baud", "19200", "--parity", "E",
                         "--unit", "1", "--unit", "2"});
  // SHT20 transmitter: input registers 1 and 2, signed tenths of a degree and tenths of %RH.
  peer.set(1, "input", 1, {-53, 876});
  serve_dixell(peer, 2, -12, -301, 20, 0x0001, 0x0100);

  const auto config = test::peer_config(
      {test::rtu_link("bus", cable.bridge_side(), 300)},
      {test::device("th", "th_sensor", "bus", 1, "sht20-th-sensor.json", 50),
       test::device("room", "cold_room", "bus", 2, "dixell-xr-cold-room.json", 50)});
  test::HubRunner run(config);

  const Expected th{{"temp_c", -5.3}, {"humidity_pct", 87.6}};
  const Expected room{{"air_temp_c", -1.2}, {"evaporator_temp_c", -30.1}, {"setpoint_c", 2.0},
                      {"compressor_on", 1}, {"defrost", 0}, {"fan_on", 1},
                      {"alarm_bits", 0x0001}, {"alarm_bits_2", 0x0100}};
  CHECK(run.step_until([&] { return reads(run.values("th"), th) && reads(run.values("room"), room); }));
  check_reads(run.values("th"), th);
  check_reads(run.values("room"), room);

  const auto sensor = bridge::ThSensor(config.devices[0]).status(run.values("th"));
  CHECK(sensor.quality == bridge::Quality::good);
  CHECK(sensor.temp_c == Approx(-5.3));
  CHECK(sensor.humidity_pct == Approx(87.6));
  const auto cold = bridge::ColdRoom(config.devices[1]).status(run.values("room"));
  CHECK(cold.alarms == std::vector<std::string>{"load 1 alarm", "no link alarm"});
  CHECK(run.values("th").stats.crc_errors == 0);
  CHECK(run.values("room").stats.errors == 0);
}
