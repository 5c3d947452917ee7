#include "coldsort/store/log_reader.hpp"

#include <limits>
#include <utility>

#include "coldsort/core/log.hpp"
#include "schema.hpp"
#include "sqlite_handle.hpp"

namespace coldsort::store {

using detail::Statement;

struct LogReader::Impl {
  std::string path;
  detail::Connection db;

  // Prepares `sql`, binds limit and offset as ?1 and ?2, and reads every row with `read`.
  template <class Row, class ReadRow>
  core::Result<std::vector<Row>> rows(const char* sql, int limit, int offset, ReadRow read) {
    detail::SqlError e;
    auto stmt = Statement::prepare(db, sql, &e);
    if (!stmt) return failed(e);
    stmt->bind(1, std::int64_t{limit});
    stmt->bind(2, std::int64_t{offset});
    std::vector<Row> out;
    int rc = SQLITE_ROW;
    while ((rc = stmt->step()) == SQLITE_ROW) out.push_back(read(*stmt));
    if (rc != SQLITE_DONE) return failed(db.error(rc));
    return out;
  }

  boost::system::error_code failed(const detail::SqlError& e) const {
    core::log::warn("store", "reading '" + path + "' failed: " + e.message);
    return core::make_error_code(detail::to_errc(e.code));
  }
};

LogReader::LogReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LogReader::LogReader(LogReader&&) noexcept = default;
LogReader& LogReader::operator=(LogReader&&) noexcept = default;
LogReader::~LogReader() = default;

core::Result<LogReader> LogReader::open(const std::string& path) {
  auto db = detail::open_database(path, detail::OpenMode::read_only);
  if (!db) return db.error();
  return LogReader(std::make_unique<Impl>(Impl{path, std::move(*db)}));
}

core::Result<int> LogReader::schema_version() const {
  detail::SqlError e;
  auto version = impl_->db.query_int("PRAGMA user_version", &e);
  if (!version) return impl_->failed(e);
  return static_cast<int>(*version);
}

core::Result<std::vector<std::vector<SqlValue>>> LogReader::query(const std::string& sql) const {
  detail::SqlError e;
  auto stmt = Statement::prepare(impl_->db, sql.c_str(), &e);
  if (!stmt) return impl_->failed(e);
  sqlite3_stmt* raw = stmt->get();
  const int columns = sqlite3_column_count(raw);
  std::vector<std::vector<SqlValue>> out;
  int rc = SQLITE_ROW;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    std::vector<SqlValue>& row = out.emplace_back();
    row.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(raw, c)) {
        case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
        case SQLITE_INTEGER: row.emplace_back(stmt->column_int(c)); break;
        case SQLITE_FLOAT: row.emplace_back(stmt->column_double(c)); break;
        default: row.emplace_back(stmt->column_text(c)); break;
      }
    }
  }
  if (rc != SQLITE_DONE) return impl_->failed(impl_->db.error(rc));
  return out;
}

core::Result<std::int64_t> LogReader::count_fruit() const {
  detail::SqlError e;
  auto count = impl_->db.query_int("SELECT COUNT(*) FROM fruit", &e);
  if (!count) return impl_->failed(e);
  return *count;
}

core::Result<std::vector<FruitRow>> LogReader::fruit_rows(int limit, int offset) const {
  return impl_->rows<FruitRow>(
      "SELECT id, t_ms, lane, cup, lot_id, diameter_mm, minor_diameter_mm, area_mm2,"
      " weight_g, hue_deg, defect_share, confidence, grade, size_code, product_id, outlet,"
      " reason, volume_cm3, defect_mm2, defect_kinds, doubt FROM fruit ORDER BY id"
      " LIMIT ?1 OFFSET ?2",
      limit, offset, [](const Statement& s) {
        FruitRow r;
        r.id = s.column_int(0);
        r.t_ms = s.column_int(1);
        r.lane = static_cast<int>(s.column_int(2));
        r.cup = s.column_int(3);
        r.lot_id = s.column_text(4);
        double* measures[] = {&r.diameter_mm, &r.minor_diameter_mm, &r.area_mm2,  &r.weight_g,
                              &r.hue_deg,     &r.defect_share,      &r.confidence};
        int column = 5;
        for (double* m : measures) *m = s.column_double(column++);
        r.grade = s.column_text(12);
        r.size_code = s.column_text(13);
        r.product_id = s.column_text(14);
        r.outlet = static_cast<int>(s.column_int(15));
        r.reason = s.column_text(16);
        r.volume_cm3 = s.column_double(17);
        r.defect_mm2 = s.column_double(18);
        r.defect_kinds = s.column_text(19);
        r.doubt = s.column_text(20);
        return r;
      });
}

