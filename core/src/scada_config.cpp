#include "coldsort/core/scada_config.hpp"

#include <charconv>

namespace coldsort::core {
namespace {

// Parses a decimal integer 0..max from the whole of `text` (digits only, 1..3 characters
// for an octet, 1..2 for a prefix), so "01x", "+1" and " 1" are all rejected.
std::optional<int> parse_small(std::string_view text, int max, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  for (char ch : text)
    if (ch < '0' || ch > '9') return std::nullopt;
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value > max) return std::nullopt;
  return value;
}

std::uint32_t prefix_mask(int prefix_bits) {
  // A shift by 32 is undefined for a 32-bit value: /0 is handled on its own.
  return prefix_bits == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix_bits);
}

std::string dotted(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xFFu) + "." +
         std::to_string((address >> 8) & 0xFFu) + "." + std::to_string(address & 0xFFu);
}

void read_allow(ObjectReader& r, ScadaConfig& out) {
  if (!r.has("allow")) return;
  const std::size_t errors_before = r.errors().list().size();
  const std::vector<std::string> entries = r.strings("allow", false);
  // strings() drops non-string elements (reporting them), so indices would no longer match
  // the file: report the addresses once the types are right.
  if (r.errors().list().size() != errors_before) return;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string path = r.path_of("allow") + "[" + std::to_string(i) + "]";
    if (auto block = parse_ipv4_block(entries[i])) {
      out.allow.push_back(*block);
      continue;
    }
    // Tell a CIDR block with host bits set ("10.0.0.1/8") from plain garbage.
    const auto slash = entries[i].find('/');
    const auto address = parse_ipv4(std::string_view(entries[i]).substr(0, slash));
    const auto bits = slash == std::string::npos
                          ? std::nullopt
                          : parse_small(std::string_view(entries[i]).substr(slash + 1), 32, 2);
    if (address && bits)
      r.errors().add(path, "\"" + entries[i] + "\" has host bits set; did you mean \"" +
                               Ipv4Block{*address & prefix_mask(*bits), *bits}.to_string() + "\"?");
    else
      r.errors().add(path, "expected an IPv4 address or CIDR block like \"10.0.0.0/8\", got \"" +
                               entries[i] + "\"");
  }
}

}  // namespace

bool Ipv4Block::contains(std::uint32_t address) const {
  const std::uint32_t mask = prefix_mask(prefix_bits);
  return (address & mask) == (network & mask);
}

std::string Ipv4Block::to_string() const {
  return prefix_bits == 32 ? dotted(network) : dotted(network) + "/" + std::to_string(prefix_bits);
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t address = 0;
  for (int part = 0; part < 4; ++part) {
    const auto dot = text.find('.');
    if ((part < 3) == (dot == std::string_view::npos)) return std::nullopt;
    const auto octet = parse_small(text.substr(0, dot), 255, 3);
    if (!octet) return std::nullopt;
    address = (address << 8) | static_cast<std::uint32_t>(*octet);
    text = part < 3 ? text.substr(dot + 1) : std::string_view{};
  }
  return address;
}

std::optional<Ipv4Block> parse_ipv4_block(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = parse_ipv4(text.substr(0, slash));
  if (!address) return std::nullopt;
  if (slash == std::string_view::npos) return Ipv4Block{*address, 32};
  const auto bits = parse_small(text.substr(slash + 1), 32, 2);
  if (!bits || (*address & ~prefix_mask(*bits)) != 0) return std::nullopt;
  return Ipv4Block{*address, *bits};
}

Ipv4Block loopback_block() { return Ipv4Block{0x7F000000u, 8}; }

bool ScadaConfig::allows(std::uint32_t address) const {
  if (allow.empty()) return loopback_block().contains(address);
  for (const Ipv4Block& block : allow)
    if (block.contains(address)) return true;
  return false;
}

void read_scada_config(ObjectReader& root, ScadaConfig& out) {
  auto r = root.child("scada", false);
  if (!r) return;
  out.enabled = r->boolean("enabled", false);
  out.bind = r->string("bind", out.bind);
  if (!parse_ipv4(out.bind))
    r->error("bind", "expected a dotted IPv4 address like \"127.0.0.1\" or \"0.0.0.0\", got \"" +
                         out.bind + "\"");
  out.port = static_cast<int>(r->integer("port", 0, 65535, 1502));
  // Unit ids 1..247 (Modbus over Serial Line v1.02 §2.2); 0 is broadcast, 248..255 reserved.
  out.unit_id = static_cast<int>(r->integer("unit_id", 1, 247, 1));
  read_allow(*r, out);
  out.max_connections = static_cast<int>(r->integer("max_connections", 1, 64, 4));
  out.idle_timeout_ms = static_cast<int>(r->integer("idle_timeout_ms", 100, 3600000, 60000));
  out.writable = r->boolean("writable", false);
  r->finish();
}

}  // namespace coldsort::core
