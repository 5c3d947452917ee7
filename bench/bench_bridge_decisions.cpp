// bench_bridge_decisions: decisions from the controller to the sorter PLC, at 4 lanes x 15
// fruit/s by default, against the real bridge::LineSimulator on loopback (real clock, stepped
// by its own thread every 2 ms) through a bridge::DeviceHub started on its own threads.
// The controller side is either
//   --mode plc         (default) a loop that reads SorterPlc::status(hub.values(sorter)) and,
//                      for each new cup, holds SorterPlc::decisions(cup, outlets) with
//                      outlets from a fixed pseudo-random sequence, plus heartbeat and watchdog;
//   --mode controller  the real app::LineController with a stub camera and grader (grades from
//                      the same kind of sequence) and the real SQLite log store in /tmp.
// Measured: hold() to the PLC acknowledging the slot (a FieldBus decorator notes when the
// write of every lane's tag has been answered), the link's own write_latency p50/p99, late
// outlet-table entries (acknowledged when the cup was already within decision_margin_cups of
// the nearest outlet, or past it), cups that reached the outlets without a valid decision
// (from the simulator's ejection records: must be 0), fruit that went elsewhere than decided,
// write requests per cup, and CPU.
// Usage: bench_bridge_decisions [--fruit N] [--lanes L] [--speed CUPS_PER_S] [--mode plc|controller]
//                               [--config FILE]
//   default 100000 fruit (about 28 min at 60 fruit/s); --fruit 6000 is a 100 s run.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "bench_bridge_support.hpp"
#include "bench_bridge_decisions_parts.hpp"
#include "coldsort/bridge/device_hub.hpp"
#include "coldsort/bridge/line_simulator.hpp"
#include "coldsort/core/log.hpp"

using namespace coldsort;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Options {
  long fruit = 100000;
  int lanes = 4;
  double speed = 15;
  bool controller = false;
  std::string config = std::string(COLDSORT_CONFIG_DIR) + "/default.json";
};

[[noreturn]] void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--fruit N] [--lanes L] [--speed CUPS_PER_S] [--mode plc|controller] "
               "[--config FILE]\n",
               argv0);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) usage(argv[0]);
    const std::string key = argv[i];
    const char* value = argv[i + 1];
    if (key == "--fruit") o.fruit = std::atol(value);
    else if (key == "--lanes") o.lanes = std::atoi(value);
    else if (key == "--speed") o.speed = std::atof(value);
    else if (key == "--mode" && std::strcmp(value, "plc") == 0) o.controller = false;
    else if (key == "--mode" && std::strcmp(value, "controller") == 0) o.controller = true;
    else if (key == "--config") o.config = value;
    else usage(argv[0]);
  }
  if (o.fruit < 1 || o.lanes < 1 || o.speed <= 0) usage(argv[0]);
  return o;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_bridge_decisions: %s\n", what.c_str());
  std::exit(1);
}

