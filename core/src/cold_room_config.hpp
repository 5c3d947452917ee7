#pragma once
// Reading the "cold_rooms" section of the line config (called by load_config_text).
#include "coldsort/core/config.hpp"
#include "coldsort/core/json_reader.hpp"

namespace coldsort::core {

// Reads and validates `cold_rooms` into `c.cold_rooms`; `c.devices` must be read before,
// since rooms name their devices and probe points. Errors name their JSON paths.
void read_cold_rooms(ObjectReader& root, Config& c);

}  // namespace coldsort::core
