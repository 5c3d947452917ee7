#include "report_common.hpp"

#include <cmath>
#include <chrono>
#include <cstdio>

#include "coldsort/core/fruit.hpp"
#include "coldsort/core/log.hpp"

namespace coldsort::store::detail {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t local_bucket_start(std::int64_t t_ms, std::int64_t bucket_ms, std::int64_t offset_ms) {
  return floor_div(t_ms + offset_ms, bucket_ms) * bucket_ms - offset_ms;
}

std::string local_text(std::int64_t t_ms, std::int64_t offset_ms, TimeText precision) {
  using namespace std::chrono;
  const std::int64_t local_ms = t_ms + offset_ms;
  const std::int64_t day = floor_div(local_ms, kDayMs);
  const std::int64_t in_day_s = (local_ms - day * kDayMs) / 1000;
  const year_month_day ymd{sys_days{days{day}}};
  char text[40];
  const int y = static_cast<int>(ymd.year());
  const unsigned mo = static_cast<unsigned>(ymd.month());
  const unsigned d = static_cast<unsigned>(ymd.day());
  const auto h = static_cast<int>(in_day_s / 3600);
  const auto mi = static_cast<int>(in_day_s / 60 % 60);
  const auto s = static_cast<int>(in_day_s % 60);
  switch (precision) {
    case TimeText::date: std::snprintf(text, sizeof text, "%04d-%02u-%02u", y, mo, d); break;
    case TimeText::minute:
      std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d", y, mo, d, h, mi);
      break;
    case TimeText::second:
      std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d", y, mo, d, h, mi, s);
      break;
  }
  return text;
}

std::string offset_text(int utc_offset_min) {
  const int m = utc_offset_min < 0 ? -utc_offset_min : utc_offset_min;
  char text[16];
  std::snprintf(text, sizeof text, "%c%02d:%02d", utc_offset_min < 0 ? '-' : '+', m / 60, m % 60);
  return text;
}

std::string range_text(const ReportContext& ctx) {
  const TimeRange& r = ctx.range;
  if (r.from_ms <= 0 && r.to_ms >= kEndOfTimeMs) return "all records";
  std::string from = r.from_ms <= 0 ? "the start" : local_text(r.from_ms, ctx.offset_ms, TimeText::minute);
  std::string to = r.to_ms >= kEndOfTimeMs ? "the end" : local_text(r.to_ms, ctx.offset_ms, TimeText::minute);
  return from + " to " + to + " (local, end exclusive)";
}

std::vector<Segment> split_range(const TimeRange& range, std::int64_t bucket_ms, bool rollup_ok) {
  if (!rollup_ok) return {{range, false}};
  // Rollup buckets start at UTC multiples of bucket_ms.
  const std::int64_t first = floor_div(range.from_ms + bucket_ms - 1, bucket_ms) * bucket_ms;
  const std::int64_t last = floor_div(range.to_ms, bucket_ms) * bucket_ms;
  if (first >= last) return {{range, false}};
  std::vector<Segment> out;
  if (range.from_ms < first) out.push_back({{range.from_ms, first}, false});
  out.push_back({{first, last}, true});
  if (last < range.to_ms) out.push_back({{last, range.to_ms}, false});
  return out;
}

const std::vector<std::string>& grade_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (core::Grade g : {core::Grade::extra, core::Grade::class_i, core::Grade::class_ii,
                          core::Grade::out_of_grade, core::Grade::unknown})
      out.emplace_back(core::to_string(g));
    return out;
  }();
  return names;
}

int grade_rank(std::string_view name) {
  const auto& names = grade_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return static_cast<int>(names.size());
}

ReportCell number_cell(double value) {
  if (!std::isfinite(value)) return std::monostate{};
  return value;
}

ReportCell text_cell(std::string text) {
  if (text.empty()) return std::monostate{};
  return text;
}

ReportCell count_cell(std::int64_t value) { return value; }

double percent(double a, double b) {
  return b == 0 ? std::numeric_limits<double>::quiet_NaN() : a / b * 100.0;
}

double settled(double sum, double resolution) { return std::round(sum / resolution) * resolution; }

core::Result<Statement> prepare_report_sql(const ReportContext& ctx, const char* sql) {
  SqlError e;
  auto stmt = Statement::prepare(*ctx.db, sql, &e);
  if (!stmt) {
    core::log::error("store", "report query on '" + ctx.path + "' failed: " + e.message);
    return core::make_error_code(to_errc(e.code));
  }
  return stmt;
}

boost::system::error_code report_sql_failed(const ReportContext& ctx, int sqlite_code) {
  core::log::error("store", "reading '" + ctx.path + "' failed: " + ctx.db->error(sqlite_code).message);
  return core::make_error_code(to_errc(sqlite_code));
}

bool column_is_null(const Statement& stmt, int index) {
  return sqlite3_column_type(stmt.get(), index) == SQLITE_NULL;
}

boost::system::error_code bad_query(std::string_view report, const std::string& why) {
  core::log::error("store", "report " + std::string(report) + ": " + why);
  return core::make_error_code(core::errc::config_invalid);
}

}  // namespace coldsort::store::detail
