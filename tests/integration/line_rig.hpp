#pragma once
// A whole line on loopback for integration tests: the simulator serving real Modbus TCP on
// an ephemeral port, the controller talking to it through the device hub's link workers
// (libmodbus, stepped inline rather than on their threads), a real SQLite file,
// the synthetic camera, and one fake clock driving everything step by step.
#include <memory>

#include "coldsort/app/line_controller.hpp"
#include "coldsort/bridge/line_simulator.hpp"
#include "coldsort/vision/synthetic_camera.hpp"
#include "temp_dir.hpp"

namespace coldsort::test {

inline core::Config load_default_config() {
  auto loaded = core::load_config(std::string(COLDSORT_CONFIG_DIR) + "/default.json");
  if (!loaded.config) throw std::runtime_error(loaded.errors.joined());
  return *loaded.config;
}

inline void set_link_port(core::Config& config, int port) {
  for (auto& link : config.links)
    if (link.id == config.simulator.link) link.port = port;
}

struct LineRig {
  explicit LineRig(core::Config c) : config(std::move(c)) {
    config.store.path = (dir / "coldsort.db").string();
    auto opened = store::open_sqlite_store(config.store.path, {500, 50});
    if (!opened) throw std::runtime_error("cannot open test database");
    store = std::move(*opened);
    // Plain fruit (no crown, stickers, mottling or lighting changes) with the usual share of
    // doubtful cups: this rig checks the line's decisions against the truth; the grader's
    // accuracy on the full synthetic scene is scored in tests/vision and by grade-eval.
    vision::SyntheticScene scene = vision::SyntheticScene::plain();
    scene.set_doubt_share(vision::SyntheticScene{}.doubt_share());
    camera = std::make_unique<vision::SyntheticCamera>(config.camera, scene);
    grader = std::make_unique<vision::FruitGrader>(config.grading,
                                                   vision::measure_options(config.camera, config.grading));
  }
  void connect_controller() {
    hub = std::make_unique<bridge::DeviceHub>(config, clock);
    controller = std::make_unique<app::LineController>(config, *hub, *camera, *grader, *store, clock);
  }
  // One controller cycle as the daemon runs it, with the link workers stepped inline: they
  // write what the controller held last cycle and poll, then the controller reads and decides.
  void step_controller() {
    hub->step(clock.now());
    controller->step(clock.now());
  }

  TempDir dir;
  core::Config config;
  core::FakeClock clock;
  std::unique_ptr<store::LogStore> store;
  std::unique_ptr<vision::SyntheticCamera> camera;
  std::unique_ptr<vision::FruitGrader> grader;
  std::unique_ptr<bridge::DeviceHub> hub;
  std::unique_ptr<app::LineController> controller;
};

}  // namespace coldsort::test
