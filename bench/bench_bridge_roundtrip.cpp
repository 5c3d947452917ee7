// bench_bridge_roundtrip: round trip of one 10-register read on loopback, through the bridge
// against a raw libmodbus loop measured in the same run, against the same in-process server.
//   raw     modbus_read_registers(ctx, 0, 10) on a libmodbus context of our own
//   poller  bridge::make_modbus_bus + DevicePoller::poll of a device whose map has 10 points
//           (decoding them into DeviceValues)
//   worker  LinkWorker::step(now), stepped inline with a fake clock advanced by one poll
//           period per step, so every step is one poll plus the worker's bookkeeping
//   values  LinkWorker::values(): the copy the controller reads (no I/O; for scale)
// The three round trips run interleaved in rounds, so drift on a shared machine (other
// processes, CPU frequency) hits all of them alike. Target: bridge at most 10 % over raw.
// Usage: bench_bridge_roundtrip [--reads N] [--rounds R]   (default 20000 reads, 10 rounds)
#include <modbus/modbus.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_bridge_support.hpp"
#include "coldsort/bridge/device_io.hpp"
#include "coldsort/bridge/link_worker.hpp"
#include "coldsort/core/log.hpp"

using namespace coldsort;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr int kRegisters = 10;

struct Options {
  int reads = 20000;
  int rounds = 10;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--reads") == 0) o.reads = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--rounds") == 0) o.rounds = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: %s [--reads N] [--rounds R]\n", argv[0]);
      std::exit(2);
    }
  }
  if (o.reads < 100 || o.rounds < 1) {
    std::fprintf(stderr, "need --reads >= 100 and --rounds >= 1\n");
    std::exit(2);
  }
  return o;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_bridge_roundtrip: %s\n", what.c_str());
  std::exit(1);
}

// Raw libmodbus: the floor any master on this machine can reach.
class RawLoop {
 public:
  explicit RawLoop(int port) : ctx_(modbus_new_tcp("127.0.0.1", port)) {
    if (ctx_ == nullptr || modbus_set_slave(ctx_, 1) == -1 || modbus_connect(ctx_) == -1)
      fail(std::string("raw connect: ") + modbus_strerror(errno));
  }
  ~RawLoop() {
    modbus_close(ctx_);
    modbus_free(ctx_);
  }
  RawLoop(const RawLoop&) = delete;
  RawLoop& operator=(const RawLoop&) = delete;

  void run(int n, std::vector<double>& out_us) {
    std::uint16_t regs[kRegisters];
    for (int i = 0; i < n; ++i) {
      const auto t0 = SteadyClock::now();
      const int rc = modbus_read_registers(ctx_, 0, kRegisters, regs);
      const auto t1 = SteadyClock::now();
      if (rc != kRegisters) fail(std::string("raw read: ") + modbus_strerror(errno));
      out_us.push_back(bench::to_us(t1 - t0));
    }
  }

 private:
  modbus_t* ctx_;
};

// FieldBus + DevicePoller, as a tool or test would call them.
class PollerLoop {
 public:
  PollerLoop(const core::LinkConfig& link, const core::DeviceConfig& device)
      : bus_(bridge::make_modbus_bus(link)), poller_(device) {
    if (!bus_->connect()) fail("bridge bus connect: " + bus_->last_error_text());
    if (poller_.schedules().size() != 1 || poller_.schedules()[0].group.blocks().size() != 1)
      fail("expected one schedule of one block");
  }
  void run(int n, std::vector<double>& out_us) {
    for (int i = 0; i < n; ++i) {
      const auto t0 = SteadyClock::now();
      auto r = poller_.poll(*bus_, 0, values_, t0);
      const auto t1 = SteadyClock::now();
      if (!r) fail("bridge poll: " + r.error().message());
      out_us.push_back(bench::to_us(t1 - t0));
    }
  }
  const bridge::DeviceValues& values() const { return values_; }

 private:
  std::unique_ptr<bridge::FieldBus> bus_;
  bridge::DevicePoller poller_;
  bridge::DeviceValues values_;
};

// The link worker, stepped inline: each step at a fake time one poll period on.
class WorkerLoop {
 public:
  WorkerLoop(const core::LinkConfig& link, const core::DeviceConfig& device)
      : device_(device), worker_(link, {&device_}, bridge::make_modbus_bus(link), clock_) {
    worker_.step(clock_.now());  // connects and polls once
    if (worker_.status().state != bridge::LinkState::up) fail("link worker did not connect");
  }
  // step_us: steps that poll once. idle_us (every 10th step): a second step at the same
  // time, when nothing is due: the worker's own bookkeeping, without I/O.
  void run(int n, std::vector<double>& step_us, std::vector<double>& idle_us,
           std::vector<double>& values_us) {
    const std::uint64_t polls_before = worker_.status().polls;
    for (int i = 0; i < n; ++i) {
      clock_.advance(std::chrono::milliseconds{device_.poll_period_ms});
      const auto now = clock_.now();
      const auto t0 = SteadyClock::now();
      worker_.step(now);
      const auto t1 = SteadyClock::now();
      step_us.push_back(bench::to_us(t1 - t0));
      if (i % 10 == 0) {
        const auto i0 = SteadyClock::now();
        worker_.step(now);
        idle_us.push_back(bench::to_us(SteadyClock::now() - i0));
        const auto v0 = SteadyClock::now();
        auto v = worker_.values(device_.id);
        const auto v1 = SteadyClock::now();
        values_us.push_back(bench::to_us(v1 - v0));
        if (!v || v->good("r9") == std::nullopt) fail("worker values are not good");
      }
    }
    const std::uint64_t polls = worker_.status().polls - polls_before;
    if (polls != static_cast<std::uint64_t>(n))
      fail("expected one poll per step, got " + std::to_string(polls) + " in " + std::to_string(n));
  }

