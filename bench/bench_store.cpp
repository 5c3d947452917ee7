// bench_store: the throughput log's figures for the store issue (docs/store-benchmarks.md),
// measured in one run on this machine:
//  - ingest: fruit rows/s through the LogStore (its writer thread, rollups included) at the
//    controller's batch settings and at a bulk batch, against a bare prepared INSERT of the
//    same rows into the same table without rollups (the baseline, same run); the cost of one
//    append_fruit on the controller's thread; CPU seconds per million fruit;
//  - reports on a seeded season (`coldsort db seed --season`): each timed report from the
//    rollups and the same report from the raw rows, their ratio, and whether they agree;
//  - database bytes per fruit, and the share of each table.
// Usage: bench_store [--fruit N] [--db SEASON.db] [--runs K]
//   --fruit: how many fruit the ingest runs write (default 1,000,000; 0: no ingest)
//   --db: a seeded season to time the reports on (no --db: ingest only)
#include <sys/resource.h>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "bench_store_parts.hpp"
#include "coldsort/store/log_store.hpp"

namespace bench = coldsort::bench;
namespace store = coldsort::store;
namespace fs = std::filesystem;

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

struct IngestFigures {
  double rows_per_s = 0;
  double append_ns = 0;       // on the caller's thread, per fruit
  double cpu_s_per_mfruit = 0;  // both threads
  std::uint64_t dropped = 0;
};

// The controller's path: append_fruit on one thread, the store's writer commits.
IngestFigures ingest_through_store(const fs::path& file, std::int64_t fruit, int batch_rows,
                                   int batch_ms) {
  store::StoreOptions options;
  options.batch_rows = batch_rows;
  options.batch_ms = batch_ms;
  options.max_queued = static_cast<int>(fruit + 1);  // measure the writer, not the queue cap
  auto opened = store::open_sqlite_store(file.string(), options);
  if (!opened) throw std::runtime_error("cannot open " + file.string());
  auto& log = *opened;
  const double cpu0 = cpu_seconds();
  const auto t0 = bench::Clock::now();
  for (std::int64_t i = 0; i < fruit; ++i) log->append_fruit(bench::season_like_fruit(i));
  const double append_ms = bench::ms_since(t0);
  log->flush();
  const double total_ms = bench::ms_since(t0);
  IngestFigures f;
  f.rows_per_s = static_cast<double>(fruit) / (total_ms / 1000);
  // Generating the fruit is part of the loop; bench::fruit_generation_ns takes it out.
  f.append_ns = append_ms * 1e6 / static_cast<double>(fruit) - bench::fruit_generation_ns();
  f.cpu_s_per_mfruit = (cpu_seconds() - cpu0) / (static_cast<double>(fruit) / 1e6);
  f.dropped = log->stats().dropped;
  return f;
}

// The baseline: the same rows into the same (migrated) fruit table with one prepared INSERT,
// 10,000 per transaction, no rollups, no queue, on this thread.
double ingest_bare_insert(const fs::path& file, std::int64_t fruit) {
  { auto opened = store::open_sqlite_store(file.string(), {}); }  // creates the schema
  sqlite3* db = nullptr;
  sqlite3_open(file.string().c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, bench::kBareFruitInsert, -1, &insert, nullptr);
  const auto t0 = bench::Clock::now();
  for (std::int64_t i = 0; i < fruit; ++i) {
    if (i % 10000 == 0) sqlite3_exec(db, i == 0 ? "BEGIN" : "COMMIT; BEGIN", nullptr, nullptr, nullptr);
    bench::bind_bare_fruit(insert, bench::season_like_fruit(i));
    sqlite3_step(insert);
    sqlite3_reset(insert);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  const double ms = bench::ms_since(t0);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return static_cast<double>(fruit) / (ms / 1000);
}

void run_ingest(std::int64_t fruit) {
  const fs::path dir = fs::temp_directory_path() / ("bench_store_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::cout << "## Ingest: " << fruit << " fruit (season-like: 8 lanes, ~24 fruit/s, lots in turn)\n\n";
  const double bare = ingest_bare_insert(dir / "bare.db", fruit);
  std::cout << "| path | fruit rows/s | vs bare INSERT | append on caller | CPU s / M fruit | dropped |\n"
               "|---|---|---|---|---|---|\n";
  std::cout << "| bare prepared INSERT, 10,000/txn, no rollups (baseline) | " << std::fixed
            << std::setprecision(0) << bare << " | 1.00 | - | - | 0 |\n";
  const std::pair<int, int> settings[] = {{500, 250}, {10000, 1000}};
  for (auto [rows, ms] : settings) {
    const fs::path file = dir / ("store_" + std::to_string(rows) + ".db");
    const IngestFigures f = ingest_through_store(file, fruit, rows, ms);
    std::cout << "| LogStore, batch " << rows << " rows / " << ms << " ms, with rollups | "
              << std::setprecision(0) << f.rows_per_s << " | " << std::setprecision(2)
              << f.rows_per_s / bare << " | " << std::setprecision(0) << f.append_ns << " ns | "
              << std::setprecision(2) << f.cpu_s_per_mfruit << " | " << f.dropped << " |\n";
  }
  std::cout << "\n";
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t fruit = 1'000'000;
  std::string season_db;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--fruit") fruit = std::stoll(argv[i + 1]);
    else if (flag == "--db") season_db = argv[i + 1];
    else if (flag == "--runs") runs = std::stoi(argv[i + 1]);
    else {
      std::cerr << "usage: bench_store [--fruit N] [--db SEASON.db] [--runs K]\n";
      return 2;
    }
  }
  coldsort::core::log::set_level(coldsort::core::log::Level::warn);
  std::cout << "# bench_store\n\n";
  if (fruit > 0) run_ingest(fruit);  // --fruit 0: the reports only
  if (!season_db.empty()) return bench::run_season_reports(season_db, runs);
  return 0;
}
