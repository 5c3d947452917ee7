#pragma once
// Reading a command's arguments: its named options, and the other words (files, folders).
#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"

namespace coldsort::cli {

// Parses `args` against `options` (which must hold "help,h" as a bool_switch) and puts every
// other word into `words`. On --help prints `usage` and the options. Returns the exit code
// when the command ends here (0 after --help, 2 after a bad argument, named on stderr
// after `command`), nullopt to go on.
std::optional<int> read_arguments(const Args& args,
                                      const boost::program_options::options_description& options,
                                      std::vector<std::string>& words, std::string_view command,
                                      std::string_view usage);

}  // namespace coldsort::cli
