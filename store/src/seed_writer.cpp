// seed_database: runs the generator parts day by day and writes each day, in time order,
// through the store's TableWriter in large batches (no queue, nothing dropped), so the
// rollups are built by the same code as on a live line. Memory holds one day at a time.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <variant>

#include "coldsort/core/log.hpp"
#include "coldsort/store/season_seed.hpp"
#include "schema.hpp"
#include "seed_calendar.hpp"
#include "seed_cold.hpp"
#include "seed_fruit.hpp"
#include "seed_packing.hpp"
#include "table_writer.hpp"

namespace coldsort::store {
namespace {

constexpr std::string_view kLog = "store.seed";
// Rows per transaction: large batches amortise the commit; 20,000 records (~10 MB) keep
// memory small next to a day's records.
constexpr std::size_t kBatchRows = 20000;
// The line's belt carries at most 8 cups/s per lane for 16 h (config/default.json).
constexpr std::int64_t kLaneCupsPerDay = 8LL * 16 * 3600;
// A packer packs at most ~300 boxes a day (1-2 min each plus fetching, over a long day).
constexpr std::int64_t kPackerBoxesPerDay = 300;

// The table each Record alternative lands in (in the order of detail::Record).
constexpr std::array<const char*, 11> kTables{
    "fruit",  "alarm_event", "sensor_sample", "alarm_event", "cold_excursion", "plan",
    "box",    "order_event", "lot",           "operator_action", "cold_room_band"};
static_assert(std::variant_size_v<detail::Record> == kTables.size());

class BatchWriter {
 public:
  BatchWriter(detail::TableWriter& writer, const std::string& path, SeedSummary& summary)
      : writer_(writer), path_(path), summary_(summary) {
    batch_.reserve(kBatchRows);
  }
  // Queues one record; commits when the batch is full.
  core::Result<void> add(detail::Record&& record) {
    count(record);
    batch_.push_back(std::move(record));
    return batch_.size() < kBatchRows ? core::Result<void>{} : flush();
  }
  std::int64_t commits() const { return commits_; }
  core::Result<void> flush() {
    if (batch_.empty()) return {};
    detail::SqlError e;
    if (auto r = writer_.commit(batch_, &e); !r) {
      core::log::error(kLog, "cannot write '" + path_ + "': " + e.message);
      return r;
    }
    batch_.clear();
    ++commits_;
    return {};
  }

 private:
  void count(const detail::Record& record) {
    ++summary_.rows[kTables[record.index()]];
    if (const auto* order = std::get_if<core::OrderUpdate>(&record);
        order != nullptr && order->status == core::OrderStatus::open)
      ++summary_.rows["customer_order"];
  }
  detail::TableWriter& writer_;
  const std::string& path_;
  SeedSummary& summary_;
  std::vector<detail::Record> batch_;
  std::int64_t commits_ = 0;
};

// Writes the day's records with t_ms < end_ms in time order (ties in generation order);
// later ones (a shipment tomorrow, an acknowledgement after midnight) stay in `pending`.
core::Result<void> write_day(detail::DayRecords& records, std::int64_t end_ms,
                             detail::DayRecords& pending, BatchWriter& out,
                             const std::function<void(double)>& progress_in_day) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].t_ms < end_ms) {
      order.push_back(i);
    } else {
      pending.push_back(std::move(records[i]));
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return records[a].t_ms < records[b].t_ms; });
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::int64_t commits = out.commits();
    if (auto r = out.add(std::move(records[order[k]].record)); !r) return r;
    if (out.commits() != commits && progress_in_day)
      progress_in_day(static_cast<double>(k + 1) / static_cast<double>(order.size()));
  }
  return {};
}

}  // namespace

SeedOptions season_preset() {
  SeedOptions o;
  o.days = 120;
  o.fruit = 10'000'000;
  o.parcels = 1'000'000;
  o.workers = 150;
  o.packers = 110;
  o.lots = 300;
  o.rooms = 10;
  o.lanes = 8;
  o.room_events = 3;  // a few real excursions per room in a season
  o.start_date = "2025-08-01";
  return o;
}

SeedOptions day_preset() { return SeedOptions{}; }

