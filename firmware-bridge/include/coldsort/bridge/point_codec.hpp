#pragma once
// Converts between engineering values and the 16-bit words a register point occupies on the
// wire, per core::RegisterPoint: type (bool, u16, s16, u32, s32, f32), word order for 32-bit
// values, scale (engineering = raw * scale) and the valid range [min, max].
// Array points (count > 1) hold element i at word offset i * words_per_value().
// Thread safety: stateless functions, safe from any thread.
#include <cstdint>
#include <span>
#include <vector>

#include "coldsort/core/error.hpp"
#include "coldsort/core/register_map.hpp"

namespace coldsort::bridge {

// Word offset of array element `index` inside the point's block.
inline int element_offset(const core::RegisterPoint& point, int index) {
  return index * point.words_per_value();
}

// The number as transmitted (integer, or float for f32), before scale and without range
// checks. `words` must hold at least words_per_value() words (std::invalid_argument if not).
double decode_raw(const core::RegisterPoint& point, std::span<const std::uint16_t> words);

// One element: raw * scale, checked against [min, max] (with a tolerance of a millionth of
// the scale step, so 30.00 read as 3000 * 0.01 passes a max of 30). NaN and infinite f32
// values are invalid too. Errors: bad_register_value.
core::Result<double> decode_value(const core::RegisterPoint& point,
                                  std::span<const std::uint16_t> words);
// Every element of the point from its total_words() words. Errors: bad_register_value.
core::Result<std::vector<double>> decode_values(const core::RegisterPoint& point,
                                                std::span<const std::uint16_t> words);

// Writes one element into `out` (words_per_value() words; std::invalid_argument if shorter).
// Integers are rounded to the nearest raw step. Errors: bad_register_value when the value is
// outside [min, max], not finite, or its raw form does not fit the type; `out` is then left
// unchanged.
core::Result<void> encode_value(const core::RegisterPoint& point, double value,
                                std::span<std::uint16_t> out);
// Every element; `values.size()` must equal point.count (std::invalid_argument if not).
core::Result<std::vector<std::uint16_t>> encode_values(const core::RegisterPoint& point,
                                                       std::span<const double> values);

}  // namespace coldsort::bridge
