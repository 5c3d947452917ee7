#include "sensor_downsample.hpp"

#include <algorithm>

namespace coldsort::store::detail {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
// Empty windows are skipped in strides that double up to a day: a season of folded
// history (1 row a minute) is crossed in a few hundred index probes per series.
constexpr std::int64_t kMaxStrideMs = 24 * 3'600'000;

std::int64_t floor_minute(std::int64_t t_ms) {
  const std::int64_t q = t_ms / kMinuteMs;
  return (t_ms % kMinuteMs < 0 ? q - 1 : q) * kMinuteMs;
}

// ?1 device, ?2 point, ?3 from, ?4 to: the raw rows of one window.
constexpr const char* kCountRaw =
    "SELECT count(*) FROM sensor_sample "
    "WHERE device = ?1 AND point = ?2 AND t_ms >= ?3 AND t_ms < ?4 AND n IS NULL";
// A minute with one reading keeps its row (and its exact time).
constexpr const char* kKeepSingles =
    "UPDATE sensor_sample SET n = (value IS NOT NULL), min_value = value, max_value = value "
    "WHERE id IN (SELECT min(id) FROM sensor_sample "
    "  WHERE device = ?1 AND point = ?2 AND t_ms >= ?3 AND t_ms < ?4 AND n IS NULL "
    "  GROUP BY t_ms / 60000 HAVING count(*) = 1)";
// avg, count, min and max skip NULL (a NaN reading): the mean is over the readings.
constexpr const char* kFold =
    "INSERT INTO sensor_sample (t_ms, device, point, value, n, min_value, max_value) "
    "SELECT (t_ms / 60000) * 60000, ?1, ?2, avg(value), count(value), min(value), max(value) "
    "FROM sensor_sample "
    "WHERE device = ?1 AND point = ?2 AND t_ms >= ?3 AND t_ms < ?4 AND n IS NULL "
    "GROUP BY t_ms / 60000 HAVING count(*) > 1";
constexpr const char* kDeleteRaw =
    "DELETE FROM sensor_sample "
    "WHERE device = ?1 AND point = ?2 AND t_ms >= ?3 AND t_ms < ?4 AND n IS NULL";

core::Result<std::int64_t> run_window(Connection& db, const char* sql, const std::string& device,
                                      const std::string& point, std::int64_t from_ms,
                                      std::int64_t to_ms, SqlError* detail) {
  auto stmt = Statement::prepare(db, sql, detail);
  if (!stmt) return stmt.error();
  stmt->bind(1, std::string_view(device));
  stmt->bind(2, std::string_view(point));
  stmt->bind(3, from_ms);
  stmt->bind(4, to_ms);
  const int rc = stmt->step();
  if (rc == SQLITE_ROW) return stmt->column_int(0);
  if (rc == SQLITE_DONE) return static_cast<std::int64_t>(sqlite3_changes(db.get()));
  if (detail != nullptr) *detail = db.error(rc);
  return core::make_error_code(to_errc(rc));
}

}  // namespace

// The next series in (device, point) order and its oldest row; the row value comparison
// and the min() walk the (device, point, t_ms) index, a probe each.
core::Result<void> SensorDownsampler::next_series(Connection& db, bool& found, SqlError* detail) {
  found = false;
  auto key = Statement::prepare(
      db,
      walked_any_ ? "SELECT device, point FROM sensor_sample WHERE (device, point) > (?1, ?2) "
                    "ORDER BY device, point LIMIT 1"
                  : "SELECT device, point FROM sensor_sample ORDER BY device, point LIMIT 1",
      detail);
  if (!key) return key.error();
  if (walked_any_) {
    key->bind(1, std::string_view(device_));
    key->bind(2, std::string_view(point_));
  }
  int rc = key->step();
  if (rc == SQLITE_DONE) return {};  // no series left
  if (rc != SQLITE_ROW) {
    if (detail != nullptr) *detail = db.error(rc);
    return core::make_error_code(to_errc(rc));
  }
  device_ = key->column_text(0);
  point_ = key->column_text(1);
  walked_any_ = true;
  auto oldest = Statement::prepare(
      db, "SELECT min(t_ms) FROM sensor_sample WHERE device = ?1 AND point = ?2", detail);
  if (!oldest) return oldest.error();
  oldest->bind(1, std::string_view(device_));
  oldest->bind(2, std::string_view(point_));
  rc = oldest->step();
  if (rc != SQLITE_ROW) {
    if (detail != nullptr) *detail = db.error(rc);
    return core::make_error_code(to_errc(rc));
  }
  from_ms_ = floor_minute(oldest->column_int(0));
  stride_ms_ = chunk_ms_;
  found = true;
  return {};
}

core::Result<DownsampleStep> SensorDownsampler::fold_window(Connection& db, std::int64_t to_ms,
                                                            SqlError* detail) {
  DownsampleStep step;
  step.more = true;
  if (!db.exec("BEGIN IMMEDIATE", detail)) return core::make_error_code(core::errc::store_busy);
  auto singles = run_window(db, kKeepSingles, device_, point_, from_ms_, to_ms, detail);
  core::Result<std::int64_t> folded = singles ? run_window(db, kFold, device_, point_, from_ms_, to_ms, detail)
                                              : singles;
  core::Result<std::int64_t> deleted = folded ? run_window(db, kDeleteRaw, device_, point_, from_ms_, to_ms, detail)
                                              : folded;
  if (!deleted || !db.exec("COMMIT", detail)) {
    db.exec("ROLLBACK");  // harmless when SQLite already rolled back
    return core::make_error_code(core::errc::store_io);
  }
  step.raw_rows = *singles + *deleted;
  step.folded_rows = *folded;
  return step;
}

core::Result<DownsampleStep> SensorDownsampler::step(Connection& db, std::int64_t cutoff_ms,
                                                     SqlError* detail) {
  const std::int64_t end_ms = floor_minute(cutoff_ms);
  if (!in_series_) {
    bool found = false;
    if (auto r = next_series(db, found, detail); !r) return r.error();
    if (!found) {  // a pass is over; the next one starts from the first series again
      walked_any_ = false;
      return DownsampleStep{};
    }
    in_series_ = true;
  }
  if (from_ms_ >= end_ms) {
    in_series_ = false;
    return DownsampleStep{0, 0, true};
  }
  const std::int64_t to_ms = std::min(from_ms_ + stride_ms_, end_ms);
  auto raw = run_window(db, kCountRaw, device_, point_, from_ms_, to_ms, detail);
  if (!raw) return raw.error();
  if (*raw == 0) {
    from_ms_ = to_ms;
    stride_ms_ = std::min(stride_ms_ * 2, kMaxStrideMs);
    return DownsampleStep{0, 0, true};
  }
  if (to_ms - from_ms_ > chunk_ms_) {  // raw rows in a long stride: narrow it first
    stride_ms_ = chunk_ms_;
    return DownsampleStep{0, 0, true};
  }
  auto folded = fold_window(db, to_ms, detail);
  if (!folded) return folded.error();
  from_ms_ = to_ms;
  return folded;
}

core::Result<DownsampleStep> downsample_sensor_samples(Connection& db, std::int64_t cutoff_ms,
                                                       SqlError* detail) {
  SensorDownsampler downsampler;
  DownsampleStep total;
  for (;;) {
    auto step = downsampler.step(db, cutoff_ms, detail);
    if (!step) return step.error();
    total.raw_rows += step->raw_rows;
    total.folded_rows += step->folded_rows;
    if (!step->more) return total;
  }
}

}  // namespace coldsort::store::detail
