#pragma once
// A real LineSimulator on 127.0.0.1 (ephemeral port) driven by a FakeClock, with a real
// libmodbus master connected to it. Time moves only through advance().
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/bridge/line_simulator.hpp"
#include "coldsort/core/clock.hpp"
#include "coldsort/core/config.hpp"

namespace coldsort::test {

inline core::Config load_default_config() {
  core::LoadedConfig loaded = core::load_config(COLDSORT_CONFIG_DIR "/default.json");
  INFO(loaded.errors.joined());
  REQUIRE(loaded.config);
  return *loaded.config;
}

struct SimFixture {
  core::Config config = load_default_config();
  core::FakeClock clock;
  bridge::LineSimulator sim{config, clock};
  int port = 0;
  core::LinkConfig link;
  std::unique_ptr<bridge::FieldBus> bus;

  SimFixture() {
    auto bound = sim.start("127.0.0.1", 0);
    REQUIRE(bound);
    port = *bound;
    link = *config.find_link(config.simulator.link);
    link.port = port;
    bus = bridge::make_modbus_bus(link);
    REQUIRE(bus->connect());
  }

  const core::DeviceConfig& device(const std::string& id) const {
    const core::DeviceConfig* d = config.find_device(id);
    REQUIRE(d != nullptr);
    return *d;
  }

  // Moves the fake clock forward by `total` in steps of `step`, stepping the simulator
  // after each.
  void advance(std::chrono::nanoseconds total,
               std::chrono::nanoseconds step = std::chrono::milliseconds{50}) {
    while (total.count() > 0) {
      const auto by = std::min(total, step);
      clock.advance(by);
      sim.step(clock.now());
      total -= by;
    }
  }
};

}  // namespace coldsort::test
