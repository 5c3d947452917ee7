#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

#include "coldsort/core/config.hpp"

using namespace coldsort::core;

namespace {

const std::string kDefault = std::string(COLDSORT_CONFIG_DIR) + "/default.json";

boost::json::value default_doc() {
  std::ifstream in(kDefault);
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str());
}

std::string errors_of(const boost::json::value& doc) {
  LoadedConfig loaded = load_config_text(boost::json::serialize(doc), COLDSORT_CONFIG_DIR);
  CHECK_FALSE(loaded.config);
  return loaded.errors.joined();
}

}  // namespace

TEST_CASE("the default config describes a Huili line and is valid", "[unit][config]") {
  LoadedConfig loaded = load_config(kDefault);
  INFO(loaded.errors.joined());
  REQUIRE(loaded.config);
  const Config& c = *loaded.config;
  CHECK(c.line.lanes == 4);
  CHECK(c.outlets.size() == 12);
  CHECK(c.stations.size() == 12);
  CHECK(c.cold_rooms.size() == 2);
  CHECK(c.outlet_of_kind(OutletKind::reject).number > 0);
  CHECK(c.first_device(DeviceKind::sorter_plc) != nullptr);
  CHECK(c.grading.quality.size() == 3);
  coldsort::core::Measurement m;
  m.diameter_mm = 95.0;
  CHECK(c.grading.size_for(m)->code == "B");
  m.diameter_mm = 60.0;
  CHECK(c.grading.size_for(m) == nullptr);
}

TEST_CASE("a dangling product reference names its path and the known ids", "[unit][config]") {
  auto doc = default_doc();
  doc.at("outlets").as_array()[5].as_object()["products"] = boost::json::array{"XL"};
  std::string e = errors_of(doc);
  CHECK(e.find("outlets[5].products[0]: unknown product \"XL\" (known: EX-A, EX-B") !=
        std::string::npos);
}

TEST_CASE("every broken path is reported in one pass", "[unit][config]") {
  auto doc = default_doc();
  doc.at("line").as_object()["lanes"] = 0;
  doc.at("line").as_object()["speed"] = 3;
  doc.at("camera").as_object()["px_per_mm"] = "two";
  doc.at("outlets").as_array()[2].as_object()["position_cups"] = 900;
  doc.at("devices").as_array()[0].as_object()["link"] = "nowhere";
  doc.at("cold_rooms").as_array()[1].as_object()["setpoint_c"] = 40;
  doc.at("products").as_array()[0].as_object()["size_code"] = "Z";
  std::string e = errors_of(doc);
  CHECK(e.find("line.lanes: must be an integer between 1 and 16, got 0") != std::string::npos);
  CHECK(e.find("line.speed: unknown key") != std::string::npos);
  CHECK(e.find("camera.px_per_mm: expected a number, got a string") != std::string::npos);
  CHECK(e.find("outlets[2].position_cups: must be an integer between") != std::string::npos);
  CHECK(e.find("devices[0].link: unknown link \"nowhere\" (known: sim)") != std::string::npos);
  CHECK(e.find("cold_rooms[1].setpoint_c: must be between -30 and 30, got 40") !=
        std::string::npos);
  CHECK(e.find("products[0].size_code: unknown size code \"Z\" (known: A, B, C, D)") !=
        std::string::npos);
}

TEST_CASE("structural rules: one reject outlet, unique ids, unit ids per link",
          "[unit][config]") {
  auto doc = default_doc();
  auto& outlets = doc.at("outlets").as_array();
  outlets[10].as_object()["kind"] = "product";  // the reject outlet becomes a product outlet
  outlets[1].as_object()["id"] = "O01";
  doc.at("devices").as_array()[1].as_object()["unit_id"] = 1;
  std::string e = errors_of(doc);
  CHECK(e.find("outlets: need exactly one reject outlet, found 0") != std::string::npos);
  CHECK(e.find("outlets[1].id: duplicate id \"O01\"") != std::string::npos);
  CHECK(e.find("devices[1].unit_id: another device on link \"sim\" already uses unit id 1") !=
        std::string::npos);
}

TEST_CASE("missing files and register maps lacking points are reported", "[unit][config]") {
  auto doc = default_doc();
  doc.at("grading").as_object()["standard"] = "grading/nope.json";
  doc.at("devices").as_array()[2].as_object()["register_map"] = "devices/sim-vfd.json";
  std::string e = errors_of(doc);
  CHECK(e.find("nope.json: cannot open file") != std::string::npos);
  CHECK(e.find("devices[2].register_map:") != std::string::npos);
  CHECK(e.find("lacks point \"air_temp_c\" that a cold_room needs") != std::string::npos);
  CHECK(load_config("/nonexistent/coldsort.json").errors.joined().find("config file not found") !=
        std::string::npos);
}

