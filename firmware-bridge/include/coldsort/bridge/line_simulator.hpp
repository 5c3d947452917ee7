#pragma once
// The simulated line: a sorter PLC (encoder, cups per lane, outlet table, ejectors that
// record where every fruit really went), cold rooms with a thermal model, a conveyor drive
// and a T/RH sensor, all served as Modbus TCP devices (by unit id) on one loopback port,
// with the register maps from config. It speaks the same protocol as the hardware, so the
// controller cannot tell it from a real line.
// Thread safety: all public members may be called from any thread; the Modbus server runs
// on its own thread between start() and stop().
#include <cstdint>
#include <memory>
#include <string>
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
  void stop();

  // Advances belt, ejectors, watchdog and thermal models to `now`. Ejectors act on each cup
  // index the belt passes, so a step that covers several cups handles all of them in order.
  void step(core::SteadyTime now);

  std::uint64_t cup_at_camera() const;
  // Removes and returns the ejections recorded since the last call.
  std::vector<Ejection> take_ejections();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coldsort::bridge
