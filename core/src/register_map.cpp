#include "coldsort/core/register_map.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

namespace coldsort::core {
namespace {

RegisterTable parse_table(const std::string& s) {
  if (s == "coil") return RegisterTable::coil;
  if (s == "discrete_input") return RegisterTable::discrete_input;
  if (s == "input_register") return RegisterTable::input_register;
  return RegisterTable::holding_register;
}

ValueType parse_type(const std::string& s) {
  static const std::map<std::string, ValueType, std::less<>> types{
      {"bool", ValueType::boolean}, {"u16", ValueType::u16}, {"s16", ValueType::s16},
      {"u32", ValueType::u32},      {"s32", ValueType::s32}, {"f32", ValueType::f32}};
  auto it = types.find(s);
  return it == types.end() ? ValueType::u16 : it->second;
}

Access parse_access(const std::string& s) {
  if (s == "w") return Access::write;
  if (s == "rw") return Access::read_write;
  return Access::read;
}

bool is_bit_table(RegisterTable t) {
  return t == RegisterTable::coil || t == RegisterTable::discrete_input;
}

RegisterPoint read_point(ObjectReader& r) {
  RegisterPoint p;
  p.name = r.string("name");
  p.table = parse_table(
      r.choice("table", {"coil", "discrete_input", "input_register", "holding_register"}));
  // Modbus addresses are 16-bit (Modbus Application Protocol v1.1b3 §4.4).
  p.address = static_cast<std::uint16_t>(r.integer("address", 0, 65535));
  p.type = parse_type(r.choice("type", {"bool", "u16", "s16", "u32", "s32", "f32"},
                               is_bit_table(p.table) ? "bool" : "u16"));
  p.word_order = r.choice("word_order", {"high_first", "low_first"}, "high_first") == "low_first"
                     ? WordOrder::low_first
                     : WordOrder::high_first;
  p.scale = r.number("scale", -1e9, 1e9, 1.0);
  if (p.scale == 0) r.error("scale", "must not be 0");
  p.unit = r.string("unit", "");
  p.access = parse_access(r.choice("access", {"r", "w", "rw"}, "r"));
  p.count = static_cast<int>(r.integer("count", 1, 4096, 1));
  if (r.has("min")) p.min = r.number("min", -1e12, 1e12);
  if (r.has("max")) p.max = r.number("max", -1e12, 1e12);
  if (p.min && p.max && *p.min > *p.max) r.error("min", "must not exceed max");
  if (r.has("poll_ms")) p.poll_ms = static_cast<int>(r.integer("poll_ms", 0, 3600000));
  if (is_bit_table(p.table) && p.type != ValueType::boolean)
    r.error("type", "coils and discrete inputs hold only bool");
  if (!is_bit_table(p.table) && p.type == ValueType::boolean)
    r.error("type", "bool lives in a coil or discrete input; use u16 for a register flag");
  if (p.access != Access::read &&
      (p.table == RegisterTable::input_register || p.table == RegisterTable::discrete_input))
    r.error("access", "input registers and discrete inputs are read-only");
  if (p.address + p.total_words() > 65536) r.error("count", "runs past address 65535");
  r.finish();
  return p;
}

}  // namespace

int RegisterPoint::words_per_value() const {
  return (type == ValueType::u32 || type == ValueType::s32 || type == ValueType::f32) ? 2 : 1;
}

const RegisterPoint* RegisterMap::find(std::string_view name) const {
  for (const RegisterPoint& p : points)
    if (p.name == name) return &p;
  return nullptr;
}

std::optional<std::uint16_t> RegisterMap::command(std::string_view name) const {
  auto it = commands.find(name);
  if (it == commands.end()) return std::nullopt;
  return it->second;
}

bool RegisterMap::has_status_code(std::string_view name, std::uint16_t code) const {
  auto it = status_codes.find(name);
  return it != status_codes.end() &&
         std::find(it->second.begin(), it->second.end(), code) != it->second.end();
}

std::optional<RegisterMap::BitRef> RegisterMap::find_bit(std::string_view name) const {
  if (name.empty()) return std::nullopt;  // "" marks unused bits, it names none
  for (const auto& [point_name, names] : bits) {
    auto it = std::find(names.begin(), names.end(), name);
    const RegisterPoint* point = find(point_name);
    if (it != names.end() && point != nullptr)
      return BitRef{point, static_cast<int>(it - names.begin())};
  }
  return std::nullopt;
}

namespace {

void read_commands(ObjectReader& reader, RegisterMap& map) {
  auto commands = reader.child("commands", false);
  if (!commands) return;
  for (const std::string& name : commands->keys())
    map.commands[name] = static_cast<std::uint16_t>(commands->integer(name, 0, 65535));
  commands->finish();
}

void read_exception_codes(ObjectReader& reader, RegisterMap& map) {
  auto codes = reader.child("exception_codes", false);
  if (!codes) return;
  for (const std::string& key : codes->keys()) {
    // Exception codes travel in one byte; 0 and codes with the top bit set do not exist
    // (Modbus Application Protocol v1.1b3 §7).
    int code = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), code);
    if (ec != std::errc{} || end != key.data() + key.size() || code < 1 || code > 127)
      codes->error(key, "an exception code must be a number 1..127");
    std::string meaning = codes->string(key);
    if (code >= 1 && code <= 127) map.exception_codes[code] = meaning;
  }
  codes->finish();
}

