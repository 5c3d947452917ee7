#include "command_line.hpp"

#include <iostream>

namespace coldsort::cli {
namespace po = boost::program_options;

std::optional<int> read_arguments(const Args& args, const po::options_description& options,
                                      std::vector<std::string>& words, std::string_view command,
                                      std::string_view usage) {
  po::options_description all;
  all.add(options).add_options()("word", po::value(&words)->multitoken());
  po::positional_options_description positional;
  positional.add("word", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    // Before notify(): --help must work without the options a real run requires.
    if (vm.count("help") > 0 && vm["help"].as<bool>()) {
      std::cout << usage << options;
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << command << ": " << e.what() << "\n" << usage;
    return 2;
  }
  return std::nullopt;
}

}  // namespace coldsort::cli
