// STUB: replaced by a helper
#include <iostream>
#include "commands.hpp"
namespace coldsort::cli {
int run_report(const Args&) { std::cerr << "not yet\n"; return 1; }
}  // namespace coldsort::cli
