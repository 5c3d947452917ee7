#pragma once
// Pieces of bench_store: season-like fruit, the bare-INSERT baseline, the report timings.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "coldsort/core/fruit.hpp"
#include "coldsort/core/log.hpp"

namespace coldsort::bench {

using Clock = std::chrono::steady_clock;
inline double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Fruit number i of a season-like stream: 8 lanes, one fruit every 40 ms (the Huili line's
// ~24 fruit/s), lots of 33,000 fruit in turn, a realistic grade and size spread.
core::Fruit season_like_fruit(std::int64_t i);
// What season_like_fruit itself costs (ns per fruit), measured once and subtracted from the
// append cost.
double fruit_generation_ns();

// The same columns TableWriter writes, without rollups.
extern const char* const kBareFruitInsert;
void bind_bare_fruit(sqlite3_stmt* insert, const core::Fruit& fruit);

// Times the reports on a seeded season, rollups against raw rows; prints markdown tables.
int run_season_reports(const std::string& db_path, int runs);

}  // namespace coldsort::bench
