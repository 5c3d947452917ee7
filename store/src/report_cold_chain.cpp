// Cold-chain compliance per room (time in range, min/mean/max, excursions, door openings)
// and the HACCP excursion list. Time in range reads the recording probe's samples on both
// paths (through the (device, point, t_ms) index); min/max/mean come from sensor_hour on the
// rollup path.
#include <algorithm>
#include <limits>

#include "report_common.hpp"

namespace coldsort::store::detail {
namespace {

// The band each room is judged against: its newest row at or before the range's end.
constexpr const char* kBandSql =
    "SELECT b.room, b.device, b.point, b.min_c, b.max_c FROM cold_room_band b"
    " WHERE b.id = (SELECT c.id FROM cold_room_band c WHERE c.room = b.room AND c.t_ms <= ?1"
    " ORDER BY c.t_ms DESC, c.id DESC LIMIT 1) AND (?2 IS NULL OR b.room = ?2) ORDER BY b.room";
constexpr const char* kStatsRollupSql =
    "SELECT SUM(n), MIN(min_value), MAX(max_value), TOTAL(sum_value) FROM sensor_hour"
    " WHERE device = ?3 AND point = ?4 AND hour_ms >= ?1 AND hour_ms < ?2";
constexpr const char* kStatsRawSql =
    "SELECT SUM(COALESCE(n, 1)), MIN(COALESCE(min_value, value)), MAX(COALESCE(max_value, value)),"
    " TOTAL(value * COALESCE(n, 1)) FROM sensor_sample"
    " WHERE device = ?3 AND point = ?4 AND t_ms >= ?1 AND t_ms < ?2 AND value IS NOT NULL";
constexpr const char* kSamplesSql =
    "SELECT t_ms, COALESCE(min_value, value), COALESCE(max_value, value) FROM sensor_sample"
    " WHERE device = ?3 AND point = ?4 AND t_ms >= ?1 AND t_ms < ?2 ORDER BY t_ms";
// Overlapping [from, to) as LogReader::excursion_rows defines it.
constexpr const char* kExcursionWhere =
    " FROM cold_excursion WHERE start_ms < ?2 AND (end_ms > ?1 OR start_ms >= ?1) AND (?3 IS NULL OR room = ?3)";

// A sample speaks for the time until the next one, for at most five minutes (the recording
// interval is one minute; beyond five, the record has a gap).
constexpr std::int64_t kMaxCoverMs = 5 * kMinuteMs;

struct Band {
  std::string room, device, point;
  double min_c = 0, max_c = 0;
};

struct Compliance {
  std::int64_t readings = 0;
  double min = std::numeric_limits<double>::quiet_NaN();
  double max = std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  std::int64_t covered_ms = 0, in_range_ms = 0;
  std::int64_t excursions = 0, excursion_ms = 0, door_openings = 0;
};

void bind_probe(Statement& s, const TimeRange& r, const Band& b) {
  s.bind(1, r.from_ms);
  s.bind(2, r.to_ms);
  s.bind(3, b.device);
  s.bind(4, b.point);
}

core::Result<void> read_stats(const ReportContext& ctx, const Band& band, Compliance& c) {
  for (const Segment& seg : split_range(ctx.range, kHourMs, ctx.rollups())) {
    auto stmt = prepare_report_sql(ctx, seg.rollup ? kStatsRollupSql : kStatsRawSql);
    if (!stmt) return stmt.error();
    bind_probe(*stmt, seg.range, band);
    auto done = each_row(ctx, *stmt, [&](const Statement& s) {
      if (column_is_null(s, 0)) return;  // no readings in this segment
      c.readings += s.column_int(0);
      const double lo = s.column_double(1), hi = s.column_double(2);
      c.min = std::isnan(c.min) ? lo : std::min(c.min, lo);
      c.max = std::isnan(c.max) ? hi : std::max(c.max, hi);
      c.sum += s.column_double(3);
    });
    if (!done) return done.error();
  }
  return {};
}

core::Result<void> read_time_in_range(const ReportContext& ctx, const Band& band, Compliance& c) {
  auto stmt = prepare_report_sql(ctx, kSamplesSql);
  if (!stmt) return stmt.error();
  bind_probe(*stmt, ctx.range, band);
  bool have = false;
  std::int64_t t = 0;
  bool in_band = false;
  auto close = [&](std::int64_t next_ms) {
    const std::int64_t covered = std::min(next_ms, t + kMaxCoverMs) - t;
    c.covered_ms += covered;
    if (in_band) c.in_range_ms += covered;
  };
  auto done = each_row(ctx, *stmt, [&](const Statement& s) {
    if (have) close(s.column_int(0));
    t = s.column_int(0);
    in_band = !column_is_null(s, 1) && !column_is_null(s, 2) && s.column_double(1) >= band.min_c &&
              s.column_double(2) <= band.max_c;
    have = true;
  });
  if (!done) return done.error();
  if (have) close(ctx.range.to_ms);
  return {};
}

core::Result<void> read_excursions(const ReportContext& ctx, const Band& band, Compliance& c) {
  const std::string sql =
      "SELECT SUM(kind LIKE 'temp\\_%' ESCAPE '\\'), TOTAL(CASE WHEN kind LIKE 'temp\\_%' ESCAPE '\\'"
      " THEN duration_ms END), SUM(kind = 'door_open')" + std::string(kExcursionWhere);
  auto stmt = prepare_report_sql(ctx, sql.c_str());
  if (!stmt) return stmt.error();
  stmt->bind(1, ctx.range.from_ms);
  stmt->bind(2, ctx.range.to_ms);
  stmt->bind(3, band.room);
  return each_row(ctx, *stmt, [&](const Statement& s) {
    c.excursions = s.column_int(0);
    c.excursion_ms = static_cast<std::int64_t>(s.column_double(1));
    c.door_openings = s.column_int(2);
  });
}

core::Result<std::vector<Band>> read_bands(const ReportContext& ctx) {
  auto stmt = prepare_report_sql(ctx, kBandSql);
  if (!stmt) return stmt.error();
  stmt->bind(1, ctx.range.to_ms);
  stmt->bind_text_or_null(2, ctx.query.filter);
  std::vector<Band> bands;
  auto done = each_row(ctx, *stmt, [&](const Statement& s) {
    bands.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_double(3), s.column_double(4)});
  });
  if (!done) return done.error();
  return bands;
}

