// coldsortd: the controller daemon. Loads and validates the config, opens the log store,
// optionally starts the built-in simulated line, serves the HMI and runs the line thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <atomic>
#include <ctime>
#include <optional>
#include <sstream>
#include <filesystem>
#include <iostream>
#include <thread>
#include <unistd.h>

#include "coldsort/app/line_controller.hpp"
#include "coldsort/bridge/line_simulator.hpp"
#include "coldsort/bridge/scada_server.hpp"
#include "coldsort/core/log.hpp"
#include "coldsort/hmi/hmi_server.hpp"
#include "coldsort/scheduler/plan_json.hpp"
#include "coldsort/vision/camera_source.hpp"

namespace fs = std::filesystem;
namespace po = boost::program_options;
using namespace coldsort;

namespace {

struct Options {
  std::string config = "config/default.json";
  std::string db;
  int http_port = -1;
  int scada_port = -1;
  bool simulate = false;
  std::string log_level = "info";
  std::string plan;  // a published plan (coldsort plan --out) whose outlet allocation to follow
};

int fail(const std::string& line, int code = 1) {
  std::cerr << "coldsortd: " << line << "\n";
  return code;
}

// The data folder must exist and be writable before anything is recorded.
std::string prepare_data_folder(const std::string& db_path) {
  fs::path folder = fs::path(db_path).parent_path();
  if (folder.empty()) folder = ".";
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return "cannot create data folder " + folder.string() + ": " + ec.message();
  if (::access(folder.c_str(), W_OK) != 0)
    return "data folder " + folder.string() + " is not writable";
  return {};
}

// "07:00" today, local time: minute 0 of a plan's day. nullopt when malformed.
std::optional<core::WallTime> today_at(const std::string& hh_mm, core::WallTime now) {
  int hours = 0, minutes = 0;
  char colon = 0;
  std::istringstream in(hh_mm);
  if (!(in >> hours >> colon >> minutes) || colon != ':' || hours < 0 || hours > 23 || minutes < 0 || minutes > 59)
    return std::nullopt;
  const std::time_t t = core::WallTime::clock::to_time_t(now);
  std::tm local{};
  localtime_r(&t, &local);
  local.tm_hour = hours;
  local.tm_min = minutes;
  local.tm_sec = 0;
  return core::WallTime::clock::from_time_t(std::mktime(&local));
}

// Loads the plan to follow, records it as published and hands it to the controller.
std::optional<std::string> follow_plan_file(const std::string& file, app::LineController& controller,
                                            store::LogStore& store, const core::Clock& clock) {
  auto loaded = scheduler::load_plan(file);
  if (!loaded.plan) return "invalid plan " + file + ":\n" + loaded.errors.joined();
  auto day_start = today_at(loaded.plan->day_start, clock.wall_now());
  if (!day_start) return file + ".day_start: expected HH:MM, not \"" + loaded.plan->day_start + "\"";
  const scheduler::Plan& p = *loaded.plan;
  store.append_plan({clock.wall_now(), p.method, p.instance, p.made_at_min, p.kpis.parcels_demanded,
                     p.kpis.parcels_on_time, p.kpis.parcels_late, p.kpis.parcels_unplanned,
                     p.kpis.changes_vs_published, scheduler::plan_to_json(p)});
  controller.follow_plan(std::make_shared<const scheduler::Plan>(std::move(*loaded.plan)), *day_start);
  return std::nullopt;
}

// Steps the simulated line in real time until `stop` is set.
void run_simulator(bridge::LineSimulator& sim, const core::Clock& clock, std::atomic<bool>& stop) {
  while (!stop) {
    sim.step(clock.now());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the run loop's tick
  }
}

void run_line(app::LineController& controller, hmi::HmiServer& hmi, bridge::ScadaServer& scada,
              const core::Clock& clock, int push_period_ms, std::atomic<bool>& stop) {
  auto next_push = clock.now();
  while (!stop) {
    auto now = clock.now();
    controller.step(now);
    if (now >= next_push) {
      hmi.publish(controller.status_json());
      scada.update(controller.scada_image());
      next_push = now + std::chrono::milliseconds(push_period_ms);
    }
    std::this_thread::sleep_until(now + std::chrono::milliseconds(10));  // the run loop's tick
  }
}

int run(const Options& opt) {
  core::LoadedConfig loaded = core::load_config(opt.config);
  if (!loaded.config) {
    std::cerr << "coldsortd: invalid config " << opt.config << ":\n" << loaded.errors.joined();
    return 2;
  }
  core::Config config = std::move(*loaded.config);
  if (!opt.db.empty()) config.store.path = opt.db;
  if (opt.http_port >= 0) config.hmi.port = opt.http_port;
  if (opt.scada_port >= 0) config.scada.port = opt.scada_port;
  if (std::string e = prepare_data_folder(config.store.path); !e.empty()) return fail(e);

  store::StoreOptions store_options;
  store_options.batch_rows = config.store.batch_rows;
  store_options.batch_ms = config.store.batch_ms;
  store_options.max_pending = config.store.max_pending;
  store_options.sensor_raw_max_age = std::chrono::hours(24) * config.store.sensor_raw_days;
  auto store = store::open_sqlite_store(config.store.path, store_options);
  if (!store) return fail("cannot open database " + config.store.path + ": " + store.error().message());
  // The bands the rooms are judged against from now on, so that a compliance report read
  // later states the limits of the day, not today's config.
  for (const core::ColdRoom& room : config.cold_rooms)
    (*store)->append_cold_room(room, std::chrono::system_clock::now());

  core::SystemClock clock;
  std::atomic<bool> stop{false};
  std::unique_ptr<bridge::LineSimulator> sim;
  std::thread sim_thread;
  const core::LinkConfig& sim_link = *config.find_link(config.simulator.link);  // validated
  const std::string sim_address = sim_link.host + ":" + std::to_string(sim_link.port);
  if (opt.simulate) {
    sim = std::make_unique<bridge::LineSimulator>(config, clock);
    if (auto port = sim->start(sim_link.host, sim_link.port); !port)
      return fail("cannot listen on " + sim_address + " for the simulated line: " +
                  port.error().message());
    sim_thread = std::thread(run_simulator, std::ref(*sim), std::cref(clock), std::ref(stop));
  }

  boost::asio::io_context ioc;
  hmi::HmiOptions hmi_options;
  hmi_options.bind = config.hmi.bind;
  hmi_options.port = config.hmi.port;
  hmi::HmiServer hmi(ioc, hmi_options);
  auto hmi_port = hmi.start();
  if (!hmi_port) {
    stop = true;
    if (sim_thread.joinable()) sim_thread.join();
    return fail("cannot serve the HMI on " + config.hmi.bind + ":" + std::to_string(config.hmi.port) +
                ": " + hmi_port.error().message());
  }

  // One I/O thread per field-bus link; the line thread never waits on a device.
  bridge::DeviceHub hub(config, clock);
  std::string camera_error;
  auto camera = vision::make_camera(config.camera, &camera_error);
  if (!camera) {
    stop = true;
    if (sim_thread.joinable()) sim_thread.join();
    return fail("cannot open the camera: " + camera_error);
  }
  vision::FruitGrader grader(config.grading, vision::measure_options(config.camera, config.grading));
  app::LineController controller(config, hub, **camera, grader, **store, clock);
  if (!opt.plan.empty()) {
    if (auto error = follow_plan_file(opt.plan, controller, **store, clock)) {
      stop = true;
      if (sim_thread.joinable()) sim_thread.join();
      return fail(*error, 2);
    }
  }
  hub.start();
  // Graded images beside the database: rejects, doubtful fruit and 1 in 50 of the rest, for
  // `coldsort regrade` to try a draft standard on before it goes live.
  app::ImageArchiveConfig archive_config;
  archive_config.root = (std::filesystem::path(config.store.path).parent_path() / "archive").string();
  archive_config.px_per_mm = config.camera.px_per_mm;
  app::ImageArchive archive(archive_config);
  archive.start();
  controller.archive_images_to(&archive);
  // Plant SCADA, read-only. A port already taken is not worth stopping the line for: say so
  // and run without it.
  bridge::ScadaServer scada;
  std::string scada_note;
  if (config.scada.enabled) {
    if (auto port = scada.start(config.scada); port)
      scada_note = " ; SCADA Modbus TCP on " + config.scada.bind + ":" + std::to_string(*port);
    else
      core::log::error("coldsortd", "SCADA server not started on " + config.scada.bind + ":" +
                                        std::to_string(config.scada.port) + ": " + port.error().message());
  }
  std::thread line_thread(run_line, std::ref(controller), std::ref(hmi), std::ref(scada),
                          std::cref(clock), config.hmi.push_period_ms, std::ref(stop));

  std::cout << "coldsortd: line " << config.line.id << " running; HMI on http://"
            << config.hmi.bind << ":" << *hmi_port << "/ ; database " << config.store.path
            << (opt.simulate ? " ; simulated line on " + sim_address : std::string())
            << scada_note << std::endl;

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    core::log::info("coldsortd", "stopping");
    stop = true;
    hmi.stop();
  });
  ioc.run();
  stop = true;
  line_thread.join();
  hub.stop();
  scada.stop();
  if (sim_thread.joinable()) sim_thread.join();
  if (sim) sim->stop();
  archive.stop();
  (*store)->flush();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  po::options_description desc("coldsortd: the coldsort line controller");
  desc.add_options()("help,h", "show this help")(
      "config,c", po::value(&opt.config)->default_value(opt.config), "line config (JSON)")(
      "simulate", po::bool_switch(&opt.simulate), "start the built-in simulated line")(
      "db", po::value(&opt.db), "database file (default: store.path from the config)")(
      "http-port", po::value(&opt.http_port), "HMI port (default: hmi.port from the config)")(
      "scada-port", po::value(&opt.scada_port), "SCADA Modbus TCP port (default: scada.port)")(
      "plan", po::value(&opt.plan), "follow this plan's outlet allocation (coldsort plan --out)")(
      "log-level", po::value(&opt.log_level)->default_value(opt.log_level),
      "debug, info, warn or error");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return fail(std::string(e.what()) + " (see --help)", 2);
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  core::log::Level level;
  if (!core::log::parse_level(opt.log_level, level)) return fail("unknown log level " + opt.log_level, 2);
  core::log::set_level(level);
  try {
    return run(opt);
  } catch (const std::exception& e) {
    return fail(std::string("fatal: ") + e.what());
  }
}
