// coldsort db seed --db FILE (--season | --day) [--seed N] [--days N] [--fruit N]
// [--parcels N] [--start YYYY-MM-DD]: fills a NEW database with a generated packhouse season
// (or one day) for benchmarks, demos and report checks, then prints what it wrote.
#include <boost/program_options.hpp>

#include <cstdint>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>

#include "coldsort/store/season_seed.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "progress_bar.hpp"

namespace coldsort::cli {
namespace po = boost::program_options;

namespace {

const char* kUsage =
    "usage: coldsort db seed --db FILE (--season | --day) [--seed N] [--days N] [--fruit N]\n"
    "                        [--parcels N] [--start YYYY-MM-DD]\n"
    "Fills a new database with a generated Huili packhouse season: --season is 120 days of\n"
    "10 M fruit, 1 M parcels, 150 workers, 300 lots and 10 cold rooms (~2 GB); --day is one\n"
    "day of ~30,000 fruit and ~3,000 parcels. The same options and seed give the same data.\n"
    "An existing FILE is never touched.\n";

struct Parsed {
  std::string db, start;
  bool season = false, day = false, help = false;
  std::uint64_t seed = 1;
  std::optional<int> days;
  std::optional<std::int64_t> fruit, parcels;
};

std::optional<int> parse(const Args& args, Parsed& p) {
  po::options_description options("options");
  options.add_options()("db", po::value(&p.db), "the new database file")(
      "season", po::bool_switch(&p.season), "a whole season (120 days)")(
      "day", po::bool_switch(&p.day), "one day")("seed", po::value(&p.seed), "random seed (default 1)")(
      "days", po::value<int>()->notifier([&](int v) { p.days = v; }), "days instead of the preset's")(
      "fruit", po::value<std::int64_t>()->notifier([&](std::int64_t v) { p.fruit = v; }),
      "fruit in all")("parcels", po::value<std::int64_t>()->notifier([&](std::int64_t v) { p.parcels = v; }),
                      "parcels in all")("start", po::value(&p.start), "first local day, YYYY-MM-DD")(
      "help,h", po::bool_switch(&p.help), "this help");
  std::vector<std::string> words;
  if (auto done = read_arguments(args, options, words, "coldsort db seed", kUsage)) return done;
  if (!words.empty() || p.db.empty() || p.season == p.day) {
    std::cerr << "coldsort db seed: --db FILE and one of --season or --day are required\n" << kUsage;
    return 2;
  }
  return std::nullopt;
}

store::SeedOptions options_from(const Parsed& p) {
  store::SeedOptions o = p.season ? store::season_preset() : store::day_preset();
  o.seed = p.seed;
  if (p.days) o.days = *p.days;
  if (p.fruit) o.fruit = *p.fruit;
  if (p.parcels) o.parcels = *p.parcels;
  if (!p.start.empty()) o.start_date = p.start;
  return o;
}

void print_summary(const std::string& file, const store::SeedSummary& s) {
  std::cout << "seeded " << file << "\n";
  for (const auto& [table, rows] : s.rows)
    std::cout << "  " << std::left << std::setw(16) << table << std::right << std::setw(12) << rows << "\n";
  std::cout << "  " << std::left << std::setw(16) << "total" << std::right << std::setw(12)
            << s.total_rows << "\n"
            << std::fixed << std::setprecision(1) << "  " << s.seconds << " s, "
            << std::setprecision(0) << s.rows_per_s << " rows/s\n";
}

}  // namespace

int run_db_seed(const Args& args) {
  Parsed p;
  if (auto done = parse(args, p)) return *done;
  store::SeedOptions o = options_from(p);
  if (std::string bad = store::check_seed_options(o); !bad.empty()) {
    std::cerr << "coldsort db seed: " << bad << "\n";
    return 2;
  }
  std::error_code ec;
  if (std::filesystem::exists(p.db, ec)) {
    std::cerr << "coldsort db seed: " << p.db << " already exists; seed fills a new file only\n";
    return 2;
  }
  constexpr std::size_t kSteps = 1000;
  ProgressBar bar(kSteps, "seed");
  o.progress = [&bar](double done) { bar.update(static_cast<std::size_t>(done * kSteps)); };
  auto summary = store::seed_database(p.db, o);
  bar.finish();
  if (!summary) {
    std::cerr << "coldsort db seed: cannot seed " << p.db << ": " << summary.error().message() << "\n";
    return 1;
  }
  print_summary(p.db, *summary);
  return 0;
}

}  // namespace coldsort::cli