std::vector<ReportCell> summary_row(const Band& b, const Compliance& c) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  return {b.room, b.device, b.point, b.min_c, b.max_c, c.readings, number_cell(c.min),
          number_cell(c.readings > 0 ? c.sum / static_cast<double>(c.readings) : nan), number_cell(c.max),
          static_cast<double>(c.covered_ms) / kMinuteMs,
          number_cell(percent(static_cast<double>(c.in_range_ms), static_cast<double>(c.covered_ms))),
          c.excursions, static_cast<double>(c.excursion_ms) / kMinuteMs, c.door_openings};
}

}  // namespace

core::Result<ReportTable> run_cold_chain(const ReportContext& ctx) {
  auto bands = read_bands(ctx);
  if (!bands) return bands.error();
  ReportTable t;
  t.report = "cold-chain";
  t.title = "Cold-chain compliance per room, " + range_text(ctx);
  t.columns = {{"room", "", 0},          {"device", "", 0},        {"point", "", 0},
               {"min_c", "°C", 1},       {"max_c", "°C", 1},       {"samples", "", 0},
               {"min_value", "°C", 2},   {"mean_value", "°C", 2},  {"max_value", "°C", 2},
               {"recorded_min", "min", 1}, {"in_range_pct", "%", 2}, {"excursions", "", 0},
               {"excursion_min", "min", 1}, {"door_openings", "", 0}};
  for (std::size_t i = 0; i < bands->size(); ++i) {
    const Band& band = (*bands)[i];
    Compliance c;
    for (auto step : {read_stats, read_time_in_range, read_excursions})
      if (auto ok = step(ctx, band, c); !ok) return ok.error();
    t.rows.push_back(summary_row(band, c));
    ctx.progress(static_cast<double>(i + 1) / static_cast<double>(bands->size()));
  }
  t.notes = {
      "Per room, its band (min_c..max_c) and recording probe (device, point): the room's newest cold_room_band "
      "row at or before the range's end.",
      "samples: readings of the probe in the range with a value (a downsampled row counts its n readings); "
      "min/max: of the readings (a downsampled row's min_value/max_value); mean: weighted by readings.",
      "Time in range: each sample row of the probe in the range covers from its time to the next row in the range "
      "(or the range's end), at most 5 min; recorded_min is the covered time, in_range_pct the share of it whose "
      "row was inside the band: COALESCE(min_value, value) >= min_c and COALESCE(max_value, value) <= max_c "
      "(a row without a value is out of range).",
      "excursions, excursion_min: cold_excursion rows of the room of kind temp_* overlapping the range and their "
      "full duration_ms / 60000; door_openings: door_open rows overlapping it. The list: report excursions.",
      ctx.rollups() ? "Source: sensor_hour for samples/min/mean/max (raw samples for partial hours at the edges); the "
                      "raw samples for time in range."
                    : "Source: the raw sensor samples.",
  };
  return t;
}

