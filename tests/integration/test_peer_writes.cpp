// States the controller holds in devices (a drive's run command and frequency setpoint, a
// cold room's setpoint) reach an independent Modbus server (modbus-serial) exactly once per
// change, again once after a reconnect, and once more after the device refused them.
#include <catch2/catch.hpp>

#include "coldsort/bridge/cold_room.hpp"
#include "coldsort/bridge/vfd.hpp"
#include "peer_rig.hpp"

using namespace coldsort;
using Kind = bridge::BridgeEvent::Kind;

namespace {

// How often the peer accepted `value` into holding register `address` of `unit`, counting
// each register of a multi-register write on its own (so the count does not depend on how
// the bridge groups its writes).
int times_written(const std::vector<test::PeerWrite>& writes, int unit, int address, int value) {
  int n = 0;
  for (const auto& w : writes) {
    if (w.unit != unit || w.table != "holding" || w.answer != "ok") continue;
    const int offset = address - w.address;
    if (offset >= 0 && offset < static_cast<int>(w.values.size()) &&
        w.values[static_cast<std::size_t>(offset)] == value)
      ++n;
  }
  return n;
}

// Registers the peer accepted, all writes together.
int registers_written(const std::vector<test::PeerWrite>& writes) {
  int n = 0;
  for (const auto& w : writes)
    if (w.answer == "ok") n += static_cast<int>(w.values.size());
  return n;
}

template <class T>
T value_of(const core::Result<T>& r) {
  REQUIRE(r.has_value());
  return *r;
}

// INVT GD20 (config/devices/invt-gd20-vfd.json): command word 0x2000 (1 run, 5 stop),
// frequency setpoint 0x2001 in hundredths of a hertz. Dixell setpoint: holding 272, signed
// tenths of a degree.
constexpr int kDrive = 20;
constexpr int kRoom = 10;
constexpr int kCommand = 0x2000;
constexpr int kSetpoint = 0x2001;
constexpr int kRoomSetpoint = 272;

}  // namespace

TEST_CASE("held writes reach modbus-serial once per change and again after a reconnect",
          "[integration]") {
  test::ModbusPeer peer({"--tcp", "0", "--unit", "10", "--unit", "20"});
  const auto config = test::peer_config(
      {test::tcp_link("peer", peer.port(), 300)},
      {test::device("room", "cold_room", "peer", kRoom, "dixell-xr-cold-room.json", 50),
       test::device("drive", "vfd", "peer", kDrive, "invt-gd20-vfd.json", 50)});
  const bridge::Vfd vfd(config.devices[1]);
  const bridge::ColdRoom room(config.devices[0]);
  test::HubRunner run(config);
  auto& hub = run.hub();

  hub.hold("drive", {vfd.run(), value_of(vfd.set_frequency(35.5))});
  hub.hold("room", value_of(room.set_setpoint(-1.5)));
  CHECK(run.step_until([&] {
    const auto w = peer.writes();
    return times_written(w, kDrive, kCommand, 1) == 1 && times_written(w, kDrive, kSetpoint, 3550) == 1 &&
           times_written(w, kRoom, kRoomSetpoint, 0xFFFF - 14) == 1;  // -15 as 16 bits
  }));
  // The drive reports back what it was told (the setpoint register is read-write).
  CHECK(run.step_until([&] { return test::near(run.values("drive").good("frequency_setpoint_hz"), 35.5); }));

  // Nothing changed: twenty more polls and the same states held again write nothing.
  hub.hold("drive", {vfd.run(), value_of(vfd.set_frequency(35.5))});
  REQUIRE(run.step_polls("drive", 20));
  auto writes = peer.writes();
  CHECK(times_written(writes, kDrive, kCommand, 1) == 1);
  CHECK(times_written(writes, kDrive, kSetpoint, 3550) == 1);
  CHECK(times_written(writes, kRoom, kRoomSetpoint, 0xFFFF - 14) == 1);
  CHECK(registers_written(writes) == 3);

  // A change is written once.
  hub.hold("drive", {vfd.stop(), value_of(vfd.set_frequency(20.0))});
  CHECK(run.step_until([&] {
    const auto w = peer.writes();
    return times_written(w, kDrive, kCommand, 5) == 1 && times_written(w, kDrive, kSetpoint, 2000) == 1;
  }));
  REQUIRE(run.step_polls("drive", 10));
  writes = peer.writes();
  CHECK(times_written(writes, kDrive, kCommand, 5) == 1);
  CHECK(times_written(writes, kDrive, kSetpoint, 2000) == 1);
  CHECK(registers_written(writes) == 5);

  // The peer drops the connection: after the reconnect every held state is written once more.
  peer.drop();
  CHECK(run.step_until([&] { return run.saw(Kind::link_down) && run.saw(Kind::link_up); }));
  CHECK(run.step_until([&] {
    const auto w = peer.writes();
    return times_written(w, kDrive, kCommand, 5) == 2 && times_written(w, kDrive, kSetpoint, 2000) == 2 &&
           times_written(w, kRoom, kRoomSetpoint, 0xFFFF - 14) == 2;
  }));
  REQUIRE(run.step_polls("drive", 10));
  writes = peer.writes();
  CHECK(times_written(writes, kDrive, kCommand, 5) == 2);
  CHECK(times_written(writes, kDrive, kSetpoint, 2000) == 2);
  CHECK(times_written(writes, kRoom, kRoomSetpoint, 0xFFFF - 14) == 2);
  CHECK(registers_written(writes) == 8);  // nothing else: the old states 1 and 3550 are not re-sent
}

TEST_CASE("a write the drive refuses with its own exception code is reported and retried",
          "[integration]") {
  test::ModbusPeer peer({"--tcp", "0", "--unit", "20"});
  const auto config = test::peer_config(
      {test::tcp_link("peer", peer.port(), 300)},
      {test::device("drive", "vfd", "peer", kDrive, "invt-gd20-vfd.json", 50)});
  const bridge::Vfd vfd(config.devices[0]);
  test::HubRunner run(config);
  auto& hub = run.hub();
  hub.hold("drive", {vfd.run(), value_of(vfd.set_frequency(30.0))});
  REQUIRE(run.step_until([&] { return times_written(peer.writes(), kDrive, kSetpoint, 3000) == 1; }));

  // GD20 exception 08: "parameter cannot be changed while the drive is running". Held states
  // are written before the step's polls, so the new setpoint is the next request.
  peer.exception(kDrive, 8);
  hub.hold("drive", value_of(vfd.set_frequency(25.0)));
  CHECK(run.step_until([&] { return run.saw(Kind::write_refused, "drive"); }));
  const auto refused = std::find_if(run.events().begin(), run.events().end(),
                                    [](const auto& e) { return e.kind == Kind::write_refused; });
  REQUIRE(refused != run.events().end());
  CHECK_THAT(refused->message, Catch::Contains("exception 08") &&
                                   Catch::Contains("cannot be changed while the drive is running"));
  const auto stats = run.values("drive").stats;
  CHECK(stats.last_exception_code == 8);
  CHECK(stats.exceptions == 1);
  CHECK(run.values("drive").state == bridge::DeviceState::online);

  // Held, so written once the drive accepts it.
  CHECK(run.step_until([&] { return times_written(peer.writes(), kDrive, kSetpoint, 2500) == 1; }));
  CHECK(run.step_until([&] { return test::near(run.values("drive").good("frequency_setpoint_hz"), 25.0); }));
  CHECK_FALSE(run.saw(Kind::device_offline));
  CHECK_FALSE(run.saw(Kind::link_down));
}
