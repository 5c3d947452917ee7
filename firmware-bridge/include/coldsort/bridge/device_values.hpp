#pragma once
// What the bridge knows about one device at a moment: the last values of its readable
// points, each with a quality, and the device's communication statistics. The link's I/O
// thread fills these; the controller reads copies. Typed drivers (SorterPlc, Vfd, ColdRoom,
// ThSensor, Scale) interpret them and turn commands into PointWrites.
// Thread safety: plain values; copies may cross threads.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/core/clock.hpp"

namespace coldsort::bridge {

// good: read on the last poll and within the point's valid range.
// stale: not refreshed within the device's stale_after_ms (link down, device silent); the
//        value is the last good one, kept for display, not for decisions.
// bad: the device answered, but the value is outside its valid range (or NaN), or the device
//      answered the read with an exception.
enum class Quality { good, stale, bad };
std::string_view to_string(Quality q);

struct PointReading {
  std::vector<double> values;  // engineering units, one per element (count > 1: an array)
  Quality quality = Quality::stale;
  core::SteadyTime read_at{};  // when it was last read good
};

// Communication health of one device.
struct DeviceStats {
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;      // every failed request, whatever the cause
  std::uint64_t timeouts = 0;
  std::uint64_t exceptions = 0;  // Modbus exception answers
  std::uint64_t crc_errors = 0;
  int last_exception_code = 0;      // raw code of the last exception answer, 0 = none yet
  std::string last_error;           // readable, with the raw code or errno text
  double latency_p50_ms = 0;        // over the last few hundred requests
  double latency_p99_ms = 0;
  std::optional<core::SteadyTime> last_good;  // last request answered without error
};

// Whether the bridge can currently talk to the device.
enum class DeviceState { unknown, online, offline };
std::string_view to_string(DeviceState s);

struct DeviceValues {
  std::string device;  // device id from config
  DeviceState state = DeviceState::unknown;
  std::map<std::string, PointReading, std::less<>> points;  // readable points by name
  DeviceStats stats;

  const PointReading* find(std::string_view point) const;
  // Element `index` of the point when its quality is good; nullopt otherwise (absent, stale,
  // bad, or index out of range).
  std::optional<double> good(std::string_view point, int index = 0) const;
  // Worst quality over the named points (absent points count as stale).
  Quality quality_of(std::initializer_list<std::string_view> names) const;
};

// A state to hold in a writable point: "frequency_setpoint_hz = 35". The bridge writes it
// when it differs from what it last wrote, and again after every reconnect, so writing the
// same state twice is harmless and nothing ever toggles.
struct PointWrite {
  std::string point;
  int index = 0;  // array element
  double value = 0;
};

}  // namespace coldsort::bridge
