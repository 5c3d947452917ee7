// bench_bridge_poll32: 32 devices (unit ids 1..32, 20 holding registers each), each polled
// every 100 ms (10 Hz) by a bridge::DeviceHub started on its own threads with the real
// clock, against an in-process libmodbus server that answers every unit id. Two layouts:
// all 32 on one link (one I/O thread, one connection, like one RS-485 bus or gateway), and
// 4 links of 8 (four threads, four connections). Reports per device the polls achieved per
// second (target 10), the latency p50/p99 from DeviceValues::stats, and CPU: the whole
// process (getrusage user+sys) and the process without the server thread, over wall time.
// Usage: bench_bridge_poll32 [--seconds S] [--devices N] [--period-ms P]
//        (default 10 s, 32 devices, 100 ms)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <optional>
#include <thread>
#include <vector>

#include "bench_bridge_support.hpp"
#include "coldsort/bridge/device_hub.hpp"
#include "coldsort/core/log.hpp"

using namespace coldsort;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr int kRegisters = 20;

struct Options {
  double seconds = 10;
  int devices = 32;
  int period_ms = 100;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) o.seconds = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--devices") == 0) o.devices = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--period-ms") == 0) o.period_ms = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: %s [--seconds S] [--devices N] [--period-ms P]\n", argv[0]);
      std::exit(2);
    }
  }
  if (o.seconds < 1 || o.devices < 1 || o.devices > 247 || o.period_ms < 1) {
    std::fprintf(stderr, "need --seconds >= 1, 1 <= --devices <= 247, --period-ms >= 1\n");
    std::exit(2);
  }
  return o;
}

struct DeviceFigures {
  double polls_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::uint64_t errors = 0;
};

struct RunFigures {
  int links = 0;
  std::vector<DeviceFigures> devices;
  double cpu_share = 0;          // process CPU / wall
  double cpu_share_bridge = 0;   // the same without the server thread
  double server_requests_per_s = 0;
  // Time between successive polls of the first device, from its read_at stamps (the start
  // of the worker cycle that read it). Summarised as numbers in ms (the *_us fields hold ms).
  bench::LatencySummary interval_ms;
  double interval_min_ms = 0;
};

core::Config make_config(const Options& o, int links, int port) {
  core::Config c;
  for (int l = 0; l < links; ++l)
    c.links.push_back(bench::make_loopback_link("link" + std::to_string(l), port));
  const int per_link = (o.devices + links - 1) / links;
  for (int i = 0; i < o.devices; ++i)
    c.devices.push_back(bench::make_plain_device("dev" + std::to_string(i + 1),
                                                 "link" + std::to_string(i / per_link), i + 1,
                                                 kRegisters, o.period_ms));
  return c;
}

std::vector<std::uint64_t> requests_per_device(const bridge::DeviceHub& hub, const core::Config& c) {
  std::vector<std::uint64_t> out;
  for (const core::DeviceConfig& d : c.devices) out.push_back(hub.values(d.id)->stats.requests);
  return out;
}

// Until the measured window ends: reads the device's values a few times per poll period and
// collects the intervals between the read_at stamps of successive polls. (The reads are
// microseconds of CPU, a few per period.)
std::vector<double> watch_intervals(const bridge::DeviceHub& hub, const std::string& device,
                                    SteadyClock::time_point from, const Options& o) {
  const auto until = from + std::chrono::duration_cast<SteadyClock::duration>(
                                std::chrono::duration<double>(o.seconds));
  const auto look_every = std::chrono::milliseconds{std::max(1, o.period_ms / 4)};
  std::vector<double> out;
  std::optional<core::SteadyTime> last;
  for (auto t = from; t < until; t += look_every) {
    std::this_thread::sleep_until(t);
    const bridge::PointReading* r = nullptr;
    const auto v = hub.values(device);
    if (v) r = v->find("r0");
    if (r == nullptr || r->quality != bridge::Quality::good) continue;
    if (last && r->read_at != *last)
      out.push_back(std::chrono::duration<double, std::milli>(r->read_at - *last).count());
    last = r->read_at;
  }
  std::this_thread::sleep_until(until);
  return out;
}

