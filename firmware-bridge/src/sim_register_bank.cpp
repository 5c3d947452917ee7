#include "sim_register_bank.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "coldsort/bridge/point_codec.hpp"

namespace coldsort::bridge::sim {
namespace {

using core::RegisterTable;
using core::ValueType;

bool is_bit_table(RegisterTable table) {
  return table == RegisterTable::coil || table == RegisterTable::discrete_input;
}

// Clamps a raw value into what the type can carry.
double clamp_raw(ValueType type, double raw) {
  switch (type) {
    case ValueType::boolean:
      return raw != 0 ? 1 : 0;
    case ValueType::u16:
      return std::clamp(std::round(raw), 0.0, 65535.0);
    case ValueType::s16:
      return std::clamp(std::round(raw), -32768.0, 32767.0);
    case ValueType::u32:
      return std::clamp(std::round(raw), 0.0, 4294967295.0);
    case ValueType::s32:
      return std::clamp(std::round(raw), -2147483648.0, 2147483647.0);
    case ValueType::f32: {
      const double limit = std::numeric_limits<float>::max();
      return std::isfinite(raw) ? std::clamp(raw, -limit, limit) : 0.0;
    }
  }
  return 0;
}

}  // namespace

RegisterBank make_bank(const core::RegisterMap& map) {
  RegisterBank bank;
  for (const core::RegisterPoint& p : map.points) {
    const auto end = static_cast<std::size_t>(p.address + p.total_words());
    switch (p.table) {
      case RegisterTable::coil:
        bank.coils.resize(std::max(bank.coils.size(), end));
        break;
      case RegisterTable::discrete_input:
        bank.discrete_inputs.resize(std::max(bank.discrete_inputs.size(), end));
        break;
      case RegisterTable::holding_register:
        bank.holding_registers.resize(std::max(bank.holding_registers.size(), end));
        break;
      case RegisterTable::input_register:
        bank.input_registers.resize(std::max(bank.input_registers.size(), end));
        break;
    }
  }
  return bank;
}

double bank_get(const RegisterBank& bank, const core::RegisterPoint& point, int index) {
  const auto at = static_cast<std::size_t>(point.address + element_offset(point, index));
  if (is_bit_table(point.table)) {
    const auto& bits = point.table == RegisterTable::coil ? bank.coils : bank.discrete_inputs;
    return bits.at(at) != 0 ? 1.0 : 0.0;
  }
  const auto& regs = point.table == RegisterTable::holding_register ? bank.holding_registers
                                                                    : bank.input_registers;
  const auto words = std::span<const std::uint16_t>(regs).subspan(
      at, static_cast<std::size_t>(point.words_per_value()));
  return decode_raw(point, words) * point.scale;
}

void bank_set(RegisterBank& bank, const core::RegisterPoint& point, double value, int index) {
  const auto at = static_cast<std::size_t>(point.address + element_offset(point, index));
  if (point.min) value = std::max(value, *point.min);
  if (point.max) value = std::min(value, *point.max);
  if (is_bit_table(point.table)) {
    auto& bits = point.table == RegisterTable::coil ? bank.coils : bank.discrete_inputs;
    bits.at(at) = value != 0 ? 1 : 0;
    return;
  }
  auto& regs = point.table == RegisterTable::holding_register ? bank.holding_registers
                                                              : bank.input_registers;
  auto words =
      std::span<std::uint16_t>(regs).subspan(at, static_cast<std::size_t>(point.words_per_value()));
  // Clamped to the type, the encode below cannot fail; the codec keeps one definition of the
  // wire format for both the master and the simulator.
  const double raw = clamp_raw(point.type, value / point.scale);
  (void)encode_value(point, raw * point.scale, words);
}

std::vector<std::uint16_t> bank_words(const RegisterBank& bank, const core::RegisterPoint& point) {
  const auto first = static_cast<std::size_t>(point.address);
  const auto n = static_cast<std::size_t>(point.total_words());
  std::vector<std::uint16_t> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (point.table) {
      case RegisterTable::coil:
        out[i] = bank.coils.at(first + i);
        break;
      case RegisterTable::discrete_input:
        out[i] = bank.discrete_inputs.at(first + i);
        break;
      case RegisterTable::holding_register:
        out[i] = bank.holding_registers.at(first + i);
        break;
      case RegisterTable::input_register:
        out[i] = bank.input_registers.at(first + i);
        break;
    }
  }
  return out;
}

void bank_put_words(RegisterBank& bank, const core::RegisterPoint& point,
                    const std::vector<std::uint16_t>& words) {
  const auto first = static_cast<std::size_t>(point.address);
  const auto n = std::min(words.size(), static_cast<std::size_t>(point.total_words()));
  for (std::size_t i = 0; i < n; ++i) {
    const auto bit = static_cast<std::uint8_t>(words[i] != 0 ? 1 : 0);
    switch (point.table) {
      case RegisterTable::coil:
        bank.coils.at(first + i) = bit;
        break;
      case RegisterTable::discrete_input:
        bank.discrete_inputs.at(first + i) = bit;
        break;
      case RegisterTable::holding_register:
        bank.holding_registers.at(first + i) = words[i];
        break;
      case RegisterTable::input_register:
        bank.input_registers.at(first + i) = words[i];
        break;
    }
  }
}

}  // namespace coldsort::bridge::sim