// Steps the simulator every 2 ms on its own thread, as a PLC scan would run.
class SimStepper {
 public:
  SimStepper(bridge::LineSimulator& sim, const core::Clock& clock)
      : thread_([&sim, &clock, this] {
          auto next = SteadyClock::now();
          while (!stop_.load()) {
            sim.step(clock.now());
            next += std::chrono::milliseconds{2};
            std::this_thread::sleep_until(next);
          }
        }) {}
  ~SimStepper() {
    stop_ = true;
    thread_.join();
  }
  SimStepper(const SimStepper&) = delete;
  SimStepper& operator=(const SimStepper&) = delete;
  double cpu_seconds() { return bench::thread_cpu_seconds(thread_); }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

core::Config load(const Options& o) {
  auto loaded = core::load_config(o.config);
  if (!loaded.config) fail("cannot load " + o.config);
  core::Config c = *loaded.config;
  c.line.lanes = o.lanes;
  c.line.belt_speed_cups_per_s = o.speed;
  return c;
}

int nearest_outlet_cups(const core::Config& c) {
  int nearest = c.line.outlet_table_slots;
  for (const core::Outlet& o : c.outlets) nearest = std::min(nearest, o.position_cups);
  return nearest;
}

int last_outlet_cups(const core::Config& c) {
  int last = 0;
  for (const core::Outlet& o : c.outlets) last = std::max(last, o.position_cups);
  return last;
}

struct LinkSamples {
  std::vector<double> p50_ms, p99_ms;
  std::uint64_t writes = 0, polls = 0;
};

void print_report(const Options& o, const core::Config& config, const bench::DecisionLedger& ledger,
                  const LinkSamples& link, double wall_s, double cpu_s, double own_cpu_s) {
  const auto lat = ledger.latency();
  const auto counts = ledger.counts();
  auto median = [](std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double max_p99 = link.p99_ms.empty() ? 0 : *std::max_element(link.p99_ms.begin(), link.p99_ms.end());
  std::printf("bench_bridge_decisions (%s): %d lanes x %.1f cups/s = %.0f fruit/s, %llu cups "
              "decided (%llu fruit), %.0f s wall\n",
              o.controller ? "LineController" : "SorterPlc loop", o.lanes, o.speed,
              o.lanes * o.speed, static_cast<unsigned long long>(counts.cups_decided),
              static_cast<unsigned long long>(counts.cups_decided * static_cast<std::uint64_t>(o.lanes)),
              wall_s);
  std::printf("  hold() -> slot acknowledged by the PLC: p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  "
              "max %.2f ms  (n=%zu)\n",
              lat.p50_us / 1000, lat.p90_us / 1000, lat.p99_us / 1000, lat.max_us / 1000, lat.n);
  std::printf("  LinkStatus write_latency (last 512 written elements, sampled every 2 s): p50 "
              "median %.2f ms, p99 median %.2f ms, p99 max %.2f ms\n",
              median(link.p50_ms), median(link.p99_ms), max_p99);
  std::printf("  slack when acknowledged: min %lld cups (nearest outlet %d cups from the camera, "
              "margin %d); late entries (within margin) %llu, past the outlet %llu\n",
              static_cast<long long>(counts.min_slack_cups), nearest_outlet_cups(config),
              config.line.decision_margin_cups, static_cast<unsigned long long>(counts.late_entries),
              static_cast<unsigned long long>(counts.missed_entries));
  std::printf("  controller skipped %llu cups as late (status read too late to decide them)\n",
              static_cast<unsigned long long>(counts.cups_skipped_late));
  std::printf("  ejection records checked %llu: without a valid decision %llu (must be 0), "
              "at another outlet than decided %llu\n",
              static_cast<unsigned long long>(counts.fruit_checked),
              static_cast<unsigned long long>(counts.undecided),
              static_cast<unsigned long long>(counts.wrong_outlet));
  std::printf("  outlet-table write requests %llu (%.2f per cup; %llu shorter than one cup's slot, "
              "%llu covering several cups); link requests: %llu writes, %llu polls (%.0f polls/s)\n",
              static_cast<unsigned long long>(counts.table_writes),
              counts.cups_decided ? static_cast<double>(counts.table_writes) / static_cast<double>(counts.cups_decided) : 0.0,
              static_cast<unsigned long long>(counts.partial_writes),
              static_cast<unsigned long long>(counts.multi_cup_writes),
              static_cast<unsigned long long>(link.writes), static_cast<unsigned long long>(link.polls),
              static_cast<double>(link.polls) / wall_s);
  std::printf("  CPU: process %.1f %% of one core (bridge threads, simulator server and stepper, "
              "controller); without the bench's controller and stepper threads %.1f %%\n",
              100 * cpu_s / wall_s, 100 * (cpu_s - own_cpu_s) / wall_s);
  std::printf("SUMMARY decisions %s %d lanes x %.0f/s, %llu fruit: hold->ack p50 %.2f ms p99 %.2f ms "
              "max %.2f ms; LinkStatus write p99 %.2f ms (max %.2f); late entries %llu, past outlet "
              "%llu, skipped %llu; undecided at outlet %llu; wrong outlet %llu; %.2f writes/cup; "
              "CPU %.1f %%\n",
              o.controller ? "controller" : "plc", o.lanes, o.speed,
              static_cast<unsigned long long>(counts.fruit_checked), lat.p50_us / 1000,
              lat.p99_us / 1000, lat.max_us / 1000, median(link.p99_ms), max_p99,
              static_cast<unsigned long long>(counts.late_entries),
              static_cast<unsigned long long>(counts.missed_entries),
              static_cast<unsigned long long>(counts.cups_skipped_late),
              static_cast<unsigned long long>(counts.undecided),
              static_cast<unsigned long long>(counts.wrong_outlet),
              counts.cups_decided ? static_cast<double>(counts.table_writes) / static_cast<double>(counts.cups_decided) : 0.0,
              100 * cpu_s / wall_s);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  core::log::set_level(core::log::Level::warn);
  core::Config config = load(o);
  const core::DeviceConfig* sorter = config.first_device(core::DeviceKind::sorter_plc);
  if (sorter == nullptr) fail("the config has no sorter PLC");

  core::SystemClock clock;
  bridge::LineSimulator sim(config, clock);  // copies the config
  auto port = sim.start("127.0.0.1", 0);
  if (!port) fail("simulator: " + port.error().message());
  for (core::LinkConfig& l : config.links)
    if (l.id == config.simulator.link) l.port = *port;

  const std::uint64_t cups_wanted =
      static_cast<std::uint64_t>((o.fruit + o.lanes - 1) / o.lanes);
  bench::DecisionLedger ledger(*sorter, config.line, nearest_outlet_cups(config), cups_wanted,
                               [&sim] { return sim.cup_at_camera(); });
  bridge::DeviceHub hub(config, clock, [&](const core::LinkConfig& link) {
    return ledger.wrap(bridge::make_modbus_bus(link));
  });
  SimStepper stepper(sim, clock);
  hub.start();
  auto loop = o.controller ? bench::make_controller_loop(config, hub, ledger, clock)
                           : bench::make_plc_loop(config, hub, ledger);

  const double cpu0 = bench::process_cpu_seconds();
  const double own_cpu0 = bench::this_thread_cpu_seconds() + stepper.cpu_seconds();
  const auto wall0 = SteadyClock::now();
  const std::uint64_t drain_cups = static_cast<std::uint64_t>(last_outlet_cups(config)) + 2;
  LinkSamples link;
  auto next_sample = wall0 + std::chrono::seconds{2};
  auto next_print = wall0 + std::chrono::seconds{60};
  for (auto next = wall0;; next += std::chrono::milliseconds{2}) {
    std::this_thread::sleep_until(next);
    loop->step(clock.now());
    ledger.check_ejections(sim.take_ejections());
    if (const auto done = ledger.last_cup(); done && sim.cup_at_camera() > *done + drain_cups) break;
    if (SteadyClock::now() >= next_sample) {
      next_sample += std::chrono::seconds{2};
      if (auto s = hub.link_status_of(sorter->id); s && s->writes > 0) {
        link.p50_ms.push_back(s->write_latency_p50_ms);
        link.p99_ms.push_back(s->write_latency_p99_ms);
      }
    }
    if (SteadyClock::now() >= next_print) {
      next_print += std::chrono::seconds{60};
      std::fprintf(stderr, "  ... %llu of %llu cups decided\n",
                   static_cast<unsigned long long>(ledger.counts().cups_decided),
                   static_cast<unsigned long long>(cups_wanted));
    }
  }
  const double wall_s = std::chrono::duration<double>(SteadyClock::now() - wall0).count();
  const double cpu_s = bench::process_cpu_seconds() - cpu0;
  const double own_cpu_s = bench::this_thread_cpu_seconds() + stepper.cpu_seconds() - own_cpu0;
  if (auto s = hub.link_status_of(sorter->id)) {
    link.writes = s->writes;
    link.polls = s->polls;
  }
  hub.stop();
  print_report(o, config, ledger, link, wall_s, cpu_s, own_cpu_s);
  return 0;
}