 private:
  core::FakeClock clock_;
  core::DeviceConfig device_;
  bridge::LinkWorker worker_;
};

void print_row(const char* name, const bench::LatencySummary& s, const bench::LatencySummary& raw) {
  std::printf("  %-8s n=%-7zu p50 %7.1f us  p90 %7.1f us  p99 %7.1f us  mean %7.1f us  max %8.1f us",
              name, s.n, s.p50_us, s.p90_us, s.p99_us, s.mean_us, s.max_us);
  if (&s != &raw)
    std::printf("   vs raw: p50 %+5.1f %%  mean %+5.1f %%", 100 * (s.p50_us / raw.p50_us - 1),
                100 * (s.mean_us / raw.mean_us - 1));
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  core::log::set_level(core::log::Level::warn);
  bench::LoopbackServer server;
  const core::LinkConfig link = bench::make_loopback_link("loop", server.port());
  const core::DeviceConfig device = bench::make_plain_device("dev", "loop", 1, kRegisters, 1);

  RawLoop raw(server.port());
  PollerLoop poller(link, device);
  WorkerLoop worker(link, device);
  std::vector<double> raw_us, poller_us, worker_us, idle_us, values_us, scratch, scratch2;
  // Warm-up: connections, caches, the server's first allocations.
  raw.run(500, scratch);
  poller.run(500, scratch);
  worker.run(500, scratch, scratch2, scratch2);
  std::vector<double> fresh_us, fresh_idle_us, fresh_values_us;

  const int per_round = o.reads / o.rounds;
  const double cpu0 = bench::process_cpu_seconds();
  const auto wall0 = SteadyClock::now();
  for (int round = 0; round < o.rounds; ++round) {
    raw.run(per_round, raw_us);
    poller.run(per_round, poller_us);
    worker.run(per_round, worker_us, idle_us, values_us);
    // Fresh workers: their first 50 steps, while the latency window behind DeviceStats holds
    // at most 50 samples (it keeps 512). Against the steady state this shows what the
    // window's percentiles cost per step.
    for (int k = 0; k < 4; ++k) {
      WorkerLoop fresh(link, device);
      fresh.run(50, fresh_us, fresh_idle_us, fresh_values_us);
    }
  }
  const double wall_s = std::chrono::duration<double>(SteadyClock::now() - wall0).count();
  const double cpu_s = bench::process_cpu_seconds() - cpu0;
  if (poller.values().good("r9") != 1000 + 9 * 7) fail("poller decoded a wrong value");

  const auto r = bench::summarise(raw_us);
  const auto p = bench::summarise(poller_us);
  const auto w = bench::summarise(worker_us);
  const auto v = bench::summarise(values_us);
  const auto idle = bench::summarise(idle_us);
  const auto fresh_idle = bench::summarise(fresh_idle_us);
  const auto fresh = bench::summarise(fresh_us);
  std::printf("bench_bridge_roundtrip: %d-register read (FC03) on 127.0.0.1, in-process libmodbus "
              "server, %d rounds x %d reads each way\n",
              kRegisters, o.rounds, per_round);
  print_row("raw", r, r);
  print_row("poller", p, r);
  print_row("worker", w, r);
  std::printf("  worker, first 50 steps of 4 fresh workers a round (latency window <= 50 samples): "
              "poll step p50 %.1f us, idle step p50 %.2f us\n",
              fresh.p50_us, fresh_idle.p50_us);
  std::printf("  worker, steady state (latency window full, 512 samples): "
              "poll step p50 %.1f us, idle step p50 %.2f us\n",
              w.p50_us, idle.p50_us);
  std::printf("  values() copy for the controller: p50 %.2f us  p99 %.2f us\n", v.p50_us, v.p99_us);
  std::printf("  process CPU %.1f s over %.1f s wall (client + server thread)\n", cpu_s, wall_s);
  std::printf(
      "SUMMARY roundtrip 10 regs: raw p50 %.1f / p99 %.1f us; DevicePoller p50 %.1f / p99 %.1f us "
      "(x%.3f p50, x%.3f mean); LinkWorker.step p50 %.1f / p99 %.1f us (x%.3f p50, x%.3f mean); "
      "target <= x1.10\n",
      r.p50_us, r.p99_us, p.p50_us, p.p99_us, p.p50_us / r.p50_us, p.mean_us / r.mean_us, w.p50_us,
      w.p99_us, w.p50_us / r.p50_us, w.mean_us / r.mean_us);
  return 0;
}
