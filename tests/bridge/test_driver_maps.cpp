// The register maps in config/devices/ (simulated and real-vendor) load and satisfy their
// drivers; the map format's status codes and named bits parse and are validated.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "coldsort/bridge/cold_room.hpp"
#include "coldsort/bridge/scale.hpp"
#include "coldsort/bridge/th_sensor.hpp"
#include "coldsort/bridge/vfd.hpp"
#include "driver_fixtures.hpp"

using namespace coldsort;

namespace {

std::vector<std::string> map_files() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(test::devices_dir()))
    if (entry.path().extension() == ".json") names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The driver a map is written for, told by the points only that driver needs.
void construct_driver_for(const core::DeviceConfig& d) {
  if (d.map.find("outlet_table") != nullptr) return;  // the sorter PLC: SorterPlc, tested elsewhere
  if (d.map.find("frequency_hz") != nullptr) {
    bridge::Vfd vfd(d);
  } else if (d.map.find("air_temp_c") != nullptr) {
    bridge::ColdRoom room(d);
  } else if (d.map.find("temp_c") != nullptr) {
    bridge::ThSensor sensor(d);
  } else if (d.map.find("weight_g") != nullptr) {
    bridge::Scale scale(d);
  } else {
    FAIL("no driver reads map " << d.map.file);
  }
}

std::string read_text(const std::string& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("every register map in config/devices loads and satisfies its driver", "[unit]") {
  const auto files = map_files();
  REQUIRE(files.size() >= 7);  // four simulated, at least three real families
  for (const std::string& file : files) {
    INFO(file);
    const auto device = test::device_from_file(file, file);
    CHECK_FALSE(device.map.points.empty());
    CHECK_NOTHROW(construct_driver_for(device));
  }
}

TEST_CASE("the real-vendor maps hold the documented addresses and codes", "[unit]") {
  SECTION("INVT GD20") {
    const auto d = test::device_from_file("invt-gd20-vfd.json");
    CHECK(d.map.find("run_command")->address == 0x2000);
    CHECK(d.map.find("frequency_setpoint_hz")->address == 0x2001);
    CHECK(d.map.find("frequency_setpoint_hz")->scale == 0.01);
    CHECK(d.map.find("status_word")->address == 0x2100);
    CHECK(d.map.find("fault_code")->address == 0x2102);
    CHECK(d.map.find("frequency_hz")->address == 0x3000);
    CHECK(d.map.command("run") == 1);
    CHECK(d.map.command("stop") == 5);
    CHECK(d.map.command("reset_fault") == 7);
    for (int code : {5, 6, 7, 8, 9}) CHECK(d.map.exception_codes.contains(code));
    CHECK(d.map.has_status_code("running", 1));
    CHECK(d.map.has_status_code("running", 2));
    CHECK(d.map.has_status_code("fault", 4));
    CHECK_FALSE(d.map.has_status_code("running", 3));
  }
  SECTION("Dixell XR style") {
    const auto d = test::device_from_file("dixell-xr-cold-room.json");
    CHECK(d.map.find("air_temp_c")->type == core::ValueType::s16);
    CHECK(d.map.find("air_temp_c")->scale == 0.1);
    CHECK(d.map.bits.at("alarm_bits").at(11) == "door open or liquid level alarm");
    CHECK(d.map.find("door_open") == nullptr);  // not published: see docs/devices.md
  }
  SECTION("SHT20 transmitter") {
    const auto d = test::device_from_file("sht20-th-sensor.json");
    CHECK(d.map.find("temp_c")->table == core::RegisterTable::input_register);
    CHECK(d.map.find("temp_c")->address == 1);
    CHECK(d.map.find("humidity_pct")->address == 2);
  }
}

TEST_CASE("the default line config loads with real-vendor maps in place of the simulated ones",
          "[unit]") {
  std::string text = read_text(COLDSORT_CONFIG_DIR "/default.json");
  auto swap = [&text](const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  };
  swap("devices/sim-vfd.json", "devices/invt-gd20-vfd.json");
  swap("devices/sim-cold-room.json", "devices/dixell-xr-cold-room.json");
  // The Dixell map has no humidity probe, so a room on it names none.
  swap(R"("humidity": "humidity_pct",)", "");
  swap("devices/sim-th-sensor.json", "devices/sht20-th-sensor.json");
  const auto loaded = core::load_config_text(text, COLDSORT_CONFIG_DIR, "default-real.json");
  INFO(loaded.errors.joined());
  REQUIRE(loaded.config);
  CHECK(loaded.config->first_device(core::DeviceKind::vfd)->map.model == "invt-gd20");
  CHECK(loaded.config->first_device(core::DeviceKind::cold_room)->map.model == "dixell-xr-style");
}

TEST_CASE("status codes and bit names parse from a map", "[unit]") {
  const auto d = test::device_from_json(R"({ "model": "m",
    "status_codes": { "running": [1, 2], "fault": [4] },
    "bits": { "word": ["a", "", "c"], "wide": ["w0"] },
    "points": [
      { "name": "word", "table": "input_register", "address": 0 },
      { "name": "wide", "table": "input_register", "address": 1, "type": "u32" }]})");
  CHECK(d.map.status_codes.at("running") == std::vector<std::uint16_t>{1, 2});
  CHECK(d.map.has_status_code("fault", 4));
  CHECK_FALSE(d.map.has_status_code("fault", 1));
  CHECK_FALSE(d.map.has_status_code("unknown", 1));
  auto c = d.map.find_bit("c");
  REQUIRE(c);
  CHECK(c->point->name == "word");
  CHECK(c->bit == 2);
  CHECK(d.map.find_bit("w0")->point->name == "wide");
  CHECK_FALSE(d.map.find_bit(""));
  CHECK_FALSE(d.map.find_bit("b"));
}

TEST_CASE("bad status codes and bit names are config errors naming their path", "[unit]") {
  auto errors = [](const std::string& extra, const std::string& points = "") {
    return test::map_errors(R"({ "model": "m", )" + extra + R"(, "points": [
      { "name": "word", "table": "input_register", "address": 0 },
      { "name": "temp", "table": "input_register", "address": 1, "type": "s16", "scale": 0.1 })" +
                            points + "]}");
  };
  CHECK(errors(R"("status_codes": { "running": [1] }, "bits": { "word": ["x"] })").empty());
  CHECK_THAT(errors(R"("status_codes": { "running": [70000] })"),
             Catch::Contains("map.status_codes.running") && Catch::Contains("0..65535"));
  CHECK_THAT(errors(R"("status_codes": { "running": [1.5] })"), Catch::Contains("integers"));
  CHECK_THAT(errors(R"("status_codes": { "running": [1], "fault": [1] })"),
             Catch::Contains("already \"running\""));
  CHECK_THAT(errors(R"("bits": { "nothing": ["x"] })"),
             Catch::Contains("map.bits.nothing") && Catch::Contains("does not have"));
  CHECK_THAT(errors(R"("bits": { "temp": ["x"] })"), Catch::Contains("unscaled u16 or u32"));
  CHECK_THAT(
      errors(
          R"("bits": { "word": ["0","1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16"] })"),
      Catch::Contains("more bits than the point has"));
  CHECK_THAT(errors(R"("bits": { "word": ["x", "x"] })"), Catch::Contains("used twice"));
  CHECK_THAT(errors(R"("bits": { "word": ["temp"] })"), Catch::Contains("also a point name"));
  CHECK_THAT(errors(R"("bits": { "word": [3] })"), Catch::Contains("map.bits.word"));
}