void read_status_codes(ObjectReader& reader, RegisterMap& map) {
  auto codes = reader.child("status_codes", false);
  if (!codes) return;
  std::map<std::uint16_t, std::string> owner;  // a code means one thing only
  for (const std::string& name : codes->keys()) {
    std::vector<std::uint16_t>& list = map.status_codes[name];
    for (double v : codes->numbers(name)) {
      // A status word is one 16-bit register.
      if (v < 0 || v > 65535 || v != std::floor(v)) {
        codes->error(name, "status codes are integers 0..65535");
        continue;
      }
      const auto code = static_cast<std::uint16_t>(v);
      auto [it, fresh] = owner.emplace(code, name);
      if (!fresh && it->second != name)
        codes->error(name, "code " + std::to_string(code) + " is already \"" + it->second + "\"");
      list.push_back(code);
    }
  }
  codes->finish();
}

// Runs after the points are read: every key names a bit-mapped point of this map.
void read_bits(ObjectReader& reader, RegisterMap& map) {
  auto bits = reader.child("bits", false);
  if (!bits) return;
  std::set<std::string, std::less<>> seen;
  for (const std::string& point_name : bits->keys()) {
    std::vector<std::string> names = bits->strings(point_name);
    const RegisterPoint* p = map.find(point_name);
    if (p == nullptr) {
      bits->error(point_name, "names the bits of a point the map does not have");
      continue;
    }
    if ((p->type != ValueType::u16 && p->type != ValueType::u32) || p->count != 1 ||
        p->scale != 1.0)
      bits->error(point_name, "a bit-mapped point must be one unscaled u16 or u32");
    if (names.size() > static_cast<std::size_t>(16 * p->words_per_value()))
      bits->error(point_name, "names more bits than the point has");
    for (const std::string& name : names) {
      if (name.empty()) continue;
      if (!seen.insert(name).second)
        bits->error(point_name, "bit name \"" + name + "\" is used twice");
      else if (map.find(name) != nullptr)
        bits->error(point_name, "bit name \"" + name + "\" is also a point name");
    }
    map.bits[point_name] = std::move(names);
  }
  bits->finish();
}

}  // namespace

RegisterMap read_register_map(ObjectReader& reader) {
  RegisterMap map;
  map.model = reader.string("model");
  reader.string("description", "");
  read_commands(reader, map);
  read_exception_codes(reader, map);
  read_status_codes(reader, map);
  std::map<std::string, bool> seen;
  reader.objects("points", true, [&](ObjectReader& item) {
    RegisterPoint p = read_point(item);
    if (!p.name.empty() && !seen.emplace(p.name, true).second)
      item.error("name", "duplicate point name \"" + p.name + "\"");
    map.points.push_back(std::move(p));
  });
  read_bits(reader, map);
  reader.finish();
  return map;
}

std::optional<RegisterMap> load_register_map(const std::string& file, ConfigErrors& errors) {
  std::size_t before = errors.list().size();
  auto doc = parse_json_file(file, errors);
  if (!doc) return std::nullopt;
  ObjectReader reader(*doc, file, errors);
  if (!reader.valid()) return std::nullopt;
  RegisterMap map = read_register_map(reader);
  map.file = file;
  if (errors.list().size() != before) return std::nullopt;
  return map;
}

}  // namespace coldsort::core
