#pragma once
// A small deterministic generator (splitmix64) so that synthetic fruit are the same on every
// machine and library version; std:: distributions are not specified bit-for-bit.
#include <cmath>
#include <cstdint>

namespace coldsort::vision {

class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  SeededRandom(std::uint64_t seed, std::uint64_t a, std::uint64_t b)
      : state_(mix(mix(seed ^ 0x9E3779B97F4A7C15ull) ^ mix(a + 0x632BE59BD9B4E019ull) ^
                   mix(b * 0xD1B54A32D192ED03ull + 1))) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ull;
    return mix(state_);
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  float uniformf(double lo, double hi) { return static_cast<float>(uniform(lo, hi)); }
  // Standard normal by Box-Muller.
  double normal(double mean, double sd) {
    double u1 = uniform();
    double u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t state_;
};

}  // namespace coldsort::vision
