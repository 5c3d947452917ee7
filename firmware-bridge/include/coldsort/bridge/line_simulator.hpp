#pragma once
// The simulated line: a sorter PLC (encoder, cups per lane, outlet table, ejectors that
// record where every fruit really went), cold rooms with a thermal model, a conveyor drive,
// a T/RH sensor and a scale, all served as Modbus devices (by unit id) with the register maps
// from config: over TCP on one loopback port, and over RTU on a serial device (one end of a
// pty pair). It speaks the same protocol as the hardware, so the controller cannot tell it
// from a real line. Tests script communication and device faults through inject().
// Thread safety: all public members may be called from any thread; the Modbus servers run
// on their own threads between start()/start_rtu() and stop().
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/core/clock.hpp"
#include "coldsort/core/config.hpp"
#include "coldsort/core/error.hpp"

namespace coldsort::bridge {

// Where a fruit really went: outlet number, or 0 when it rode past every outlet.
struct Ejection {
  int lane = 0;
  std::uint64_t cup = 0;
  int outlet = 0;
  bool had_decision = false;  // the outlet table held a valid decision for this cup
};

// A fault the simulator injects on one unit id (LineSimulator::inject), for testing how a
// master copes. Build one with the named constructors below.
//
// Request faults act on the next `count` requests to the unit, over TCP and RTU alike
// (count 0: every request until clear_faults()). When several are queued for a unit, the
// oldest applies first.
//  - drop_connection: TCP: the connection is closed without an answer. RTU: no answer (a
//    serial line cannot be dropped).
//  - delay_reply: the answer leaves `delay_ms` after the request arrived. If the same client
//    sends its next request first (its master gave up), the held answer is discarded, as a
//    gateway discards a late answer once its own timeout has passed.
//  - late_reply: the answer is held until the same client's next request arrives, and sent
//    just before that request's answer (TCP: in one segment; RTU: back to back). This is the
//    case that shifts every later answer by one if the master does not flush after a timeout.
//  - exception: the answer is Modbus exception `code` (1..255; 0x01-0x0B are standard,
//    Modbus Application Protocol v1.1b3 §7, and vendors add their own). A refused write
//    changes nothing.
//  - corrupt_crc: RTU only: the answer's CRC is damaged. TCP answers are not affected and do
//    not use up the count.
// Point faults hold until clear_faults():
//  - stick_point: the point keeps the value it has now, whatever the model does.
//  - force_raw: the point's registers hold `raw` (the integer as transmitted, before scale:
//    e.g. 32767 (0x7FFF) or -32768 on a signed x0.1 probe, a common probe-fault code), or
//    the float for an f32 point. std::invalid_argument from inject() if it does not fit.
// Device faults:
//  - device_fault: the device's own fault, `code` in its fault register. Drives only: the
//    VFD stops and reports `fault_code` until the "reset_fault" command word is written.
struct SimFault {
  enum class Kind {
    drop_connection,
    delay_reply,
    late_reply,
    exception,
    corrupt_crc,
    stick_point,
    force_raw,
    device_fault,
  };
  Kind kind = Kind::drop_connection;
  int count = 1;
  int delay_ms = 0;
  int code = 0;  // exception code or device fault code
  std::string point;
  double raw = 0;

  static SimFault drop_connection(int count = 1);
  static SimFault delay_reply(int delay_ms, int count = 1);
  static SimFault late_reply(int count = 1);
  static SimFault exception(int code, int count = 1);
  static SimFault corrupt_crc(int count = 1);
  static SimFault stick_point(std::string point);
  static SimFault force_raw(std::string point, double raw);
  static SimFault device_fault(int code);
};

// A simulated cold room's door: on its timetable (docs/register-maps.md), or held by a test.
enum class DoorMode { schedule, held_open, held_closed };

class LineSimulator {
 public:
  // No I/O. The belt starts running at the config's nominal speed.
  LineSimulator(const core::Config& config, const core::Clock& clock);
  ~LineSimulator();
  LineSimulator(const LineSimulator&) = delete;
  LineSimulator& operator=(const LineSimulator&) = delete;

  // Binds and serves Modbus TCP on host:port; port 0 picks a free port. Returns the bound
  // port. Errors: address_in_use, io_error.
  core::Result<int> start(const std::string& host, int port);
  // Serves the same units as Modbus RTU slaves on a serial device (e.g. one end of a socat
  // pty pair), beside or instead of TCP. Units not simulated stay silent, as on a real bus.
  // Errors: link_down (no such device, or busy), io_error. std::logic_error if already
  // serving RTU.
  core::Result<void> start_rtu(const std::string& serial_device, int baud, char parity,
                               int data_bits = 8, int stop_bits = 1);
  // Stops every server (TCP and RTU). Idempotent; start()/start_rtu() may follow.
  void stop();

  // Advances belt, ejectors, watchdog and thermal models to `now`. Ejectors act on each cup
  // index the belt passes, so a step that covers several cups handles all of them in order.
  void step(core::SteadyTime now);

  std::uint64_t cup_at_camera() const;
  // Removes and returns the ejections recorded since the last call.
  std::vector<Ejection> take_ejections();

  // Fault injection, per unit id of a simulated device. std::invalid_argument for a unit
  // that is not simulated, a point not in its map, a bad count/code, or a device fault on a
  // device without one. Point faults take effect at once; request faults from the next
  // request the servers read.
  void inject(int unit_id, const SimFault& fault);
  // Removes every fault of the unit; stuck and forced points follow the model again from
  // the next step(). A tripped device stays tripped until reset through its registers.
  void clear_faults(int unit_id);

  // Cold rooms, by device id (std::invalid_argument if it is not a simulated cold room).
  void set_door(std::string_view cold_room_device, DoorMode mode);
  // Brings `mass_kg` of fruit at `temp_c` into the room (loading through the door is not
  // implied: hold it open too for that). The fruit warms the air as it cools
  // (3.6 kJ/kg/K), until the compressor has taken the heat out.
  void add_fruit(std::string_view cold_room_device, double mass_kg, double temp_c);

  // Puts `load_g` grams on the platform of a simulated scale (0: empty), by device id
  // (std::invalid_argument if it is not a simulated scale).
  void set_scale_load(std::string_view scale_device, double load_g);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coldsort::bridge