RunFigures run(const Options& o, int links) {
  bench::LoopbackServer server;
  const core::Config config = make_config(o, links, server.port());
  core::SystemClock clock;
  bridge::DeviceHub hub(config, clock);
  hub.start();
  // One second to connect and settle, then the measured window.
  std::this_thread::sleep_for(std::chrono::seconds{1});
  const auto before = requests_per_device(hub, config);
  const std::uint64_t server_before = server.requests();
  const double cpu0 = bench::process_cpu_seconds();
  const double server_cpu0 = server.cpu_seconds();
  const auto wall0 = SteadyClock::now();
  const std::vector<double> intervals = watch_intervals(hub, config.devices.front().id, wall0, o);
  const double wall_s = std::chrono::duration<double>(SteadyClock::now() - wall0).count();
  const double cpu_s = bench::process_cpu_seconds() - cpu0;
  const double server_cpu_s = server.cpu_seconds() - server_cpu0;
  const auto after = requests_per_device(hub, config);
  const std::uint64_t server_after = server.requests();

  RunFigures f;
  f.links = links;
  for (std::size_t i = 0; i < config.devices.size(); ++i) {
    const bridge::DeviceValues v = *hub.values(config.devices[i].id);
    DeviceFigures d;
    d.polls_per_s = static_cast<double>(after[i] - before[i]) / wall_s;
    d.p50_ms = v.stats.latency_p50_ms;
    d.p99_ms = v.stats.latency_p99_ms;
    d.errors = v.stats.errors;
    f.devices.push_back(d);
  }
  hub.stop();
  f.cpu_share = cpu_s / wall_s;
  f.cpu_share_bridge = (cpu_s - server_cpu_s) / wall_s;
  f.server_requests_per_s = static_cast<double>(server_after - server_before) / wall_s;
  f.interval_ms = bench::summarise(intervals);
  f.interval_min_ms = intervals.empty() ? 0 : *std::min_element(intervals.begin(), intervals.end());
  return f;
}

void print(const Options& o, const RunFigures& f) {
  auto field = [&](auto member) {
    std::vector<double> v;
    for (const DeviceFigures& d : f.devices) v.push_back(d.*member);
    std::sort(v.begin(), v.end());
    return v;
  };
  const auto rate = field(&DeviceFigures::polls_per_s);
  const auto p50 = field(&DeviceFigures::p50_ms);
  const auto p99 = field(&DeviceFigures::p99_ms);
  std::uint64_t errors = 0;
  for (const DeviceFigures& d : f.devices) errors += d.errors;
  const double target = 1000.0 / o.period_ms;
  const auto mid = rate.size() / 2;
  std::printf("  %d link(s) x %d devices: polls/s per device min %.2f median %.2f max %.2f "
              "(target %.1f); server answered %.0f req/s\n",
              f.links, o.devices / f.links, rate.front(), rate[mid], rate.back(), target,
              f.server_requests_per_s);
  std::printf("    latency per device (DeviceStats, last 512 requests): p50 median %.3f ms "
              "(worst device %.3f), p99 median %.3f ms (worst device %.3f); errors %llu\n",
              p50[mid], p50.back(), p99[mid], p99.back(), static_cast<unsigned long long>(errors));
  std::printf("    poll interval of dev1 (%.0f ms period): min %.2f p50 %.2f p99 %.2f mean %.2f ms "
              "over %zu polls\n",
              1000.0 / target, f.interval_min_ms, f.interval_ms.p50_us, f.interval_ms.p99_us,
              f.interval_ms.mean_us, f.interval_ms.n);
  std::printf("    CPU: process %.1f %% of one core, without the server thread %.1f %%\n",
              100 * f.cpu_share, 100 * f.cpu_share_bridge);
  std::printf("SUMMARY poll%d %d link(s): %.2f polls/s/device min (median %.2f, target %.1f); "
              "latency p50 %.3f ms, p99 %.3f ms (median device), worst p99 %.3f ms; CPU %.1f %% "
              "process, %.1f %% without server; %llu errors\n",
              o.devices, f.links, rate.front(), rate[mid], target, p50[mid], p99[mid], p99.back(),
              100 * f.cpu_share, 100 * f.cpu_share_bridge, static_cast<unsigned long long>(errors));
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  core::log::set_level(core::log::Level::warn);
  std::printf("bench_bridge_poll32: %d devices x %d registers, poll every %d ms, %.0f s measured "
              "per layout, in-process libmodbus server on 127.0.0.1\n",
              o.devices, kRegisters, o.period_ms, o.seconds);
  for (int links : {1, 4}) print(o, run(o, links));
  return 0;
}
