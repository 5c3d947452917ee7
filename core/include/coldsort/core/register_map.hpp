#pragma once
// A device's Modbus register map, as config: which named points live at which addresses, in
// which table, encoded how. Drivers look points up by name, so a different PLC or drive
// model is a different map file, not different code.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coldsort/core/json_reader.hpp"

namespace coldsort::core {

// The four Modbus data tables (Modbus Application Protocol v1.1b3 §4.3).
enum class RegisterTable { coil, discrete_input, input_register, holding_register };
enum class ValueType { boolean, u16, s16, u32, s32, f32 };
// For 32-bit values: which 16-bit word is sent first. Vendors disagree.
enum class WordOrder { high_first, low_first };
enum class Access { read, write, read_write };

struct RegisterPoint {
  std::string name;
  RegisterTable table = RegisterTable::holding_register;
  std::uint16_t address = 0;  // 0-based protocol address
  ValueType type = ValueType::u16;
  WordOrder word_order = WordOrder::high_first;
  double scale = 1.0;  // engineering value = raw * scale
  std::string unit;
  Access access = Access::read;
  int count = 1;  // > 1: an array of `count` consecutive values
  std::optional<double> min;  // valid range, in engineering units
  std::optional<double> max;

  int words_per_value() const;  // 1 for bool/16-bit, 2 for 32-bit
  int total_words() const { return words_per_value() * count; }
};

struct RegisterMap {
  std::string model;  // e.g. "coldsort-sim-sorter-v1"
  std::string file;   // where it was loaded from
  std::vector<RegisterPoint> points;
  const RegisterPoint* find(std::string_view name) const;
};

// Parses a register map document; errors are reported under `path`.
RegisterMap read_register_map(ObjectReader& reader);
std::optional<RegisterMap> load_register_map(const std::string& file, ConfigErrors& errors);

}  // namespace coldsort::core
