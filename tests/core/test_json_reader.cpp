#include <catch2/catch.hpp>

#include "coldsort/core/json_reader.hpp"

using namespace coldsort::core;

namespace {
boost::json::value parse(std::string_view text) {
  ConfigErrors errors;
  auto v = parse_json_text(text, "t", errors);
  REQUIRE(v);
  return *v;
}
}  // namespace

TEST_CASE("syntax errors name line and column", "[unit][config]") {
  ConfigErrors errors;
  auto v = parse_json_text("{\n  \"a\": 1,\n  \"b\": }\n", "cfg.json", errors);
  CHECK_FALSE(v);
  REQUIRE(errors.list().size() == 1);
  CHECK(errors.list()[0].to_string().find("cfg.json: invalid JSON at line 3") == 0);
}

TEST_CASE("reader reports wrong types, ranges, missing and unknown keys", "[unit][config]") {
  auto doc = parse(R"({"name": 5, "speed": 99, "extra": true, "nested": {"x": "y"}})");
  ConfigErrors errors;
  ObjectReader r(doc, "line", errors);
  CHECK(r.string("name", "fallback") == "fallback");
  CHECK(r.number("speed", 0, 30, 10.0) == 10.0);
  CHECK(r.integer("lanes", 1, 16) == 1);
  auto nested = r.child("nested");
  REQUIRE(nested);
  nested->finish();
  r.finish();
  std::string all = errors.joined();
  CHECK(all.find("line.name: expected a string, got an integer") != std::string::npos);
  CHECK(all.find("line.speed: must be between 0 and 30, got 99") != std::string::npos);
  CHECK(all.find("line.lanes: missing required key") != std::string::npos);
  CHECK(all.find("line.extra: unknown key") != std::string::npos);
  CHECK(all.find("line.nested.x: unknown key") != std::string::npos);
  CHECK(errors.list().size() == 5);
}

TEST_CASE("choice lists what is allowed and arrays give indexed paths", "[unit][config]") {
  auto doc = parse(R"({"kind": "laser", "items": [{"v": 1}, {"v": "no"}], "tags": ["a", 3]})");
  ConfigErrors errors;
  ObjectReader r(doc, "", errors);
  r.choice("kind", {"tcp", "rtu"});
  r.objects("items", true, [](ObjectReader& item) {
    item.integer("v", 0, 10);
    item.finish();
  });
  auto tags = r.strings("tags");
  r.finish();
  CHECK(tags == std::vector<std::string>{"a"});
  std::string all = errors.joined();
  CHECK(all.find("kind: unknown value \"laser\" (expected one of: tcp, rtu)") != std::string::npos);
  CHECK(all.find("items[1].v: expected an integer, got a string") != std::string::npos);
  CHECK(all.find("tags[1]: expected a string, got an integer") != std::string::npos);
}