core::Result<std::vector<AlarmEventRow>> LogReader::alarm_event_rows(int limit, int offset) const {
  return impl_->rows<AlarmEventRow>(
      "SELECT id, t_ms, alarm_key, source, message, priority, state, from_state, active, actor,"
      " reason FROM alarm_event ORDER BY id LIMIT ?1 OFFSET ?2",
      limit, offset, [](const Statement& s) {
        return AlarmEventRow{s.column_int(0),      s.column_int(1),  s.column_text(2),
                             s.column_text(3),     s.column_text(4), s.column_text(5),
                             s.column_text(6),     s.column_text(7), s.column_int(8) != 0,
                             s.column_text(9),     s.column_text(10)};
      });
}

core::Result<std::vector<SensorSampleRow>> LogReader::sensor_sample_rows(int limit,
                                                                         int offset) const {
  return impl_->rows<SensorSampleRow>(
      "SELECT id, t_ms, device, point, value FROM sensor_sample ORDER BY id LIMIT ?1 OFFSET ?2",
      limit, offset, [](const Statement& s) {
        return SensorSampleRow{s.column_int(0), s.column_int(1), s.column_text(2), s.column_text(3),
                               s.column_double(4)};
      });
}

namespace {

double real_or_nan(const Statement& s, int column) {
  return sqlite3_column_type(s.get(), column) == SQLITE_NULL
             ? std::numeric_limits<double>::quiet_NaN()
             : s.column_double(column);
}

}  // namespace

core::Result<std::vector<ExcursionRow>> LogReader::excursion_rows(std::int64_t from_ms,
                                                                  std::int64_t to_ms,
                                                                  std::string_view room) const {
  detail::SqlError e;
  auto stmt = Statement::prepare(
      impl_->db,
      // Overlapping [from, to): starts before `to`, and ends after `from` (or, lasting no
      // time at all, starts within the range).
      "SELECT id, room, kind, start_ms, end_ms, duration_ms, peak, limit_value, alarmed, defrost,"
      " probe, detail FROM cold_excursion"
      " WHERE start_ms < ?2 AND (end_ms > ?1 OR start_ms >= ?1) AND (?3 IS NULL OR room = ?3)"
      " ORDER BY start_ms, id",
      &e);
  if (!stmt) return impl_->failed(e);
  stmt->bind(1, from_ms);
  stmt->bind(2, to_ms);
  stmt->bind_text_or_null(3, room);  // empty: every room
  std::vector<ExcursionRow> out;
  int rc = SQLITE_ROW;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    const Statement& s = *stmt;
    out.push_back(ExcursionRow{s.column_int(0), s.column_text(1), s.column_text(2),
                               s.column_int(3), s.column_int(4), s.column_int(5),
                               real_or_nan(s, 6), real_or_nan(s, 7), s.column_int(8) != 0,
                               s.column_int(9) != 0, s.column_text(10), s.column_text(11)});
  }
  if (rc != SQLITE_DONE) return impl_->failed(impl_->db.error(rc));
  return out;
}

core::Result<std::vector<PlanRow>> LogReader::plan_rows(int limit, bool with_json) const {
  detail::SqlError e;
  auto stmt = Statement::prepare(
      impl_->db,
      "SELECT id, t_ms, method, instance, made_at_min, parcels_demanded, parcels_on_time, parcels_late,"
      " parcels_unplanned, changes, CASE WHEN ?2 THEN plan_json ELSE '' END FROM plan"
      " ORDER BY t_ms DESC, id DESC LIMIT ?1",
      &e);
  if (!stmt) return impl_->failed(e);
  stmt->bind(1, std::int64_t{limit});
  stmt->bind(2, std::int64_t{with_json ? 1 : 0});
  std::vector<PlanRow> out;
  int rc = SQLITE_ROW;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    const Statement& s = *stmt;
    auto as_int = [&](int column) { return static_cast<int>(s.column_int(column)); };
    out.push_back(PlanRow{s.column_int(0), s.column_int(1), s.column_text(2), s.column_text(3), as_int(4),
                          as_int(5), as_int(6), as_int(7), as_int(8), as_int(9), s.column_text(10)});
  }
  if (rc != SQLITE_DONE) return impl_->failed(impl_->db.error(rc));
  return out;
}

}  // namespace coldsort::store
