// The "scada" config section: IPv4 and CIDR parsing, the allow-list, defaults and errors
// that name their JSON path.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "coldsort/core/config.hpp"
#include "coldsort/core/scada_config.hpp"

using namespace coldsort;

namespace {

constexpr std::uint32_t ip(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

struct Parsed {
  core::ScadaConfig config;
  core::ConfigErrors errors;
};

Parsed read_scada(std::string_view json_text) {
  Parsed out;
  const boost::json::value doc = boost::json::parse(json_text);
  core::ObjectReader root(doc, "", out.errors);
  core::read_scada_config(root, out.config);
  root.finish();
  return out;
}

bool has_error(const core::ConfigErrors& errors, const std::string& path, const std::string& part) {
  for (const core::ConfigError& e : errors.list())
    if (e.path == path && e.message.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("IPv4 addresses parse only in strict dotted decimal", "[unit]") {
  CHECK(core::parse_ipv4("127.0.0.1") == ip(127, 0, 0, 1));
  CHECK(core::parse_ipv4("0.0.0.0") == 0u);
  CHECK(core::parse_ipv4("255.255.255.255") == 0xFFFFFFFFu);
  for (const char* bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "1..2.3", " 1.2.3.4", "1.2.3.4 ",
        "+1.2.3.4", "1.2.3.0004", "localhost", "1.2.3.4/8", "0x7f.0.0.1"})
    CHECK_FALSE(core::parse_ipv4(bad).has_value());
}

TEST_CASE("CIDR blocks contain exactly the addresses under their prefix", "[unit]") {
  const auto ten = core::parse_ipv4_block("10.0.0.0/8");
  REQUIRE(ten);
  CHECK(ten->contains(ip(10, 200, 3, 4)));
  CHECK_FALSE(ten->contains(ip(11, 0, 0, 0)));
  CHECK(ten->to_string() == "10.0.0.0/8");

  const auto host = core::parse_ipv4_block("192.168.1.20");
  REQUIRE(host);
  CHECK(host->prefix_bits == 32);
  CHECK(host->contains(ip(192, 168, 1, 20)));
  CHECK_FALSE(host->contains(ip(192, 168, 1, 21)));
  CHECK(host->to_string() == "192.168.1.20");

  const auto all = core::parse_ipv4_block("0.0.0.0/0");
  REQUIRE(all);
  CHECK(all->contains(ip(8, 8, 8, 8)));

  const auto narrow = core::parse_ipv4_block("192.168.1.16/28");
  REQUIRE(narrow);
  CHECK(narrow->contains(ip(192, 168, 1, 31)));
  CHECK_FALSE(narrow->contains(ip(192, 168, 1, 32)));

  for (const char* bad :
       {"10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "/8", "10.0.0.0/08x"})
    CHECK_FALSE(core::parse_ipv4_block(bad).has_value());
}

TEST_CASE("an empty allow-list admits loopback peers only", "[unit]") {
  core::ScadaConfig config;
  CHECK(config.allows(ip(127, 0, 0, 1)));
  CHECK(config.allows(ip(127, 0, 0, 2)));
  CHECK_FALSE(config.allows(ip(10, 0, 0, 1)));
  config.allow = {*core::parse_ipv4_block("10.1.0.0/16")};
  CHECK(config.allows(ip(10, 1, 9, 9)));
  CHECK_FALSE(config.allows(ip(127, 0, 0, 1)));  // a list replaces the loopback default
}

TEST_CASE("an absent scada section keeps the server disabled with safe defaults", "[unit]") {
  const Parsed p = read_scada("{}");
  CHECK(p.errors.empty());
  CHECK_FALSE(p.config.enabled);
  CHECK(p.config.bind == "127.0.0.1");
  CHECK(p.config.unit_id == 1);
  CHECK(p.config.max_connections == 4);
  CHECK(p.config.idle_timeout_ms == 60000);
  CHECK_FALSE(p.config.writable);
  CHECK(p.config.allow.empty());
}

TEST_CASE("a full scada section is read into typed values", "[unit]") {
  const Parsed p = read_scada(R"({"scada": {"enabled": true, "bind": "0.0.0.0", "port": 0,
      "unit_id": 247, "allow": ["10.0.0.0/8", "192.168.5.7"], "max_connections": 64,
      "idle_timeout_ms": 150, "writable": true}})");
  INFO(p.errors.joined());
  REQUIRE(p.errors.empty());
  CHECK(p.config.enabled);
  CHECK(p.config.bind == "0.0.0.0");
  CHECK(p.config.port == 0);
  CHECK(p.config.unit_id == 247);
  REQUIRE(p.config.allow.size() == 2);
  CHECK(p.config.allow[0] == core::Ipv4Block{ip(10, 0, 0, 0), 8});
  CHECK(p.config.allow[1] == core::Ipv4Block{ip(192, 168, 5, 7), 32});
  CHECK(p.config.max_connections == 64);
  CHECK(p.config.idle_timeout_ms == 150);
  CHECK(p.config.writable);
}

TEST_CASE("bad scada values are errors that name their JSON path", "[unit]") {
  const Parsed p = read_scada(R"({"scada": {"bind": "plc-host", "port": 70000, "unit_id": 0,
      "allow": ["10.0.0.1/8", "everyone"], "max_connections": 65, "idle_timeout_ms": 5,
      "writeable": true}})");
  CHECK(has_error(p.errors, "scada.bind", "dotted IPv4"));
  CHECK(has_error(p.errors, "scada.port", "between 0 and 65535"));
  CHECK(has_error(p.errors, "scada.unit_id", "between 1 and 247"));
  CHECK(has_error(p.errors, "scada.allow[0]", "did you mean \"10.0.0.0/8\""));
  CHECK(has_error(p.errors, "scada.allow[1]", "CIDR block"));
  CHECK(has_error(p.errors, "scada.max_connections", "between 1 and 64"));
  CHECK(has_error(p.errors, "scada.idle_timeout_ms", "between 100 and 3600000"));
  CHECK(has_error(p.errors, "scada.writeable", "unknown key"));
  CHECK(p.errors.list().size() == 8);
}

TEST_CASE("a non-string allow entry is reported once, at its index", "[unit]") {
  const Parsed p = read_scada(R"({"scada": {"allow": ["127.0.0.1", 12]}})");
  CHECK(has_error(p.errors, "scada.allow[1]", "expected a string"));
  CHECK(p.errors.list().size() == 1);
}

TEST_CASE("the default config serves SCADA on loopback port 1502, unit 1", "[unit]") {
  const core::LoadedConfig loaded = core::load_config(COLDSORT_CONFIG_DIR "/default.json");
  INFO(loaded.errors.joined());
  REQUIRE(loaded.config);
  const core::ScadaConfig& scada = loaded.config->scada;
  CHECK(scada.enabled);
  CHECK(scada.bind == "127.0.0.1");
  CHECK(scada.port == 1502);
  CHECK(scada.unit_id == 1);
  REQUIRE(scada.allow.size() == 1);
  CHECK(scada.allow[0].to_string() == "127.0.0.1");
  CHECK_FALSE(scada.writable);
}
