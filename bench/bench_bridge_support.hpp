#pragma once
// Shared pieces of the bridge benchmarks (bench_bridge_*.cpp): an in-process Modbus TCP
// server, latency summaries, CPU accounting and register maps built in code.
// Not a test fixture: the benchmarks print figures, they assert nothing.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "coldsort/core/config.hpp"

namespace coldsort::bench {

// libmodbus's own server on 127.0.0.1 at a kernel-chosen port, on its own thread, answering
// any unit id from one register image (holding and input registers 0..size-1, values that
// differ per address), over any number of connections at once. Stopped through a pipe by
// the destructor. Its thread's CPU time can be read so that a benchmark can report the
// bridge's CPU use without the server's.
// Thread safety: port(), requests() and cpu_seconds() from any thread.
class LoopbackServer {
 public:
  explicit LoopbackServer(int registers = 200);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const;
  std::uint64_t requests() const;  // requests answered so far
  double cpu_seconds() const;      // CPU time of the server thread so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Summary of a set of durations, in microseconds (or any unit: nothing here assumes one).
struct LatencySummary {
  std::size_t n = 0;
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double mean_us = 0;
  double max_us = 0;
};
// Nearest-rank percentiles over every sample (sorts a copy).
LatencySummary summarise(std::vector<double> samples_us);

// User + system CPU seconds of the whole process so far (getrusage).
double process_cpu_seconds();
// CPU seconds of one running thread, or of the calling thread, so far.
double thread_cpu_seconds(std::thread& thread);
double this_thread_cpu_seconds();

// A device whose map holds `registers` consecutive u16 holding registers r0, r1, ... from
// address 0 (no range limits, so every value reads good), polled every `poll_period_ms`.
core::DeviceConfig make_plain_device(std::string id, std::string link, int unit_id,
                                     int registers, int poll_period_ms);

// A TCP link to 127.0.0.1:`port`.
core::LinkConfig make_loopback_link(std::string id, int port, int response_timeout_ms = 200);

// A duration in microseconds, as a double.
inline double to_us(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

}  // namespace coldsort::bench
