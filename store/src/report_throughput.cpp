// Throughput per local hour, shift or day: fruit, weighed kg, active minutes and the count
// of each grade. Rollup path: fruit_minute; raw path: the fruit rows grouped by minute.
#include <map>

#include "report_common.hpp"

namespace coldsort::store::detail {
namespace {

// The rows of a minute (one per lane and grade) come together in primary-key order, so the
// rollup is read without a GROUP BY: SQLite would sort the whole range for it (seconds over
// a season), while the loop below adds them up as they come.
constexpr const char* kRollupSql =
    "SELECT minute_ms, grade, n, weight_g FROM fruit_minute"
    " WHERE minute_ms >= ?1 AND minute_ms < ?2 ORDER BY minute_ms";
// t_ms is never negative, so integer division floors.
constexpr const char* kRawSql =
    "SELECT t_ms / 60000 * 60000 AS m, grade, COUNT(*), TOTAL(weight_g) FROM fruit"
    " WHERE t_ms >= ?1 AND t_ms < ?2 GROUP BY m, grade ORDER BY m";

struct Period {
  std::string shift;  // shift name when grouped by shift
  std::int64_t fruit = 0;
  double weight_g = 0;
  std::int64_t active_min = 0;
  std::vector<std::int64_t> by_grade;
};

enum class By { hour, shift, day };

// The UTC start of the period holding `minute_ms`, and its shift's name (by shift).
std::int64_t period_of(const ReportContext& ctx, By by, std::int64_t minute_ms, std::string* shift) {
  if (by == By::hour) return local_bucket_start(minute_ms, kHourMs, ctx.offset_ms);
  const std::int64_t day = local_bucket_start(minute_ms, kDayMs, ctx.offset_ms);
  if (by == By::day) return day;
  const auto& shifts = ctx.query.shifts;  // sorted by start
  const std::int64_t minute_of_day = (minute_ms - day) / kMinuteMs;
  // Before the first shift's start: the previous day's last shift (it crosses midnight).
  std::int64_t shift_day = day - kDayMs;
  const Shift* found = &shifts.back();
  for (const Shift& s : shifts) {
    if (s.start_min > minute_of_day) break;
    found = &s;
    shift_day = day;
  }
  *shift = found->name;
  return shift_day + std::int64_t{found->start_min} * kMinuteMs;
}

core::Result<void> read_minutes(const ReportContext& ctx, By by, std::map<std::int64_t, Period>& periods) {
  const std::size_t grades = grade_names().size();
  std::int64_t last_minute = -1;
  const auto segments = split_range(ctx.range, kMinuteMs, ctx.rollups());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& seg = segments[i];
    auto stmt = prepare_report_sql(ctx, seg.rollup ? kRollupSql : kRawSql);
    if (!stmt) return stmt.error();
    stmt->bind(1, seg.range.from_ms);
    stmt->bind(2, seg.range.to_ms);
    Period* period = nullptr;
    std::int64_t period_minute = -1;  // the minute `period` was found for
    auto done = each_row(ctx, *stmt, [&](const Statement& s) {
      const std::int64_t minute = s.column_int(0);
      if (minute != period_minute) {  // the rows of one minute share their period
        std::string shift;
        period = &periods[period_of(ctx, by, minute, &shift)];
        if (period->by_grade.empty()) period->by_grade.assign(grades, 0);
        period->shift = std::move(shift);
        period_minute = minute;
      }
      Period& p = *period;
      const std::int64_t n = s.column_int(2);
      p.fruit += n;
      p.weight_g += s.column_double(3);
      const int rank = grade_rank(s.column_text(1));
      if (static_cast<std::size_t>(rank) < grades) p.by_grade[static_cast<std::size_t>(rank)] += n;
      // Rows arrive in minute order across the segments, so a new minute is a new one.
      if (minute != last_minute && n > 0) ++p.active_min;
      if (n > 0) last_minute = minute;
    });
    if (!done) return done.error();
    ctx.progress(static_cast<double>(i + 1) / static_cast<double>(segments.size()));
  }
  return {};
}

}  // namespace

core::Result<ReportTable> run_throughput(const ReportContext& ctx) {
  const std::string& g = ctx.query.group_by;
  const By by = g == "hour" ? By::hour : g == "shift" ? By::shift : By::day;
  std::map<std::int64_t, Period> periods;
  if (auto ok = read_minutes(ctx, by, periods); !ok) return ok.error();

  ReportTable t;
  t.report = "throughput";
  const char* per = by == By::hour ? "hour" : by == By::shift ? "shift" : "day";
  t.title = std::string("Throughput per ") + per + ", " + range_text(ctx);
  t.columns.push_back({"period", "local start", 0});
  if (by == By::shift) t.columns.push_back({"shift", "", 0});
  t.columns.push_back({"fruit", "", 0});
  t.columns.push_back({"weight_kg", "kg", 3});
  t.columns.push_back({"active_min", "min", 0});
  t.columns.push_back({"fruit_per_s", "fruit/s", 2});
  for (const std::string& name : grade_names()) t.columns.push_back({name, "fruit", 0});
  const TimeText label = by == By::day ? TimeText::date : TimeText::minute;
  for (const auto& [start, p] : periods) {
    std::vector<ReportCell> row;
    row.push_back(local_text(start, ctx.offset_ms, label));
    if (by == By::shift) row.push_back(p.shift);
    row.push_back(p.fruit);
    row.push_back(settled(p.weight_g, kWeightResolutionG) / 1000.0);
    row.push_back(p.active_min);
    row.push_back(number_cell(p.active_min == 0 ? std::numeric_limits<double>::quiet_NaN()
                                                : static_cast<double>(p.fruit) / (static_cast<double>(p.active_min) * 60.0)));
    for (std::int64_t n : p.by_grade) row.push_back(n);
    t.rows.push_back(std::move(row));
  }
  t.notes = {
      "fruit: every fruit row with its time in the range, whatever its grade or reason (empty cups included "
      "when the line logged them).",
      "weight_kg: sum of the fruit's weight_g / 1000 over fruit that have a weight (NULL weights are left out).",
      "active_min: distinct UTC minutes (t_ms floor 60000) of the period with at least one fruit; "
      "fruit_per_s = fruit / (active_min * 60).",
      "Grade columns: fruit of each grade (core::Grade names, in enum order).",
      "Periods are local (UTC" + offset_text(ctx.query.utc_offset_min) + ") and labelled by their local start; periods "
          "without fruit are not listed. A shift runs from its start to the next shift's start; a shift "
          "crossing midnight belongs to the local date it starts on.",
      ctx.rollups() ? "Source: the fruit_minute rollup (raw fruit rows for a partial minute at the range's edges)."
                    : "Source: the raw fruit rows.",
  };
  return t;
}

}  // namespace coldsort::store::detail
