// coldsort check-config FILE
#include <iostream>

#include "coldsort/core/config.hpp"
#include "commands.hpp"

namespace coldsort::cli {

int run_check_config(const Args& args) {
  if (args.size() != 1) {
    std::cerr << "usage: coldsort check-config FILE\n";
    return 2;
  }
  const std::string& file = args[0];
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

}  // namespace coldsort::cli
