#pragma once
// The live Modbus tables of one simulated device, sized from its register map, and typed
// access to them through the point codec.
// Thread safety: none; LineSimulator guards every bank with its one mutex.
#include <cstdint>
#include <vector>

#include "coldsort/core/register_map.hpp"

namespace coldsort::bridge::sim {

struct RegisterBank {
  std::vector<std::uint8_t> coils;
  std::vector<std::uint8_t> discrete_inputs;
  std::vector<std::uint16_t> holding_registers;
  std::vector<std::uint16_t> input_registers;
};

// Each table is as long as the highest address any point of the map uses in it, plus one;
// addresses in between that no point names read as 0.
RegisterBank make_bank(const core::RegisterMap& map);

// Element `index`: raw * scale, without range check (the model reads what a client wrote).
double bank_get(const RegisterBank& bank, const core::RegisterPoint& point, int index = 0);
// Element `index`, clamped into the point's [min, max] and its type's range first, so a model
// never fails to publish a value.
void bank_set(RegisterBank& bank, const core::RegisterPoint& point, double value, int index = 0);

// Every word (or bit, 0/1) the point occupies, as stored; and the same written back.
std::vector<std::uint16_t> bank_words(const RegisterBank& bank, const core::RegisterPoint& point);
void bank_put_words(RegisterBank& bank, const core::RegisterPoint& point,
                    const std::vector<std::uint16_t>& words);

}  // namespace coldsort::bridge::sim
