#pragma once
// What the season generator's parts share: a deterministic random source, timed records
// for one day, and time helpers.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "coldsort/core/clock.hpp"
#include "record.hpp"

namespace coldsort::store::detail {

inline constexpr std::int64_t kMinuteMs = 60'000;
inline constexpr std::int64_t kHourMs = 60 * kMinuteMs;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;

inline core::WallTime wall_from_ms(std::int64_t ms) {
  return core::WallTime{std::chrono::milliseconds{ms}};
}

// One record and the Unix ms it belongs at; a day is written sorted by (t_ms, seq).
struct Timed {
  std::int64_t t_ms = 0;
  Record record;
};
using DayRecords = std::vector<Timed>;

// xoshiro256** seeded through splitmix64 (Blackman & Vigna, "Scrambled linear pseudorandom
// number generators", 2021). Written out rather than taken from <random> because the
// standard distributions differ between library implementations, and the season must be
// the same wherever it is generated. Thread safety: none; one per generator part and day.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& s : state_) s = splitmix(seed);
  }
  // A generator for one part (`stream`) of one day, independent of every other day's, so
  // that a day's contents do not depend on how many numbers earlier days drew.
  static Rng for_stream(std::uint64_t seed, std::uint64_t day, std::uint64_t stream) {
    std::uint64_t s = seed ^ (day * 0x9E3779B97F4A7C15ULL) ^ (stream * 0xD1B54A32D192ED03ULL);
    return Rng(splitmix(s));
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // [0, n) for n > 0 (the modulo bias is below 2^-40 for the n used here).
  std::int64_t below(std::int64_t n) {
    return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n));
  }
  bool chance(double p) { return uniform() < p; }
  // Standard normal by Box-Muller.
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }

 private:
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4]{};
};

// Streams, one per generator part, so parts never share random numbers.
enum class SeedStream : std::uint64_t { calendar = 1, lots, fruit, packing, cold, actions };

inline Rng rng_for(std::uint64_t seed, std::int64_t day, SeedStream stream) {
  return Rng::for_stream(seed, static_cast<std::uint64_t>(day), static_cast<std::uint64_t>(stream));
}

// Rounds to 1/per_unit (10 for a x0.1 register): stored values have the resolution of the
// instrument that gives them, and whole numbers take 1-3 bytes in SQLite instead of 8.
// (Dividing by the integer keeps 8.1 the nearest double to 8.1, unlike 81 * 0.1.)
inline double round_to(double value, int per_unit) {
  return std::round(value * per_unit) / per_unit;
}

}  // namespace coldsort::store::detail
