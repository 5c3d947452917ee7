// Reports::open and run: the name table, the query's checks, and the read-only connection.
#include <algorithm>
#include <set>

#include "coldsort/core/log.hpp"
#include "report_common.hpp"
#include "schema.hpp"

namespace coldsort::store {
namespace {

using detail::ReportContext;

struct ReportEntry {
  std::string_view name;
  core::Result<ReportTable> (*run)(const ReportContext&);
  std::vector<std::string_view> group_by;  // accepted values besides "" (the default)
  bool takes_filter;
};

const std::vector<ReportEntry>& entries() {
  static const std::vector<ReportEntry> table = {
      {"throughput", detail::run_throughput, {"hour", "shift", "day"}, false},
      {"outturn", detail::run_outturn, {}, true},
      {"packers", detail::run_packers, {"period", "day"}, true},
      {"giveaway", detail::run_giveaway, {}, false},
      {"stations", detail::run_stations, {}, false},
      {"cold-chain", detail::run_cold_chain, {}, true},
      {"excursions", detail::run_excursions, {}, true},
      {"orders", detail::run_orders, {"courier", "day"}, false},
  };
  return table;
}

// Checks what a report does not check itself: the range, grouping, filter and shifts.
core::Result<void> check_query(const ReportEntry& entry, const ReportQuery& q) {
  const std::string name(entry.name);
  if (q.from_ms < 0 || q.to_ms < 0) return detail::bad_query(name, "negative time in the range");
  if (q.to_ms != 0 && q.from_ms >= q.to_ms) return detail::bad_query(name, "the range ends before it starts");
  // Local offsets run from UTC-12:00 to UTC+14:00 (ISO 8601 zones in use).
  if (q.utc_offset_min < -12 * 60 || q.utc_offset_min > 14 * 60)
    return detail::bad_query(name, "UTC offset out of range -12:00..+14:00");
  if (!q.group_by.empty() &&
      std::find(entry.group_by.begin(), entry.group_by.end(), q.group_by) == entry.group_by.end())
    return detail::bad_query(name, "cannot group by '" + q.group_by + "'");
  if (!q.filter.empty() && !entry.takes_filter) return detail::bad_query(name, "takes no filter");
  if (q.group_by == "shift") {
    if (q.shifts.empty()) return detail::bad_query(name, "grouping by shift needs shifts");
    std::set<int> starts;
    for (const Shift& s : q.shifts) {
      if (s.name.empty() || s.start_min < 0 || s.start_min >= 24 * 60 || !starts.insert(s.start_min).second)
        return detail::bad_query(name, "shifts need names and distinct starts within the day");
    }
  }
  return {};
}

}  // namespace

const std::vector<std::string>& report_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const ReportEntry& e : entries()) out.emplace_back(e.name);
    return out;
  }();
  return names;
}

struct Reports::Impl {
  std::string path;
  detail::Connection db;
};

Reports::Reports(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Reports::Reports(Reports&&) noexcept = default;
Reports& Reports::operator=(Reports&&) noexcept = default;
Reports::~Reports() = default;

core::Result<Reports> Reports::open(const std::string& path) {
  auto db = detail::open_database(path, detail::OpenMode::read_only);
  if (!db) return db.error();
  detail::SqlError e;
  auto version = db->query_int("PRAGMA user_version", &e);
  if (!version) {
    core::log::error("store", "cannot read '" + path + "': " + e.message);
    return core::make_error_code(detail::to_errc(e.code));
  }
  // Version 5 brought the packing tables and rollups every report reads.
  if (*version < 5) {
    core::log::error("store", "'" + path + "' has schema version " + std::to_string(*version) +
                                  "; reports need version 5 or later (open it once with the daemon)");
    return core::make_error_code(core::errc::store_io);
  }
  return Reports(std::make_unique<Impl>(Impl{path, std::move(*db)}));
}

core::Result<ReportTable> Reports::run(std::string_view name, const ReportQuery& query) const {
  const auto& all = entries();
  auto entry = std::find_if(all.begin(), all.end(), [&](const ReportEntry& e) { return e.name == name; });
  if (entry == all.end()) return detail::bad_query(name, "no such report");
  if (auto ok = check_query(*entry, query); !ok) return ok.error();
  ReportContext ctx;
  ctx.db = &impl_->db;
  ctx.path = impl_->path;
  ctx.query = query;
  std::sort(ctx.query.shifts.begin(), ctx.query.shifts.end(),
            [](const Shift& a, const Shift& b) { return a.start_min < b.start_min; });
  ctx.range.from_ms = query.from_ms;
  ctx.range.to_ms = query.to_ms == 0 ? detail::kEndOfTimeMs : query.to_ms;
  ctx.offset_ms = std::int64_t{query.utc_offset_min} * detail::kMinuteMs;
  ctx.progress(0.0);
  auto table = entry->run(ctx);
  if (table) ctx.progress(1.0);
  return table;
}

}  // namespace coldsort::store