std::string check_seed_options(const SeedOptions& o) {
  auto outside = [](std::int64_t v, std::int64_t lo, std::int64_t hi) { return v < lo || v > hi; };
  if (outside(o.days, 1, 3660)) return "days must be 1..3660";
  if (o.fruit < 0 || o.parcels < 0) return "fruit and parcels must not be negative";
  if (outside(o.lots, 1, std::max<std::int64_t>(1, o.fruit))) return "lots must be 1..fruit";
  if (outside(o.packers, 1, 100000)) return "packers must be at least 1";
  if (o.workers < o.packers + 2) return "workers must be at least packers + 2 (two line operators)";
  if (outside(o.rooms, 1, 99)) return "rooms must be 1..99";
  if (outside(o.lanes, 1, 16)) return "lanes must be 1..16";
  if (outside(o.room_events, 0, 100)) return "room_events must be 0..100";
  if (outside(o.utc_offset_min, -720, 840)) return "utc_offset_min must be -720..840";
  if (!detail::local_midnight_ms(o.start_date, o.utc_offset_min))
    return "start date '" + o.start_date + "' is not a valid YYYY-MM-DD";
  // The busiest day must fit the line and the packing floor.
  const detail::SeasonCalendar calendar = detail::make_calendar(o, 0);
  const std::int64_t peak_fruit = *std::max_element(calendar.fruit_per_day.begin(), calendar.fruit_per_day.end());
  const std::int64_t peak_parcels =
      *std::max_element(calendar.parcels_per_day.begin(), calendar.parcels_per_day.end());
  if (peak_fruit > o.lanes * kLaneCupsPerDay)
    return std::to_string(peak_fruit) + " fruit on the busiest day is more than " +
           std::to_string(o.lanes) + " lanes carry in 16 h";
  if (peak_parcels > o.packers * kPackerBoxesPerDay)
    return std::to_string(peak_parcels) + " parcels on the busiest day is more than " +
           std::to_string(o.packers) + " packers pack in a day";
  return {};
}

core::Result<SeedSummary> seed_database(const std::string& path, const SeedOptions& o) {
  if (std::string bad = check_seed_options(o); !bad.empty()) {
    core::log::error(kLog, "seed options: " + bad);
    return core::make_error_code(core::errc::config_invalid);
  }
  std::error_code fs_error;
  if (std::filesystem::exists(path, fs_error) || fs_error) {
    core::log::error(kLog, "'" + path + "' already exists; the generator only fills a new database");
    return core::make_error_code(core::errc::config_invalid);
  }
  const auto started = std::chrono::steady_clock::now();
  auto db = detail::open_database(path, detail::OpenMode::writer);
  if (!db) return db.error();
  if (auto r = detail::migrate(*db, path); !r) return r.error();
  // A bigger page cache (64 MB) keeps the rollups' and indexes' hot pages in memory.
  db->exec("PRAGMA cache_size = -65536");
  detail::SqlError e;
  auto writer = detail::TableWriter::create(std::move(*db), &e);
  if (!writer) {
    core::log::error(kLog, "cannot prepare inserts for '" + path + "': " + e.message);
    return writer.error();
  }

  const detail::SeasonCalendar calendar =
      detail::make_calendar(o, *detail::local_midnight_ms(o.start_date, o.utc_offset_min));
  detail::ColdSeeder cold(o, calendar);
  const std::vector<detail::LotPlan> lots = detail::plan_lots(o, calendar, cold.raw_rooms());
  detail::FruitSeeder fruit(o, calendar, lots);
  detail::PackingSeeder packing(o, calendar);

  SeedSummary summary;
  BatchWriter out(*writer, path, summary);
  detail::DayRecords pending;
  cold.add_bands(pending);
  for (const detail::LotPlan& lot : lots)
    pending.push_back({core::to_unix_ms(lot.lot.intake_at), lot.lot});
  for (int day = 0; day < o.days; ++day) {
    detail::DayRecords records = std::move(pending);
    pending.clear();
    const std::vector<detail::LotRun> runs = fruit.generate_day(day, records);
    packing.generate_day(day, runs, records);
    cold.generate_day(day, records);
    const bool last = day + 1 == o.days;
    auto in_day = [&](double f) {
      if (o.progress) o.progress((day + f) / o.days);
    };
    const std::int64_t end_ms = last ? INT64_MAX : calendar.day_start_ms(day + 1);
    if (auto r = write_day(records, end_ms, pending, out, in_day); !r) return r.error();
  }
  if (auto r = out.flush(); !r) return r.error();
  // Fold the WAL into the file so the database is one self-contained file to copy.
  writer->connection().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  if (o.progress) o.progress(1.0);

  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& [table, n] : summary.rows)
    if (table != "customer_order") summary.total_rows += n;
  summary.rows_per_s = summary.seconds > 0 ? static_cast<double>(summary.total_rows) / summary.seconds : 0;
  return summary;
}

}  // namespace coldsort::store
