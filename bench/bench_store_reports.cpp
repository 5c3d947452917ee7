// The report half of bench_store: each report the issue times, from the rollups and from the
// raw rows, on a seeded season, in the same run.
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <variant>
#include <vector>

#include "bench_store_parts.hpp"
#include "coldsort/store/log_reader.hpp"
#include "coldsort/store/reports.hpp"

namespace coldsort::bench {
namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int kUtcOffsetMin = 480;

struct Case {
  std::string what;
  std::string target;  // the aim
  std::string report;
  store::ReportQuery query;
};

std::int64_t as_int(const store::SqlValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  return 0;
}

std::string as_text(const store::SqlValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return {};
}

// Local midnight (UTC+8) at or before t_ms.
std::int64_t local_midnight(std::int64_t t_ms) {
  const std::int64_t offset = kUtcOffsetMin * 60'000LL;
  return (t_ms + offset) / kDayMs * kDayMs - offset;
}

store::ReportQuery range(std::int64_t from, std::int64_t to, std::string group_by = {},
                         std::string filter = {}) {
  store::ReportQuery q;
  q.from_ms = from;
  q.to_ms = to;
  q.utc_offset_min = kUtcOffsetMin;
  q.group_by = std::move(group_by);
  q.filter = std::move(filter);
  return q;
}

struct Timing {
  double median_ms = 0;
  std::string csv;
  std::size_t rows = 0;
};

Timing time_report(const store::Reports& reports, const Case& c, store::ReportSource source,
                   int runs) {
  std::vector<double> ms;
  Timing t;
  store::ReportQuery q = c.query;
  q.source = source;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = Clock::now();
    auto table = reports.run(c.report, q);
    ms.push_back(ms_since(t0));
    if (!table) throw std::runtime_error(c.what + ": " + table.error().message());
    t.csv = store::format_report(*table, store::ReportFormat::csv);
    t.rows = table->rows.size();
  }
  std::sort(ms.begin(), ms.end());
  t.median_ms = ms[ms.size() / 2];
  return t;
}

std::vector<Case> season_cases(const store::LogReader& reader) {
  auto span = reader.query("SELECT MIN(t_ms), MAX(t_ms) FROM fruit").value();
  const std::int64_t first = as_int(span[0][0]);
  const std::int64_t last = as_int(span[0][1]) + 1;
  const std::int64_t day = local_midnight(first + (last - first) / 2);
  const std::int64_t season_from = local_midnight(first);
  const std::int64_t season_to = local_midnight(last) + kDayMs;
  auto rooms = reader.query("SELECT room FROM cold_room_band ORDER BY room LIMIT 1").value();
  const std::string room = rooms.empty() ? "" : as_text(rooms[0][0]);
  return {
      {"throughput, one day by hour", "<= 100 ms", "throughput", range(day, day + kDayMs, "hour")},
      {"throughput, one day by shift", "<= 100 ms", "throughput", range(day, day + kDayMs, "shift")},
      {"throughput, season by day", "-", "throughput", range(season_from, season_to, "day")},
      {"outturn by lot, whole season", "<= 1 s", "outturn", range(season_from, season_to)},
      {"packers, 14-day pay period", "<= 200 ms", "packers", range(day, day + 14 * kDayMs)},
      {"giveaway, 14-day pay period", "-", "giveaway", range(day, day + 14 * kDayMs)},
      {"stations, one day", "-", "stations", range(day, day + kDayMs)},
      {"cold-chain, room " + room + ", whole season", "<= 500 ms", "cold-chain",
       range(season_from, season_to, {}, room)},
      {"orders, one day by courier", "-", "orders", range(day, day + kDayMs)},
  };
}

void print_sizes(const store::LogReader& reader, const std::string& path) {
  namespace fs = std::filesystem;
  const std::int64_t fruit = as_int(reader.query("SELECT COUNT(*) FROM fruit").value()[0][0]);
  const auto bytes = static_cast<double>(fs::file_size(path));
  std::cout << "\n## Size\n\n" << std::fixed << std::setprecision(0) << "- database: " << bytes / 1e6
            << " MB for " << fruit << " fruit: " << bytes / static_cast<double>(fruit)
            << " bytes per fruit (everything in the file, divided by the fruit)\n";
  // dbstat is compiled into Debian's SQLite; without it, the breakdown is skipped.
  auto by_table = reader.query(
      "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12");
  if (!by_table) return;
  for (const auto& row : *by_table)
    std::cout << "  - " << as_text(row[0]) << ": " << std::setprecision(1)
              << static_cast<double>(as_int(row[1])) / 1e6 << " MB\n";
}

}  // namespace

int run_season_reports(const std::string& db_path, int runs) {
  auto reports = store::Reports::open(db_path);
  auto reader = store::LogReader::open(db_path);
  if (!reports || !reader) {
    std::cerr << "bench_store: cannot open " << db_path << "\n";
    return 1;
  }
  std::cout << "## Reports on " << db_path << " (median of " << runs << " runs; raw: of "
            << std::min(runs, 3) << ")\n\n"
            << "| report | aim | rollups ms | raw rows ms | raw / rollups | rows | agree |\n"
               "|---|---|---|---|---|---|---|\n";
  for (const Case& c : season_cases(*reader)) {
    const Timing fast = time_report(*reports, c, store::ReportSource::rollups, runs);
    const Timing raw = time_report(*reports, c, store::ReportSource::raw, std::min(runs, 3));
    std::cout << "| " << c.what << " | " << c.target << " | " << std::fixed << std::setprecision(1)
              << fast.median_ms << " | " << raw.median_ms << " | " << std::setprecision(1)
              << raw.median_ms / std::max(fast.median_ms, 1e-3) << "x | " << fast.rows << " | "
              << (fast.csv == raw.csv ? "yes" : "NO") << " |\n";
  }
  print_sizes(*reader, db_path);
  return 0;
}

}  // namespace coldsort::bench
