// Placeholder until this command lands (vision issue, in progress).
#include <iostream>

#include "commands.hpp"

namespace coldsort::cli {

int run_synth(const Args&) {
  std::cerr << "coldsort: this command is not built yet\n";
  return 2;
}

}  // namespace coldsort::cli
