#pragma once
// Percentiles of the last N durations, for per-device round-trip figures.
// Thread safety: none; owned by one I/O thread.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace coldsort::bridge {

class LatencyWindow {
 public:
  // 512 samples: at a 10 ms poll, the last five seconds; enough for a stable p99.
  explicit LatencyWindow(std::size_t capacity = 512) : capacity_(capacity) {}

  struct Summary {
    double p50_ms = 0;
    double p99_ms = 0;
  };
  // p50 and p99, recomputed only after 16 new samples (or any, while the window is young):
  // a percentile pass copies and partitions the window, which on a fast loopback link costs
  // a fifth of a round trip if done on every request.
  Summary summary() {
    if (added_since_summary_ >= 16 || (added_since_summary_ > 0 && samples_.size() < 64)) {
      summary_ = {percentile(0.50), percentile(0.99)};
      added_since_summary_ = 0;
    }
    return summary_;
  }

  void add(std::chrono::nanoseconds d) {
    ++added_since_summary_;
    const double ms = std::chrono::duration<double, std::milli>(d).count();
    if (samples_.size() < capacity_) samples_.push_back(ms);
    else samples_[next_] = ms;
    next_ = (next_ + 1) % capacity_;
  }
  // Nearest-rank percentile, q in [0, 1]; 0 when empty.
  double percentile(double q) const {
    if (samples_.empty()) return 0;
    std::vector<double> sorted = samples_;
    const auto k = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1) + 0.5);
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k), sorted.end());
    return sorted[k];
  }
  std::size_t size() const { return samples_.size(); }

 private:
  std::size_t capacity_;
  std::size_t next_ = 0;
  std::vector<double> samples_;
  std::size_t added_since_summary_ = 0;
  Summary summary_;
};

}  // namespace coldsort::bridge
