#pragma once
// What the typed drivers (Vfd, ColdRoom, ThSensor, Scale) share: start-up checks that a
// device's register map has what the driver needs, and reading points, flags and named bits
// out of a DeviceValues.
// Thread safety: stateless functions; FlagSource is immutable after construction.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/bridge/device_values.hpp"
#include "coldsort/bridge/sample.hpp"
#include "coldsort/core/config.hpp"
#include "coldsort/core/error.hpp"

namespace coldsort::bridge::detail {

// Throws std::invalid_argument "device "id" (map "model", file): <what>", a config error.
[[noreturn]] void config_error(const core::DeviceConfig& device, const std::string& what);

// The named point, checked to be readable / writable; throws config_error otherwise.
const core::RegisterPoint& require_readable(const core::DeviceConfig& device,
                                            std::string_view name);
const core::RegisterPoint& require_writable(const core::DeviceConfig& device,
                                            std::string_view name);
// The point when the map has it readable; nullptr when absent; throws when present but
// write-only (the map promises a value the bridge can never read).
const core::RegisterPoint* optional_readable(const core::DeviceConfig& device,
                                             std::string_view name);
// The command word `name`, checked to fit `point` (type and range); throws otherwise.
std::uint16_t require_command(const core::DeviceConfig& device, const core::RegisterPoint& point,
                              std::string_view name);
// Like require_command, but nullopt when the map has no such command.
std::optional<std::uint16_t> optional_command(const core::DeviceConfig& device,
                                              const core::RegisterPoint& point,
                                              std::string_view name);

// The first element of a point's reading; stale 0 when the point was never read.
Sample sample(const DeviceValues& values, std::string_view point);

// Whether `value` fits the point (its range and raw type), as the bridge will encode it.
core::Result<void> check_encodable(const core::RegisterPoint& point, double value);

// Where a yes/no state comes from: a point of that name (non-zero = yes), else the bit of
// that name in the map's `bits` table.
class FlagSource {
 public:
  // nullopt when the map has neither; throws when the point exists but is write-only.
  static std::optional<FlagSource> find(const core::DeviceConfig& device, std::string_view name);
  FlagSample read(const DeviceValues& values) const;

 private:
  FlagSource(std::string point, int bit) : point_(std::move(point)), bit_(bit) {}
  std::string point_;
  int bit_ = -1;  // -1: the whole point
};

// The bit-mapped value of a reading as an integer word (bit-mapped points are unscaled).
std::uint32_t word_of(const Sample& s);
// Names of the set bits of `word`, from `names` (bit i -> names[i]); a set bit without a name
// is reported as "<point> bit <i>" so that nothing the device says is lost.
void append_set_bits(std::string_view point, std::uint32_t word, int width_bits,
                     const std::vector<std::string>* names, std::vector<std::string>& out);

}  // namespace coldsort::bridge::detail
