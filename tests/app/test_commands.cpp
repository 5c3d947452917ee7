// The commands as a user runs them: exit codes and the one clear line for each bad input.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "run_command.hpp"
#include "temp_dir.hpp"

namespace {

using Run = coldsort::test::CommandRun;

Run run(const std::string& command) { return coldsort::test::run_command(command); }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kDefault = std::string(COLDSORT_CONFIG_DIR) + "/default.json";

// Writes a copy of the default config, changed by `edit`, into `dir`, with the paths it
// refers to made absolute so that they still resolve from there.
std::string broken_copy(const coldsort::test::TempDir& dir, void (*edit)(boost::json::object&)) {
  auto doc = boost::json::parse(read_file(kDefault));
  auto& c = doc.as_object();
  const std::string base = std::string(COLDSORT_CONFIG_DIR) + "/";
  auto& standard = c["grading"].as_object()["standard"];
  standard = base + std::string(standard.as_string());
  for (auto& device : c["devices"].as_array()) {
    auto& map = device.as_object()["register_map"];
    map = base + std::string(map.as_string());
  }
  edit(c);
  std::string path = (dir / "broken.json").string();
  std::ofstream(path) << boost::json::serialize(doc);
  return path;
}

}  // namespace

TEST_CASE("check-config accepts the default config", "[integration][cli]") {
  Run r = run(std::string(COLDSORT_CLI) + " check-config " + kDefault);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("valid (4 lanes, 12 outlets") != std::string::npos);
}

TEST_CASE("check-config lists every broken path and exits 2", "[integration][cli]") {
  coldsort::test::TempDir dir;
  std::string file = broken_copy(dir, [](boost::json::object& c) {
    c["outlets"].as_array()[5].as_object()["products"] = boost::json::array{"XL"};
    c["line"].as_object()["lanes"] = "four";
    c["cold_rooms"].as_array()[0].as_object()["device"] = "cold-nowhere";
  });
  Run r = run(std::string(COLDSORT_CLI) + " check-config " + file);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("outlets[5].products[0]: unknown product \"XL\"") != std::string::npos);
  CHECK(r.output.find("line.lanes: expected an integer, got a string") != std::string::npos);
  CHECK(r.output.find("cold_rooms[0].device: unknown cold-room device \"cold-nowhere\"") !=
        std::string::npos);
}

TEST_CASE("coldsortd refuses an invalid or missing config with the same messages",
          "[integration][cli]") {
  coldsort::test::TempDir dir;
  std::string file = broken_copy(dir, [](boost::json::object& c) { c["hmi"].as_object()["port"] = -3; });
  Run r = run(std::string(COLDSORTD) + " --config " + file + " --db " + (dir / "c.db").string());
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("hmi.port: must be an integer between 0 and 65535, got -3") != std::string::npos);
  Run missing = run(std::string(COLDSORTD) + " --config " + (dir / "none.json").string());
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("none.json: config file not found") != std::string::npos);
}

TEST_CASE("coldsortd stops with one line on an unwritable data folder", "[integration][cli]") {
  coldsort::test::TempDir dir;
  std::ofstream(dir / "afile") << "x";  // a file where the data folder should be
  Run r = run(std::string(COLDSORTD) + " --config " + kDefault + " --db " +
              (dir / "afile" / "coldsort.db").string());
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("coldsortd: cannot create data folder") != std::string::npos);
}

TEST_CASE("coldsortd stops with one line when the HMI port is taken", "[integration][cli]") {
  coldsort::test::TempDir dir;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int port = ntohs(addr.sin_port);
  Run r = run(std::string(COLDSORTD) + " --config " + kDefault + " --db " +
              (dir / "c.db").string() + " --http-port " + std::to_string(port));
  ::close(fd);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("cannot serve the HMI on 127.0.0.1:" + std::to_string(port)) !=
        std::string::npos);
}