TEST_CASE("the config must be an object with valid JSON", "[unit][config]") {
  CHECK(load_config_text("[1,2]", ".").errors.joined().find("<root>: expected an object") !=
        std::string::npos);
  CHECK(load_config_text("{\"line\": ", ".").errors.joined().find("invalid JSON at line 1") !=
        std::string::npos);
}

TEST_CASE("camera sources, calibration and doubt handling are read and checked", "[unit][config]") {
  auto good = default_doc();
  auto& cam = good.at("camera").as_object();
  cam["views_per_fruit"] = 4;
  cam["lens"] = boost::json::object{{"camera_matrix", {700, 0, 320, 0, 700, 240, 0, 0, 1}},
                                    {"distortion", {-0.2, 0.05, 0, 0, 0}},
                                    {"image_width_px", 640},
                                    {"image_height_px", 480}};
  cam["weight_model"] = boost::json::object{{"g_per_cm3", 0.95}, {"offset_g", 4}, {"samples", 12}};
  good.at("grading").as_object()["doubtful"] = "reject";
  LoadedConfig loaded = load_config_text(boost::json::serialize(good), COLDSORT_CONFIG_DIR);
  INFO(loaded.errors.joined());
  REQUIRE(loaded.config);
  CHECK(loaded.config->camera.views_per_fruit == 4);
  CHECK(loaded.config->camera.lens.present);
  CHECK(loaded.config->camera.lens.camera_matrix.size() == 9);
  CHECK(loaded.config->camera.weight.g_per_cm3 == 0.95);
  CHECK(loaded.config->doubtful_to_reject);

  auto bad = default_doc();
  auto& c = bad.at("camera").as_object();
  c["source"] = "video";  // without a uri
  c["lens"] = boost::json::object{{"camera_matrix", {1, 2, 3}},
                                  {"distortion", {0.1, "x", 0.2}},
                                  {"image_width_px", 640},
                                  {"image_height_px", 480}};
  bad.at("grading").as_object()["doubtful"] = "sometimes";
  std::string e = errors_of(bad);
  CHECK(e.find("camera.uri: required when source is \"video\"") != std::string::npos);
  CHECK(e.find("camera.lens.camera_matrix: must hold 9 numbers") != std::string::npos);
  CHECK(e.find("camera.lens.distortion[1]: expected a finite number, got a string") != std::string::npos);
  CHECK(e.find("grading.doubtful") != std::string::npos);
}

TEST_CASE("fail-safe and link settings that cannot work are refused with their paths",
          "[unit][config]") {
  auto doc = default_doc();
  doc.at("line").as_object()["watchdog_ms"] = 1000;
  doc.at("line").as_object()["heartbeat_period_ms"] = 600;  // two beats must fit the watchdog
  doc.at("links").as_array()[0].as_object()["reconnect_min_ms"] = 2000;
  doc.at("links").as_array()[0].as_object()["reconnect_max_ms"] = 500;
  doc.at("outlets").as_array()[0].as_object()["devices"] = boost::json::array{"no-such-drive"};
  const std::string e = errors_of(doc);
  CHECK(e.find("line.heartbeat_period_ms: must be at most half of watchdog_ms (1000)") != std::string::npos);
  CHECK(e.find("links[0].reconnect_max_ms: must not be below reconnect_min_ms") != std::string::npos);
  CHECK(e.find("outlets[0].devices: unknown device \"no-such-drive\" (known: sorter,") != std::string::npos);
}

TEST_CASE("a register map's command words and vendor exception codes are read and checked",
          "[unit][config]") {
  ConfigErrors errors;
  auto doc = parse_json_text(R"({"model": "m", "points": [],
      "commands": {"run": 1, "stop": 70000},
      "exception_codes": {"8": "cannot change while running", "x": "?", "200": "?"}})",
                             "map.json", errors);
  REQUIRE(doc);
  ObjectReader reader(*doc, "map.json", errors);
  RegisterMap map = read_register_map(reader);
  CHECK(map.command("run") == 1);
  CHECK_FALSE(map.command("jog"));
  CHECK(map.exception_codes.at(8) == "cannot change while running");
  const std::string e = errors.joined();
  CHECK(e.find("map.json.commands.stop") != std::string::npos);
  CHECK(e.find("map.json.exception_codes.x: an exception code must be a number 1..127") != std::string::npos);
  CHECK(e.find("map.json.exception_codes.200") != std::string::npos);
}
