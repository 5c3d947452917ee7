// coldsort: the command-line tool. `coldsort check-config FILE` validates a line config.
#include <iostream>
#include <string>

#include "coldsort/core/config.hpp"
#include "coldsort/store/log_reader.hpp"

using namespace coldsort;

namespace {

constexpr const char* kUsage =
    "usage: coldsort check-config FILE     validate a line config (exit 0 valid, 2 invalid)\n"
    "       coldsort db count --db FILE    number of fruit recorded in a database\n";

int check_config(const std::string& file) {
  core::LoadedConfig loaded = core::load_config(file);
  if (!loaded.config) {
    std::cerr << file << ": " << loaded.errors.list().size() << " error(s)\n"
              << loaded.errors.joined();
    return 2;
  }
  const core::Config& c = *loaded.config;
  std::cout << file << ": valid (" << c.line.lanes << " lanes, " << c.outlets.size()
            << " outlets, " << c.stations.size() << " stations, " << c.cold_rooms.size()
            << " cold rooms, " << c.devices.size() << " devices, grading " << c.grading.id
            << ")\n";
  return 0;
}

int db_count(const std::string& file) {
  auto reader = store::LogReader::open(file);
  if (!reader) {
    std::cerr << "coldsort: cannot open " << file << ": " << reader.error().message() << "\n";
    return 1;
  }
  auto n = reader->count_fruit();
  if (!n) {
    std::cerr << "coldsort: " << file << ": " << n.error().message() << "\n";
    return 1;
  }
  std::cout << *n << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "check-config" && argc == 3) return check_config(argv[2]);
  if (cmd == "db" && argc == 5 && std::string(argv[2]) == "count" && std::string(argv[3]) == "--db")
    return db_count(argv[4]);
  if (cmd == "--help" || cmd == "-h") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}
