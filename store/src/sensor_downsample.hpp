#pragma once
// Folding old raw sensor samples into one row per device, point and minute, so that a
// season of 1-second probe readings does not fill the disk (migration 5 describes the rows).
#include <cstdint>
#include <string>

#include "coldsort/core/error.hpp"
#include "sqlite_handle.hpp"

namespace coldsort::store::detail {

struct DownsampleStep {
  std::int64_t raw_rows = 0;     // raw rows folded (or, alone in their minute, kept) this step
  std::int64_t folded_rows = 0;  // per-minute rows written for minutes with several readings
  bool more = false;             // work may remain below the cutoff: call step() again
};

// Walks each (device, point) series through minute-aligned windows of raw rows older than
// the cutoff. Within a window, a minute with several raw readings becomes one row (t_ms =
// the minute's start, value = mean, n = readings with a value, min_value, max_value) and its
// raw rows are deleted; a minute with one reading keeps its row and time, with n = 1 (0 when
// its value is NULL) and min = max = value. sensor_hour is left as it is. One step is one
// transaction over at most one window (chunk_ms; about 900 rows of 1-s polling), so the
// writer can run it between batches; windows without raw rows are skipped in growing
// strides, so already-folded history costs a few index probes.
// Thread safety: none; used on the connection's own thread.
class SensorDownsampler {
 public:
  explicit SensorDownsampler(std::int64_t chunk_ms = 15 * 60'000) : chunk_ms_(chunk_ms) {}

  // One bounded step over raw rows with t_ms before the start of the minute holding
  // `cutoff_ms` (Unix ms). Errors: store_io / store_busy (the step is rolled back; `detail`
  // says why), the walk resumes from the same window next time.
  core::Result<DownsampleStep> step(Connection& db, std::int64_t cutoff_ms, SqlError* detail);

 private:
  core::Result<void> next_series(Connection& db, bool& found, SqlError* detail);
  core::Result<DownsampleStep> fold_window(Connection& db, std::int64_t to_ms, SqlError* detail);

  std::int64_t chunk_ms_;
  bool in_series_ = false;
  bool walked_any_ = false;  // false: the next series is the first one
  std::string device_;
  std::string point_;
  std::int64_t from_ms_ = 0;  // every raw row of the series before this is folded
  std::int64_t stride_ms_ = 0;
};

// Runs steps until no raw row before the cutoff's minute is left (tests, maintenance).
core::Result<DownsampleStep> downsample_sensor_samples(Connection& db, std::int64_t cutoff_ms,
                                                       SqlError* detail = nullptr);

}  // namespace coldsort::store::detail
