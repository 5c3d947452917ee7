// Faults injected by an independent Modbus server (modbus-serial): exception answers, a reply
// later than the link's response timeout, a dropped TCP connection, and a unit that falls
// silent on a shared RTU bus. Each is counted and reported the documented way (DeviceStats,
// BridgeEvents), and the bridge recovers.
#include <catch2/catch.hpp>

#include "peer_rig.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using Kind = bridge::BridgeEvent::Kind;
using test::near;

namespace {

constexpr int kRoom = 10;
constexpr int kDrive = 20;

// The TCP peer with a Dixell-style cold room (unit 10) and an INVT GD20 drive (unit 20).
struct TcpRig {
  // `drive_first`: the drive is the first device polled in each cycle.
  explicit TcpRig(bool drive_first = false)
      : peer({"--tcp", "0", "--unit", "10", "--unit", "20"}),
        config(test::peer_config({test::tcp_link("peer", peer.port(), 300)},
                                 devices(drive_first))),
        run(config) {
    peer.set(kRoom, "holding", 256, {-185, -234});
    peer.set(kDrive, "holding", 0x3000, {3000});  // 30.00 Hz out
    REQUIRE(run.step_until([&] { return drive_at(30.0) && room_at(-18.5); }));
  }
  static boost::json::array devices(bool drive_first) {
    auto room = test::device("room", "cold_room", "peer", kRoom, "dixell-xr-cold-room.json", 50);
    auto drive = test::device("drive", "vfd", "peer", kDrive, "invt-gd20-vfd.json", 50);
    return drive_first ? boost::json::array{drive, room} : boost::json::array{room, drive};
  }
  bool drive_at(double hz) { return near(run.values("drive").good("frequency_hz"), hz); }
  bool room_at(double temp_c) { return near(run.values("room").good("air_temp_c"), temp_c); }

  test::ModbusPeer peer;
  core::Config config;
  test::HubRunner run;
};

}  // namespace

TEST_CASE("an exception answer is counted with its raw code and the device stays online",
          "[integration]") {
  TcpRig rig;
  SECTION("a vendor code the drive's map documents") {
    rig.peer.exception(kDrive, 6);  // GD20: "data frame error"
    CHECK(rig.run.step_until([&] { return rig.run.values("drive").stats.exceptions == 1; }));
    const auto v = rig.run.values("drive");
    CHECK(v.stats.last_exception_code == 6);
    CHECK_THAT(v.stats.last_error, Catch::Contains("exception 06") && Catch::Contains("data frame error"));
    CHECK(v.state == bridge::DeviceState::online);
    // Refused values are not good, and not kept as if they were.
    CHECK(v.quality_of({"frequency_hz"}) == bridge::Quality::bad);
  }
  SECTION("a standard code") {
    rig.peer.exception(kRoom, 2);
    CHECK(rig.run.step_until([&] { return rig.run.values("room").stats.exceptions == 1; }));
    const auto v = rig.run.values("room");
    CHECK(v.stats.last_exception_code == 2);
    CHECK_THAT(v.stats.last_error, Catch::Contains("exception 02 (illegal data address)"));
    CHECK(v.state == bridge::DeviceState::online);
  }
  // The next poll reads good values again.
  rig.peer.set(kDrive, "holding", 0x3000, {3100});
  rig.peer.set(kRoom, "holding", 256, {-190});
  CHECK(rig.run.step_until([&] { return rig.drive_at(31.0) && rig.room_at(-19.0); }));
  CHECK_FALSE(rig.run.saw(Kind::device_offline));
  CHECK_FALSE(rig.run.saw(Kind::link_down));
}

TEST_CASE("a reply later than the response timeout is a timeout and does not spoil the next read",
          "[integration]") {
  // Both orders: whether or not another device is polled between the timeout and the late reply.
  const bool drive_first = GENERATE(false, true);
  INFO("drive polled first: " << drive_first);
  TcpRig rig(drive_first);
  rig.peer.delay(kDrive, 800);  // the link's response timeout is 300 ms
  CHECK(rig.run.step_until([&] { return rig.run.values("drive").stats.timeouts == 1; }));
  // The drive's output changes; then the late reply, still carrying 30.00 Hz, goes out while
  // the bridge is idle between cycles.
  rig.peer.set(kDrive, "holding", 0x3000, {4000});
  CHECK(rig.peer.settle() == 1);
  const auto before = rig.run.values("drive").stats;
  const auto room_before = rig.run.values("room").stats;
  CHECK(rig.run.step_until([&] { return rig.run.values("drive").stats.requests > before.requests; }));
  const auto after = rig.run.values("drive");
  INFO("drive " << after.good("frequency_hz").value_or(-1) << " Hz, last error: " << after.stats.last_error);
  CHECK(near(after.good("frequency_hz"), 40.0));
  CHECK(after.stats.errors == before.errors);  // the next read was answered, and correctly
  CHECK(after.stats.crc_errors == 0);
  CHECK(rig.run.values("room").stats.errors == room_before.errors);
  CHECK(after.state == bridge::DeviceState::online);
  CHECK_FALSE(rig.run.saw(Kind::link_down));
}

