// coldsort db backup | db check: an online copy of the log while the line writes, and the
// full integrity check (coldsort/store/maintenance.hpp).
#include <filesystem>
#include <iostream>

#include "coldsort/store/maintenance.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "progress_bar.hpp"

namespace coldsort::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kBackupUsage =
    "usage: coldsort db backup --db FILE --out FILE\n"
    "  Copies the database (a consistent snapshot of everything committed when it starts)\n"
    "  while coldsortd keeps writing; FILE must not exist yet.\n";
constexpr const char* kCheckUsage =
    "usage: coldsort db check --db FILE\n"
    "  Runs SQLite's full integrity check; prints ok (exit 0) or the problems (exit 1).\n";

// The bar counts per mille: backup_database reports a fraction.
constexpr std::size_t kSteps = 1000;

}  // namespace

int run_db_backup(const Args& args) {
  std::string db;
  std::string out;
  bool help = false;
  po::options_description options("options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "db", po::value(&db), "database to copy")("out", po::value(&out), "the copy (a new file)");
  std::vector<std::string> words;
  if (auto done = read_arguments(args, options, words, "coldsort db backup", kBackupUsage)) return *done;
  if (!words.empty() || db.empty() || out.empty()) {
    std::cerr << "coldsort db backup: --db FILE and --out FILE are required (and nothing else)\n"
              << kBackupUsage;
    return 2;
  }
  std::error_code ec;
  if (std::filesystem::exists(out, ec)) {
    std::cerr << "coldsort db backup: " << out << " exists; the copy goes to a new file\n";
    return 2;
  }
  ProgressBar bar(kSteps, "backup");
  auto copied = store::backup_database(db, out, [&bar](double fraction) {
    bar.update(static_cast<std::size_t>(fraction * kSteps));
  });
  bar.finish();
  if (!copied) {
    std::cerr << "coldsort db backup: cannot copy " << db << " to " << out << ": "
              << copied.error().message() << "\n";
    return copied.error() == core::errc::config_invalid ? 2 : 1;
  }
  std::cout << "backed up " << db << " to " << out << " (" << copied->bytes << " bytes in "
            << format_duration(copied->elapsed_s) << ")\n";
  return 0;
}

int run_db_check(const Args& args) {
  std::string db;
  bool help = false;
  po::options_description options("options");
  options.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "db", po::value(&db), "database to check");
  std::vector<std::string> words;
  if (auto done = read_arguments(args, options, words, "coldsort db check", kCheckUsage)) return *done;
  if (!words.empty() || db.empty()) {
    std::cerr << "coldsort db check: --db FILE is required (and nothing else)\n" << kCheckUsage;
    return 2;
  }
  auto problems = store::check_database(db);
  if (!problems) {
    std::cerr << "coldsort db check: cannot check " << db << ": " << problems.error().message()
              << "\n";
    return 1;
  }
  if (problems->empty()) {
    std::cout << "ok\n";
    return 0;
  }
  for (const std::string& p : *problems) std::cout << p << "\n";
  std::cout << db << ": " << problems->size() << " problem(s) found\n";
  return 1;
}

}  // namespace coldsort::cli
