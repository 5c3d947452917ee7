// coldsort db count --db FILE
#include <iostream>

#include "coldsort/store/log_reader.hpp"
#include "commands.hpp"

namespace coldsort::cli {

int run_db(const Args& args) {
  if (args.size() != 3 || args[0] != "count" || args[1] != "--db") {
    std::cerr << "usage: coldsort db count --db FILE\n";
    return 2;
  }
  const std::string& file = args[2];
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

}  // namespace coldsort::cli
