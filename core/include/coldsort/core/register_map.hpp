#pragma once
// A device's Modbus register map, as config: which named points live at which addresses, in
// which table, encoded how. Drivers look points up by name, so a different PLC or drive
// model is a different map file, not different code.
#include <cstdint>
#include <map>
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
  // How often the bridge reads the point: absent = the device's poll period; 0 = never (a
  // table the controller only writes, like the sorter's outlet table); else this period.
  std::optional<int> poll_ms;

  bool is_readable() const { return access != Access::write; }
  int words_per_value() const;  // 1 for bool/16-bit, 2 for 32-bit
  int total_words() const { return words_per_value() * count; }
};

struct RegisterMap {
  std::string model;  // e.g. "coldsort-sim-sorter-v1"
  std::string file;   // where it was loaded from
  std::vector<RegisterPoint> points;
  // Command words by name, for devices driven through a command register whose encoding
  // differs per vendor (a drive's "run": 1 on one model, 0x0001 with a direction bit on
  // another). Drivers look them up by name.
  std::map<std::string, std::uint16_t, std::less<>> commands;
  // What this model means by a Modbus exception code, where it differs from or adds to the
  // standard codes 1-4 (several drives answer 06-09 for their own states, e.g. "parameter
  // locked while running"). Code -> meaning, logged with the raw code.
  std::map<int, std::string> exception_codes;
  // What the values of a status word mean, per model: "running" -> {1, 2} on a drive whose
  // status word reads 1 running forward and 2 running in reverse. Drivers ask by name.
  std::map<std::string, std::vector<std::uint16_t>, std::less<>> status_codes;
  // Names of the bits of bit-mapped register points, per model: point name -> names of bit 0,
  // bit 1, ... ("" for a bit without meaning). Drivers name active alarms with them, and read
  // a flag ("defrost") from a named bit when the map has no point by that name.
  std::map<std::string, std::vector<std::string>, std::less<>> bits;

  const RegisterPoint* find(std::string_view name) const;
  // The command word, or nullopt when the map has none by that name.
  std::optional<std::uint16_t> command(std::string_view name) const;
  // Whether `code` is one of the status codes named `name` (false when the map has none).
  bool has_status_code(std::string_view name, std::uint16_t code) const;
  // The point and bit number of the bit named `name` in `bits`, or nullopt.
  struct BitRef {
    const RegisterPoint* point = nullptr;
    int bit = 0;
  };
  std::optional<BitRef> find_bit(std::string_view name) const;
};

// Parses a register map document; errors are reported under `path`.
RegisterMap read_register_map(ObjectReader& reader);
std::optional<RegisterMap> load_register_map(const std::string& file, ConfigErrors& errors);

}  // namespace coldsort::core
