// coldsort db count|seed|backup|check: one file per subcommand beyond count.
#include <iostream>

#include "coldsort/store/log_reader.hpp"
#include "commands.hpp"

namespace coldsort::cli {
namespace {

constexpr const char* kUsage =
    "usage: coldsort db count --db FILE\n"
    "       coldsort db seed --db FILE (--season | --day) [options]   (--help for them)\n"
    "       coldsort db backup --db FILE --out FILE\n"
    "       coldsort db check --db FILE\n";

int run_count(const Args& args) {
  if (args.size() != 2 || args[0] != "--db") {
    std::cerr << kUsage;
    return 2;
  }
  const std::string& file = args[1];
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

int run_db(const Args& args) {
  const std::string sub = args.empty() ? "" : args[0];
  const Args rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  if (sub == "count") return run_count(rest);
  if (sub == "seed") return run_db_seed(rest);
  if (sub == "backup") return run_db_backup(rest);
  if (sub == "check") return run_db_check(rest);
  if (sub == "--help" || sub == "-h") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}

}  // namespace coldsort::cli
