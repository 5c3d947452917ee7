#include "coldsort/bridge/point_codec.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace coldsort::bridge {
namespace {

using core::errc;
using core::ValueType;

// Joins two wire words into the 32-bit value per the point's word order. Modbus itself only
// defines 16-bit registers (Modbus Application Protocol v1.1b3 §4.2); 32-bit layouts are a
// vendor choice, hence the configurable order.
std::uint32_t join_words(const core::RegisterPoint& point, std::span<const std::uint16_t> words) {
  const bool high_first = point.word_order == core::WordOrder::high_first;
  const std::uint32_t hi = high_first ? words[0] : words[1];
  const std::uint32_t lo = high_first ? words[1] : words[0];
  return (hi << 16) | lo;
}

void split_words(const core::RegisterPoint& point, std::uint32_t value,
                 std::span<std::uint16_t> out) {
  const auto hi = static_cast<std::uint16_t>(value >> 16);
  const auto lo = static_cast<std::uint16_t>(value & 0xFFFFu);
  const bool high_first = point.word_order == core::WordOrder::high_first;
  out[0] = high_first ? hi : lo;
  out[1] = high_first ? lo : hi;
}

void require_words(const core::RegisterPoint& point, std::size_t have) {
  if (have < static_cast<std::size_t>(point.words_per_value()))
    throw std::invalid_argument("point \"" + point.name + "\" needs " +
                                std::to_string(point.words_per_value()) + " words");
}

// A value rounded to the raw step may sit a hair outside a limit written in engineering units.
bool in_range(const core::RegisterPoint& point, double value) {
  if (!std::isfinite(value)) return false;
  const double tolerance = std::abs(point.scale) * 1e-6;
  if (point.min && value < *point.min - tolerance) return false;
  if (point.max && value > *point.max + tolerance) return false;
  return true;
}

// The raw integer range of each type.
bool raw_fits(ValueType type, double raw) {
  switch (type) {
    case ValueType::boolean:
      return raw == 0 || raw == 1;
    case ValueType::u16:
      return raw >= 0 && raw <= 65535;
    case ValueType::s16:
      return raw >= -32768 && raw <= 32767;
    case ValueType::u32:
      return raw >= 0 && raw <= 4294967295.0;
    case ValueType::s32:
      return raw >= -2147483648.0 && raw <= 2147483647.0;
    case ValueType::f32:
      return std::isfinite(raw) && std::abs(raw) <= std::numeric_limits<float>::max();
  }
  return false;
}

}  // namespace

double decode_raw(const core::RegisterPoint& point, std::span<const std::uint16_t> words) {
  require_words(point, words.size());
  switch (point.type) {
    case ValueType::boolean:
      return words[0] != 0 ? 1.0 : 0.0;
    case ValueType::u16:
      return words[0];
    case ValueType::s16:
      return static_cast<std::int16_t>(words[0]);
    case ValueType::u32:
      return join_words(point, words);
    case ValueType::s32:
      return static_cast<std::int32_t>(join_words(point, words));
    case ValueType::f32:
      return std::bit_cast<float>(join_words(point, words));
  }
  return 0;
}

core::Result<double> decode_value(const core::RegisterPoint& point,
                                  std::span<const std::uint16_t> words) {
  const double value = decode_raw(point, words) * point.scale;
  if (!in_range(point, value)) return errc::bad_register_value;
  return value;
}

core::Result<std::vector<double>> decode_values(const core::RegisterPoint& point,
                                                std::span<const std::uint16_t> words) {
  if (words.size() < static_cast<std::size_t>(point.total_words()))
    throw std::invalid_argument("point \"" + point.name + "\" needs " +
                                std::to_string(point.total_words()) + " words");
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(point.count));
  for (int i = 0; i < point.count; ++i) {
    const auto offset = static_cast<std::size_t>(element_offset(point, i));
    auto value = decode_value(point, words.subspan(offset));
    if (!value) return value.error();
    values.push_back(*value);
  }
  return values;
}

core::Result<void> encode_value(const core::RegisterPoint& point, double value,
                                std::span<std::uint16_t> out) {
  require_words(point, out.size());
  if (!in_range(point, value)) return errc::bad_register_value;
  double raw = value / point.scale;
  if (point.type != ValueType::f32) raw = std::round(raw);
  if (!raw_fits(point.type, raw)) return errc::bad_register_value;
  switch (point.type) {
    case ValueType::boolean:
    case ValueType::u16:
      out[0] = static_cast<std::uint16_t>(raw);
      break;
    case ValueType::s16:
      out[0] = static_cast<std::uint16_t>(static_cast<std::int16_t>(raw));
      break;
    case ValueType::u32:
      split_words(point, static_cast<std::uint32_t>(raw), out);
      break;
    case ValueType::s32:
      split_words(point, static_cast<std::uint32_t>(static_cast<std::int32_t>(raw)), out);
      break;
    case ValueType::f32:
      split_words(point, std::bit_cast<std::uint32_t>(static_cast<float>(raw)), out);
      break;
  }
  return {};
}

core::Result<std::vector<std::uint16_t>> encode_values(const core::RegisterPoint& point,
                                                       std::span<const double> values) {
  if (values.size() != static_cast<std::size_t>(point.count))
    throw std::invalid_argument("point \"" + point.name + "\" holds " +
                                std::to_string(point.count) + " values");
  std::vector<std::uint16_t> words(static_cast<std::size_t>(point.total_words()));
  std::span<std::uint16_t> all(words);
  for (int i = 0; i < point.count; ++i) {
    auto ok = encode_value(point, values[static_cast<std::size_t>(i)],
                           all.subspan(static_cast<std::size_t>(element_offset(point, i))));
    if (!ok) return ok.error();
  }
  return words;
}

}  // namespace coldsort::bridge
