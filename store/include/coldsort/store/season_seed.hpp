#pragma once
// The season generator: fills a NEW store database with a realistic, deterministic packhouse
// season (or one day) for benchmarks, demos and the report checker. Everything is written
// through the store's own table writer, so rollups are built exactly as on a live line.
// Same options and seed -> the same table contents, byte for byte.
// Thread safety: seed_database is reentrant; each call owns its database and its generators.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "coldsort/core/error.hpp"

namespace coldsort::store {

struct SeedOptions {
  int days = 1;
  std::int64_t fruit = 30000;   // exactly this many fruit rows over the run
  std::int64_t parcels = 3000;  // exactly this many box rows over the run
  int workers = 30;             // W001..; the first `packers` of them pack
  int packers = 22;
  int lots = 3;                 // grower lots, run one after another through the season
  int rooms = 2;                // cold rooms R01..; the last max(1, rooms/5) stage parcels
  int lanes = 4;
  int room_events = 1;          // real excursions (trip, long door, over-cooling) per room
  std::string start_date = "2025-09-15";  // the first local day, YYYY-MM-DD
  int utc_offset_min = 480;               // local time = UTC + this (Huili: UTC+8)
  std::uint64_t seed = 1;
  std::function<void(double done)> progress;  // 0..1 after each batch; may be empty
};

// A Huili season: ~4,000 t in 120 days (~10 M fruit at ~400 g), 1 M parcels, 150 workers
// (110 packers), 300 grower lots, 8 raw stores and 2 parcel staging rooms, 8 lanes.
SeedOptions season_preset();
// One day for tests and demos: ~30,000 fruit, ~3,000 parcels, 30 workers, 3 lots, 2 rooms.
SeedOptions day_preset();

struct SeedSummary {
  // Table name -> rows written: every raw table, and customer_order (one row per order,
  // kept by the writer from the order_event history). Rollup tables are not counted.
  std::map<std::string, std::int64_t> rows;
  std::int64_t total_rows = 0;  // records through the writer (the raw tables' rows)
  double seconds = 0;
  double rows_per_s = 0;
};

// Writes the season into a new database at `path`. Errors: config_invalid (bad options,
// or `path` already exists: it is never overwritten or appended to), store_io (cannot
// create or write; the message is logged).
core::Result<SeedSummary> seed_database(const std::string& path, const SeedOptions& options);

// The reason `options` are unusable, or "" when they are fine.
std::string check_seed_options(const SeedOptions& options);

}  // namespace coldsort::store
