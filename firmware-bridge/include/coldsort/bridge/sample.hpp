#pragma once
// One value a typed driver read from a DeviceValues, with the quality of the point it came
// from, for status fields that a consumer judges one by one (a cold room's record probe may
// be bad while its control probe is good).
// Thread safety: plain values.
#include "coldsort/bridge/device_values.hpp"

namespace coldsort::bridge {

// A number in engineering units. An absent reading is 0 with quality stale.
struct Sample {
  double value = 0;
  Quality quality = Quality::stale;
};

// A yes/no state (a door switch, a relay, a named bit of a status word).
struct FlagSample {
  bool on = false;
  Quality quality = Quality::stale;
};

// The worse of two qualities: bad outranks stale, stale outranks good (the order of
// DeviceValues::quality_of).
constexpr Quality worse(Quality a, Quality b) {
  return static_cast<int>(a) > static_cast<int>(b) ? a : b;
}

}  // namespace coldsort::bridge
