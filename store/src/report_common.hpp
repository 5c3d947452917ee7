#pragma once
// What every report shares: the query's range made concrete, local days, hours and shifts,
// the split of a range into rollup buckets and raw edges, and small SQL helpers.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/store/reports.hpp"
#include "sqlite_handle.hpp"

namespace coldsort::store::detail {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 86'400'000;
// "Everything" ends here: far beyond any real time, and still safe to add an offset to.
constexpr std::int64_t kEndOfTimeMs = std::numeric_limits<std::int64_t>::max() / 4;

// [from_ms, to_ms) in Unix ms.
struct TimeRange {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = kEndOfTimeMs;
};

// A piece of a range and whether the rollups answer for it (whole buckets) or the raw rows
// do (the partial buckets at the edges, or everything for ReportSource::raw).
struct Segment {
  TimeRange range;
  bool rollup = false;
};

// One report run: the open connection, the query and its concrete range.
struct ReportContext {
  const Connection* db = nullptr;
  std::string path;
  ReportQuery query;
  TimeRange range;
  std::int64_t offset_ms = 0;  // local = UTC + offset

  bool rollups() const { return query.source == ReportSource::rollups; }
  // Rollups keyed by UTC hours serve local days and hours only for whole-hour offsets.
  bool hours_are_local() const { return offset_ms % kHourMs == 0; }
  void progress(double done) const {
    if (query.progress) query.progress(done);
  }
};

std::int64_t floor_div(std::int64_t a, std::int64_t b);
// The UTC ms at which the local bucket (of `bucket_ms`: an hour, a day) holding `t_ms` starts.
std::int64_t local_bucket_start(std::int64_t t_ms, std::int64_t bucket_ms, std::int64_t offset_ms);

enum class TimeText { date, minute, second };
// Local time of `t_ms` as "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS".
std::string local_text(std::int64_t t_ms, std::int64_t offset_ms, TimeText precision);
// "+08:00" for 480.
std::string offset_text(int utc_offset_min);
// "2026-10-01 to 2026-10-07" (the inclusive local days of the range), or "all records".
std::string range_text(const ReportContext& ctx);

// Splits the range for rollups of `bucket_ms`: whole buckets (UTC-aligned) from the rollup,
// the partial ones at the edges from raw rows. For ReportSource::raw (or `rollup_ok`
// false): one raw segment.
std::vector<Segment> split_range(const TimeRange& range, std::int64_t bucket_ms, bool rollup_ok);

// Grade names in core::Grade order, and the rank of a name in it (names not in it last).
const std::vector<std::string>& grade_names();
int grade_rank(std::string_view name);

// Cell helpers: non-finite numbers and empty texts are empty cells.
ReportCell number_cell(double value);
ReportCell text_cell(std::string text);
ReportCell count_cell(std::int64_t value);
// a / b * 100; NaN (an empty cell) when b is zero.
double percent(double a, double b);

// A sum of instrument readings rounded to the instruments' resolution. The rollups add the
// same readings in another order than a GROUP BY over the raw rows, which can move the last
// bits of a double; settled first, both give the same printed figure (and the one a
// person's own SUM gives). Weights are read to 0.1 g and pack times to 0.1 s.
double settled(double sum, double resolution);
inline constexpr double kWeightResolutionG = 0.1;
inline constexpr double kPackTimeResolutionS = 0.1;

// Prepares `sql` or logs why not (with the path) and returns the error.
core::Result<Statement> prepare_report_sql(const ReportContext& ctx, const char* sql);
// Steps `stmt` to its end, calling `row(stmt)` for each row. Errors: store_io, store_busy.
template <class RowFn>
core::Result<void> each_row(const ReportContext& ctx, Statement& stmt, RowFn row);
boost::system::error_code report_sql_failed(const ReportContext& ctx, int sqlite_code);
// True when column `index` of the current row is NULL.
bool column_is_null(const Statement& stmt, int index);
// Logs a bad query for `report` and returns config_invalid.
boost::system::error_code bad_query(std::string_view report, const std::string& why);

template <class RowFn>
core::Result<void> each_row(const ReportContext& ctx, Statement& stmt, RowFn row) {
  int rc = SQLITE_ROW;
  while ((rc = stmt.step()) == SQLITE_ROW) row(stmt);
  if (rc != SQLITE_DONE) return report_sql_failed(ctx, rc);
  return {};
}

// The reports, one function each (report_*.cpp).
core::Result<ReportTable> run_throughput(const ReportContext& ctx);
core::Result<ReportTable> run_outturn(const ReportContext& ctx);
core::Result<ReportTable> run_packers(const ReportContext& ctx);
core::Result<ReportTable> run_giveaway(const ReportContext& ctx);
core::Result<ReportTable> run_stations(const ReportContext& ctx);
core::Result<ReportTable> run_cold_chain(const ReportContext& ctx);
core::Result<ReportTable> run_excursions(const ReportContext& ctx);
core::Result<ReportTable> run_orders(const ReportContext& ctx);

}  // namespace coldsort::store::detail
