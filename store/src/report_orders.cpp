// Orders against their couriers' cut-offs, per courier (and local cut-off day).
#include "report_common.hpp"

namespace coldsort::store::detail {
namespace {

// ?3 offset, ?4 bucket (a day, or beyond all times for one row per courier); cutoff_ms is
// never negative, so integer division floors. The cutoff index bounds the scan.
constexpr const char* kOrdersSql =
    "SELECT COALESCE(courier, ''), (cutoff_ms + ?3) / ?4 AS k, COUNT(*), TOTAL(boxes),"
    " TOTAL(status = 'cancelled'),"
    " TOTAL(status <> 'cancelled' AND packed_ms IS NOT NULL AND packed_ms <= cutoff_ms),"
    " TOTAL(status <> 'cancelled' AND packed_ms > cutoff_ms),"
    " TOTAL(status <> 'cancelled' AND packed_ms IS NULL)"
    " FROM customer_order WHERE cutoff_ms >= ?1 AND cutoff_ms < ?2"
    " GROUP BY COALESCE(courier, ''), k ORDER BY COALESCE(courier, ''), k";

}  // namespace

core::Result<ReportTable> run_orders(const ReportContext& ctx) {
  const bool by_day = ctx.query.group_by == "day";
  auto stmt = prepare_report_sql(ctx, kOrdersSql);
  if (!stmt) return stmt.error();
  stmt->bind(1, ctx.range.from_ms);
  stmt->bind(2, ctx.range.to_ms);
  stmt->bind(3, ctx.offset_ms);
  stmt->bind(4, by_day ? kDayMs : kEndOfTimeMs * 2);
  ReportTable t;
  t.report = "orders";
  t.title = std::string("Orders against their cut-off per courier") + (by_day ? " and day" : "") + ", " +
            range_text(ctx);
  t.columns.push_back({"courier", "", 0});
  if (by_day) t.columns.push_back({"day", "local", 0});
  const std::vector<ReportColumn> rest = {{"orders", "", 0},  {"boxes", "", 0},      {"cancelled", "", 0},
                                          {"on_time", "", 0}, {"late", "", 0},       {"not_packed", "", 0},
                                          {"on_time_pct", "%", 2}};
  t.columns.insert(t.columns.end(), rest.begin(), rest.end());
  auto count = [](const Statement& s, int i) { return static_cast<std::int64_t>(s.column_double(i)); };
  auto done = each_row(ctx, *stmt, [&](const Statement& s) {
    std::vector<ReportCell> row{text_cell(s.column_text(0))};
    if (by_day) row.push_back(local_text(s.column_int(1) * kDayMs - ctx.offset_ms, ctx.offset_ms, TimeText::date));
    const std::int64_t orders = s.column_int(2), cancelled = count(s, 4), on_time = count(s, 5);
    row.insert(row.end(), {orders, count(s, 3), cancelled, on_time, count(s, 6), count(s, 7),
                           number_cell(percent(static_cast<double>(on_time), static_cast<double>(orders - cancelled)))});
    t.rows.push_back(std::move(row));
  });
  if (!done) return done.error();
  t.notes = {
      "Orders whose cut-off (cutoff_ms) falls in the range, per courier" +
          std::string(by_day ? " and local cut-off day" : "") + "; boxes: sum of the orders' boxes.",
      "cancelled: status cancelled (whatever happened before); of the others: on_time when first packed at or "
      "before the cut-off (packed_ms <= cutoff_ms), late when packed after it, not_packed when never packed.",
      "on_time_pct = on_time / (orders - cancelled) * 100; empty when every order was cancelled.",
      "Source: the customer_order table (latest state per order; its cutoff index) for both sources: "
      "there is no order rollup.",
  };
  return t;
}

}  // namespace coldsort::store::detail
