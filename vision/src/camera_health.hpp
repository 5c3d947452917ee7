#pragma once
// Shared bookkeeping of the real camera sources: the CameraStats counters with the log line
// that goes with every loss, and the reopen back-off measured against injected time.
#include <algorithm>
#include <mutex>
#include <string>

#include "coldsort/core/log.hpp"
#include "coldsort/vision/camera_source.hpp"

namespace coldsort::vision {

// Counters of one source. A loss is logged at warn, rate-limited per source so that a dead
// camera polled 15 times a second does not flood the log (the limiter counts what it drops).
// Thread safety: all members may be called from any thread.
class CameraHealth {
 public:
  explicit CameraHealth(std::string source_name) : name_(std::move(source_name)) {}

  void delivered() {
    std::lock_guard lock(mutex_);
    ++stats_.frames_delivered;
  }
  void skipped(std::uint64_t n) {
    std::lock_guard lock(mutex_);
    stats_.frames_skipped += n;
  }
  void reopen_attempt() {
    std::lock_guard lock(mutex_);
    ++stats_.reopen_attempts;
  }
  // Returns camera_drop so that callers can `return health_.lost(...)`.
  core::errc lost(const std::string& why) { return record(why, &CameraStats::frames_lost); }
  core::errc incomplete(const std::string& why) {
    return record(why, &CameraStats::frames_incomplete);
  }
  CameraStats snapshot() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }
  const std::string& name() const { return name_; }

 private:
  core::errc record(const std::string& why, std::uint64_t CameraStats::*counter) {
    {
      std::lock_guard lock(mutex_);
      ++(stats_.*counter);
      stats_.last_error = why;
    }
    core::log::write_limited(core::log::Level::warn, "camera", name_, why);  // outside the lock
    return core::errc::camera_drop;
  }

  const std::string name_;
  mutable std::mutex mutex_;
  CameraStats stats_;
};

// When a dropped stream may be reopened: kReopenBackoffFirst after the drop, doubling after
// every failed reopen up to kReopenBackoffMax, reset by a delivered frame.
// Thread safety: none; owned by one source under its capture lock.
class ReopenBackoff {
 public:
  bool due(core::SteadyTime now) const { return now >= next_at_; }
  core::SteadyTime next_at() const { return next_at_; }
  // The stream dropped or a reopen failed at `now`.
  void failed(core::SteadyTime now) {
    next_at_ = now + wait_;
    wait_ = std::min(wait_ * 2, std::chrono::duration_cast<std::chrono::nanoseconds>(kReopenBackoffMax));
  }
  void succeeded() { wait_ = kReopenBackoffFirst; }

 private:
  std::chrono::nanoseconds wait_ = kReopenBackoffFirst;
  core::SteadyTime next_at_{};
};

}  // namespace coldsort::vision