core::Result<ReportTable> run_excursions(const ReportContext& ctx) {
  const std::string sql =
      "SELECT room, kind, start_ms, end_ms, duration_ms, peak, limit_value, alarmed, defrost,"
      " COALESCE(probe, ''), COALESCE(detail, '')" + std::string(kExcursionWhere) + " ORDER BY start_ms, id";
  auto stmt = prepare_report_sql(ctx, sql.c_str());
  if (!stmt) return stmt.error();
  stmt->bind(1, ctx.range.from_ms);
  stmt->bind(2, ctx.range.to_ms);
  stmt->bind_text_or_null(3, ctx.query.filter);
  ReportTable t;
  t.report = "excursions";
  t.title = "Cold-room excursions (HACCP record), " + range_text(ctx);
  t.columns = {{"room", "", 0},        {"kind", "", 0},         {"start", "local time", 0},
               {"end", "local time", 0}, {"duration_min", "min", 1}, {"peak", "", 2},
               {"limit", "", 2},       {"alarmed", "", 0},      {"defrost", "", 0},
               {"probe", "", 0},       {"detail", "", 0}};
  auto real = [](const Statement& s, int i) -> ReportCell {
    if (column_is_null(s, i)) return std::monostate{};
    return s.column_double(i);
  };
  auto done = each_row(ctx, *stmt, [&](const Statement& s) {
    t.rows.push_back({s.column_text(0), s.column_text(1), local_text(s.column_int(2), ctx.offset_ms, TimeText::second),
                      local_text(s.column_int(3), ctx.offset_ms, TimeText::second),
                      static_cast<double>(s.column_int(4)) / kMinuteMs, real(s, 5), real(s, 6), s.column_int(7),
                      s.column_int(8), text_cell(s.column_text(9)), text_cell(s.column_text(10))});
  });
  if (!done) return done.error();
  t.notes = {
      "Every cold_excursion row overlapping the range (starts before its end; ends after its start, or starts "
      "within it), ordered by start: temperature, humidity, door and probe-fault excursions.",
      "duration_min: the recorded duration_ms / 60000; peak and limit in °C (temperature, door), %RH (humidity), "
      "minutes for a door's limit; alarmed/defrost: 1 yes, 0 no. Same query for both sources.",
  };
  return t;
}

}  // namespace coldsort::store::detail