TEST_CASE("a late reply on an RTU bus is not taken for the answer to a later request",
          "[integration]") {
  // RTU frames carry no transaction id: a late reply still waiting when the same request goes
  // out again looks exactly like its answer. Both device orders, as above.
  const bool th_first = GENERATE(false, true);
  INFO("transmitter polled first: " << th_first);
  test::TempDir dir;
  test::PtyPair cable(dir.path());
  test::ModbusPeer peer({"--rtu", cable.peer_side(), "--baud", "19200", "--parity", "E",
                         "--unit", "1", "--unit", "2"});
  peer.set(1, "input", 1, {-53, 876});
  peer.set(2, "holding", 256, {-12, -301});
  auto th = test::device("th", "th_sensor", "bus", 1, "sht20-th-sensor.json", 50);
  auto room = test::device("room", "cold_room", "bus", 2, "dixell-xr-cold-room.json", 50);
  const auto config = test::peer_config({test::rtu_link("bus", cable.bridge_side(), 200)},
                                        th_first ? boost::json::array{th, room}
                                                 : boost::json::array{room, th});
  test::HubRunner run(config);
  REQUIRE(run.step_until([&] { return near(run.values("th").good("temp_c"), -5.3); }));

  peer.delay(1, 500);  // the link's response timeout is 200 ms
  CHECK(run.step_until([&] { return run.values("th").stats.timeouts == 1; }));
  peer.set(1, "input", 1, {-61});  // -6.1 degC from now on; the late reply says -5.3
  CHECK(peer.settle() == 1);
  CHECK(cable.bytes_wait_at_bridge());
  const auto before = run.values("th").stats;
  CHECK(run.step_until([&] { return run.values("th").stats.requests > before.requests; }));
  const auto after = run.values("th");
  INFO("temp " << after.good("temp_c").value_or(-999) << ", last error: " << after.stats.last_error);
  CHECK(near(after.good("temp_c"), -6.1));
  CHECK(after.stats.errors == before.errors);
  CHECK(run.values("room").stats.errors == 0);
}

TEST_CASE("a dropped connection brings the link down, and the hub reconnects with good values",
          "[integration]") {
  TcpRig rig;
  rig.peer.drop();
  CHECK(rig.run.step_until([&] { return rig.run.saw(Kind::link_down); }));
  CHECK(rig.run.values("drive").state == bridge::DeviceState::offline);
  rig.peer.set(kDrive, "holding", 0x3000, {4500});
  CHECK(rig.run.step_until([&] { return rig.run.saw(Kind::link_up) && rig.drive_at(45.0); }));
  const auto status = rig.run.hub().link_status_of("drive");
  REQUIRE(status);
  CHECK(status->state == bridge::LinkState::up);
  CHECK(status->connects == 2);
  CHECK(rig.run.values("drive").state == bridge::DeviceState::online);
  CHECK(rig.run.values("room").state == bridge::DeviceState::online);
  CHECK(near(rig.run.values("room").good("air_temp_c"), -18.5));
}

TEST_CASE("a unit that falls silent on an RTU bus goes offline while its neighbour stays online",
          "[integration]") {
  test::TempDir dir;
  test::PtyPair cable(dir.path());
  test::ModbusPeer peer({"--rtu", cable.peer_side(), "--baud", "19200", "--parity", "E",
                         "--unit", "1", "--unit", "2"});
  peer.set(1, "input", 1, {-53, 876});
  peer.set(2, "holding", 256, {-12, -301});
  const auto config = test::peer_config(
      {test::rtu_link("bus", cable.bridge_side(), 200)},
      {test::device("th", "th_sensor", "bus", 1, "sht20-th-sensor.json", 50),
       test::device("room", "cold_room", "bus", 2, "dixell-xr-cold-room.json", 50)});
  test::HubRunner run(config);
  REQUIRE(run.step_until([&] { return near(run.values("room").good("air_temp_c"), -1.2); }));

  peer.silent(2, true);
  CHECK(run.step_until([&] { return run.saw(Kind::device_offline, "room"); }));
  CHECK(run.values("room").state == bridge::DeviceState::offline);
  CHECK(run.values("room").stats.timeouts >= 3);
  // The transmitter on the same bus is still read, with fresh values.
  peer.set(1, "input", 1, {-61});
  CHECK(run.step_until([&] { return near(run.values("th").good("temp_c"), -6.1); }));
  CHECK(run.values("th").state == bridge::DeviceState::online);
  CHECK_FALSE(run.saw(Kind::device_offline, "th"));
  CHECK_FALSE(run.saw(Kind::link_down));

  peer.silent(2, false);
  peer.set(2, "holding", 256, {-15});
  CHECK(run.step_until([&] {
    return run.saw(Kind::device_online, "room") && near(run.values("room").good("air_temp_c"), -1.5);
  }));
  CHECK(run.values("room").state == bridge::DeviceState::online);
}
