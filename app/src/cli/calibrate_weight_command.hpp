#pragma once
// coldsort calibrate weight SAMPLES.csv [--px-per-mm X] [--config FILE [--write]]
#include "commands.hpp"

namespace coldsort::cli {

int run_calibrate_weight(const Args& args);

}  // namespace coldsort::cli
