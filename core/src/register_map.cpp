#include "coldsort/core/register_map.hpp"

#include <map>

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

RegisterMap read_register_map(ObjectReader& reader) {
  RegisterMap map;
  map.model = reader.string("model");
  reader.string("description", "");
  std::map<std::string, bool> seen;
  reader.objects("points", true, [&](ObjectReader& item) {
    RegisterPoint p = read_point(item);
    if (!p.name.empty() && !seen.emplace(p.name, true).second)
      item.error("name", "duplicate point name \"" + p.name + "\"");
    map.points.push_back(std::move(p));
  });
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
