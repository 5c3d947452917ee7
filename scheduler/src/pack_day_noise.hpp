#pragma once
// Seeded noise for the pack-day simulator, from std::mt19937_64 and our own arithmetic (the
// std:: distributions differ between standard libraries; this gives the same day everywhere).
// Thread safety: not thread-safe; one per stream.
#include <cmath>
#include <cstdint>
#include <random>

namespace coldsort::scheduler::pack_day {

class DayNoise {
 public:
  explicit DayNoise(std::uint64_t seed) : rng_(seed) {}

  // Uniform in [0, 1): the top 53 bits of one draw.
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

  // Approximately standard normal: the sum of 12 uniforms minus 6 has mean 0 and variance
  // 12 x 1/12 = 1 (Irwin-Hall); its tails stop at +-6, which suits a packing time.
  double normal() {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += uniform();
    return sum - 6.0;
  }

  // A lognormal factor with mean 1 and spread `sigma` (exp(sigma z - sigma^2 / 2)), so noisy
  // times average the measured rate; exactly 1 (and no draw) when sigma is 0.
  double factor(double sigma) {
    if (sigma <= 0) return 1.0;
    return std::exp(sigma * normal() - 0.5 * sigma * sigma);
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace coldsort::scheduler::pack_day
