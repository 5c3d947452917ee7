#pragma once
// Configuration of the read-only Modbus TCP server that plant SCADA polls (the optional
// top-level "scada" object; docs/config.md and docs/scada.md). Also the IPv4 address and
// CIDR block parsing its allow-list needs.
// Thread safety: plain values.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/core/json_reader.hpp"

namespace coldsort::core {

// An IPv4 network "a.b.c.d/prefix_bits"; a single address is a /32. Addresses are kept in
// host byte order (a.b.c.d = a << 24 | b << 16 | c << 8 | d).
struct Ipv4Block {
  std::uint32_t network = 0;
  int prefix_bits = 32;  // 0..32

  bool contains(std::uint32_t address) const;
  std::string to_string() const;  // "10.0.0.0/8", or "10.0.0.7" for a /32
  friend bool operator==(const Ipv4Block&, const Ipv4Block&) = default;
};

// Strict dotted decimal: exactly four parts 0..255, digits only, no leading '+' or spaces.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);
// "a.b.c.d" or "a.b.c.d/n" (n 0..32) with no host bits set beyond the prefix.
std::optional<Ipv4Block> parse_ipv4_block(std::string_view text);
// 127.0.0.0/8: RFC 1122 §3.2.1.3 reserves the whole block for loopback.
Ipv4Block loopback_block();

struct ScadaConfig {
  bool enabled = false;
  std::string bind = "127.0.0.1";  // dotted IPv4; "0.0.0.0" for every interface
  // 502 is the registered Modbus port but needs root on Linux; 0 = any free port (tests).
  int port = 1502;
  int unit_id = 1;               // 1..247 (Modbus over Serial Line v1.02 §2.2)
  std::vector<Ipv4Block> allow;  // empty = loopback only
  int max_connections = 4;       // 1..64
  int idle_timeout_ms = 60000;   // a client silent this long is disconnected
  bool writable = false;         // nothing is writable yet; see docs/scada.md

  // Whether a peer at `address` (host byte order) may connect.
  bool allows(std::uint32_t address) const;
};

// Reads the optional top-level "scada" object of `root` into `out`; every problem is an
// error with its JSON path ("scada.allow[1]: ..."). Absent: `out` keeps its defaults.
void read_scada_config(ObjectReader& root, ScadaConfig& out);

}  // namespace coldsort::core
