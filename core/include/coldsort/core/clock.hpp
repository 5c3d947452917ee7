#pragma once
// Injected time. Production code asks a Clock; tests hand in a FakeClock and advance it,
// so nothing in the test suite ever sleeps to wait for time to pass.
#include <chrono>
#include <cstdint>
#include <mutex>

namespace coldsort::core {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

// Thread safety: implementations must be safe to call from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time for periods, timeouts and belt motion.
  virtual SteadyTime now() const = 0;
  // Calendar time for records that people read (database, HMI).
  virtual WallTime wall_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told. Steady and wall time advance together.
// Thread safety: all members are safe to call concurrently.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(WallTime wall_start = WallTime{std::chrono::hours{24 * 20000}})
      : wall_start_(wall_start) {}
  SteadyTime now() const override {
    std::lock_guard lock(mutex_);
    return SteadyTime{} + elapsed_;
  }
  WallTime wall_now() const override {
    std::lock_guard lock(mutex_);
    return wall_start_ + std::chrono::duration_cast<WallTime::duration>(elapsed_);
  }
  void advance(std::chrono::nanoseconds by) {
    std::lock_guard lock(mutex_);
    elapsed_ += by;
  }

 private:
  mutable std::mutex mutex_;
  WallTime wall_start_;
  std::chrono::nanoseconds elapsed_{std::chrono::hours{1}};
};

// Milliseconds since the Unix epoch: the one timestamp format in the store and the API.
inline std::int64_t to_unix_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace coldsort::core
