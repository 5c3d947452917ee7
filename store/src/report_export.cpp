// export_table: one raw table streamed row by row (one prepared statement, one row in memory).
#include <algorithm>

#include "coldsort/core/log.hpp"
#include "coldsort/store/table_export.hpp"
#include "report_common.hpp"
#include "schema.hpp"

namespace coldsort::store {
namespace {

using detail::SqlError;
using detail::Statement;

boost::system::error_code export_failed(const std::string& path, const SqlError& e) {
  core::log::error("store", "exporting from '" + path + "' failed: " + e.message);
  return core::make_error_code(detail::to_errc(e.code));
}

// The table's columns in schema order (names come from the schema, so quoting is safe).
core::Result<std::vector<std::string>> columns_of(const detail::Connection& db, const std::string& path,
                                                  const std::string& table) {
  SqlError e;
  const std::string sql = "SELECT name FROM pragma_table_info('" + table + "')";
  auto stmt = Statement::prepare(db, sql.c_str(), &e);
  if (!stmt) return export_failed(path, e);
  std::vector<std::string> names;
  int rc = SQLITE_ROW;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    std::string name = stmt->column_text(0);
    if (!(table == "plan" && name == "plan_json")) names.push_back(std::move(name));
  }
  if (rc != SQLITE_DONE) return export_failed(path, db.error(rc));
  return names;
}

SqlValue value_of(const Statement& s, int c) {
  switch (sqlite3_column_type(s.get(), c)) {
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_INTEGER: return s.column_int(c);
    case SQLITE_FLOAT: return s.column_double(c);
    default: return s.column_text(c);
  }
}

core::Result<std::int64_t> count_rows(const detail::Connection& db, const std::string& path, const std::string& sql,
                                      std::int64_t from_ms, std::int64_t to_ms, bool ranged) {
  SqlError e;
  auto stmt = Statement::prepare(db, sql.c_str(), &e);
  if (!stmt) return export_failed(path, e);
  if (ranged) {
    stmt->bind(1, from_ms);
    stmt->bind(2, to_ms);
  }
  const int rc = stmt->step();
  if (rc != SQLITE_ROW) return export_failed(path, db.error(rc));
  return stmt->column_int(0);
}

}  // namespace

const std::vector<ExportTable>& export_tables() {
  static const std::vector<ExportTable> tables = {
      {"fruit", "t_ms"},           {"box", "packed_ms"},          {"customer_order", "cutoff_ms"},
      {"order_event", "t_ms"},     {"lot", "intake_ms"},          {"sensor_sample", "t_ms"},
      {"alarm_event", "t_ms"},     {"cold_excursion", "start_ms"}, {"operator_action", "t_ms"},
      {"cold_room_band", "t_ms"},  {"plan", "t_ms"},
  };
  return tables;
}

core::Result<std::int64_t> export_table(const std::string& db_path, std::string_view table,
                                        const ExportQuery& query,
                                        const std::function<void(const std::vector<std::string>&)>& header,
                                        const std::function<void(const std::vector<SqlValue>&)>& row) {
  const auto& all = export_tables();
  auto it = std::find_if(all.begin(), all.end(), [&](const ExportTable& t) { return t.name == table; });
  if (it == all.end()) return detail::bad_query("export", "no table '" + std::string(table) + "'");
  const bool ranged = query.from_ms != 0 || query.to_ms != 0;
  const std::int64_t to_ms = query.to_ms == 0 ? detail::kEndOfTimeMs : query.to_ms;
  if (query.from_ms < 0 || query.from_ms >= to_ms) return detail::bad_query("export", "bad range");
  auto db = detail::open_database(db_path, detail::OpenMode::read_only);
  if (!db) return db.error();
  auto names = columns_of(*db, db_path, it->name);
  if (!names) return names.error();
  if (names->empty()) return detail::bad_query("export", "'" + db_path + "' has no table " + it->name);
  std::string list;
  for (const std::string& n : *names) list += (list.empty() ? "\"" : ", \"") + n + "\"";
  const std::string where = ranged ? " WHERE " + it->time_column + " >= ?1 AND " + it->time_column + " < ?2" : "";
  std::int64_t total = 0;
  if (query.progress) {
    auto n = count_rows(*db, db_path, "SELECT COUNT(*) FROM " + it->name + where, query.from_ms, to_ms, ranged);
    if (!n) return n.error();
    total = *n;
  }
  const std::string sql = "SELECT " + list + " FROM " + it->name + where +
                          (ranged ? " ORDER BY " + it->time_column + ", rowid" : " ORDER BY rowid");
  SqlError e;
  auto stmt = Statement::prepare(*db, sql.c_str(), &e);
  if (!stmt) return export_failed(db_path, e);
  if (ranged) {
    stmt->bind(1, query.from_ms);
    stmt->bind(2, to_ms);
  }
  header(*names);
  std::vector<SqlValue> values(names->size());
  std::int64_t done = 0;
  int rc = SQLITE_ROW;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    for (std::size_t c = 0; c < values.size(); ++c) values[c] = value_of(*stmt, static_cast<int>(c));
    row(values);
    // Every 4096 rows: often enough for a bar, rare enough to cost nothing.
    if (++done % 4096 == 0 && query.progress && total > 0)
      query.progress(static_cast<double>(done) / static_cast<double>(total));
  }
  if (rc != SQLITE_DONE) return export_failed(db_path, db->error(rc));
  if (query.progress) query.progress(1.0);
  return done;
}

}  // namespace coldsort::store
