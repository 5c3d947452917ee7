// Packer output per worker (and local day): boxes, fruit, kg, hours at the station, boxes per
// hour, first and last box; with a worker as filter, that worker's boxes one by one so that
// every paid count traces to its check-weigh. Rollup path: box_hour; raw path: box.
#include <map>
#include <utility>

#include "report_common.hpp"

namespace coldsort::store::detail {
namespace {

constexpr const char* kRollupSql =
    "SELECT worker, hour_ms, SUM(boxes), SUM(fruit), TOTAL(weight_g), TOTAL(nominal_g), TOTAL(pack_s)"
    " FROM box_hour WHERE hour_ms >= ?1 AND hour_ms < ?2 GROUP BY worker, hour_ms";
// ?3 offset, ?4 the bucket (a day, or beyond all times for one period): the key is the
// local bucket; packed_ms is never negative, so integer division floors.
constexpr const char* kRawSql =
    "SELECT worker, (packed_ms + ?3) / ?4 AS k, COUNT(*), SUM(fruit_count), TOTAL(weight_g),"
    " TOTAL(nominal_g), TOTAL(pack_s), MIN(packed_ms), MAX(packed_ms)"
    " FROM box WHERE packed_ms >= ?1 AND packed_ms < ?2 GROUP BY worker, k";
// The (worker, packed_ms) index answers each of these with one seek.
constexpr const char* kFirstSql =
    "SELECT packed_ms FROM box WHERE worker = ?1 AND packed_ms >= ?2 AND packed_ms < ?3"
    " ORDER BY packed_ms LIMIT 1";
constexpr const char* kLastSql =
    "SELECT packed_ms FROM box WHERE worker = ?1 AND packed_ms >= ?2 AND packed_ms < ?3"
    " ORDER BY packed_ms DESC LIMIT 1";
constexpr const char* kBoxesSql =
    "SELECT box_id, packed_ms, station, COALESCE(order_id, ''), box_type, COALESCE(product_id, ''),"
    " COALESCE(lot_id, ''), fruit_count, weight_g, nominal_g, pack_s FROM box"
    " WHERE worker = ?1 AND packed_ms >= ?2 AND packed_ms < ?3 ORDER BY packed_ms, id";

struct Output {
  std::int64_t boxes = 0, fruit = 0;
  double weight_g = 0, nominal_g = 0, pack_s = 0;
  std::int64_t first_ms = kEndOfTimeMs, last_ms = -1;
};

using Key = std::pair<std::string, std::int64_t>;  // worker, local day key (0: one period)

struct Grouping {
  std::int64_t bucket_ms;  // kDayMs, or kEndOfTimeMs * 2 for one period
  std::int64_t offset_ms;
  std::int64_t key_of(std::int64_t t_ms) const { return floor_div(t_ms + offset_ms, bucket_ms); }
};

core::Result<void> read_output(const ReportContext& ctx, const Grouping& g, std::map<Key, Output>& out) {
  const bool by_day = g.bucket_ms == kDayMs;
  const auto segments = split_range(ctx.range, kHourMs, ctx.rollups() && (!by_day || ctx.hours_are_local()));
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& seg = segments[i];
    auto stmt = prepare_report_sql(ctx, seg.rollup ? kRollupSql : kRawSql);
    if (!stmt) return stmt.error();
    stmt->bind(1, seg.range.from_ms);
    stmt->bind(2, seg.range.to_ms);
    if (!seg.rollup) {
      stmt->bind(3, g.offset_ms);
      stmt->bind(4, g.bucket_ms);
    }
    auto done = each_row(ctx, *stmt, [&](const Statement& s) {
      const std::int64_t key = seg.rollup ? g.key_of(s.column_int(1)) : s.column_int(1);
      Output& o = out[Key{s.column_text(0), key}];
      o.boxes += s.column_int(2);
      o.fruit += s.column_int(3);
      o.weight_g += s.column_double(4);
      o.nominal_g += s.column_double(5);
      o.pack_s += s.column_double(6);
      if (!seg.rollup) {
        o.first_ms = std::min(o.first_ms, s.column_int(7));
        o.last_ms = std::max(o.last_ms, s.column_int(8));
      }
    });
    if (!done) return done.error();
    ctx.progress(0.8 * static_cast<double>(i + 1) / static_cast<double>(segments.size()));
  }
  return {};
}

// The rollup keeps hours only: the first and last box come from the box index.
core::Result<void> find_first_last(const ReportContext& ctx, const Grouping& g, std::map<Key, Output>& out) {
  auto first = prepare_report_sql(ctx, kFirstSql);
  auto last = prepare_report_sql(ctx, kLastSql);
  if (!first) return first.error();
  if (!last) return last.error();
  for (auto& [key, o] : out) {
    TimeRange r = ctx.range;
    if (g.bucket_ms == kDayMs) {
      const std::int64_t start = key.second * kDayMs - g.offset_ms;
      r = {std::max(r.from_ms, start), std::min(r.to_ms, start + kDayMs)};
    }
    for (auto [stmt, into] : {std::pair{&*first, &o.first_ms}, std::pair{&*last, &o.last_ms}}) {
      stmt->bind(1, key.first);
      stmt->bind(2, r.from_ms);
      stmt->bind(3, r.to_ms);
      auto done = each_row(ctx, *stmt, [into = into](const Statement& s) { *into = s.column_int(0); });
      stmt->reset();
      if (!done) return done.error();
    }
  }
  return {};
}

ReportTable box_list(const ReportContext& ctx, Statement& stmt, core::Result<void>& status) {
  ReportTable t;
  t.report = "packers";
  t.title = "Boxes packed by " + ctx.query.filter + ", " + range_text(ctx);
  t.columns = {{"box_id", "", 0},     {"packed", "local time", 0}, {"station", "", 0},
               {"order_id", "", 0},   {"box_type", "", 0},         {"product_id", "", 0},
               {"lot_id", "", 0},     {"fruit", "", 0},            {"weight_g", "g", 1},
               {"nominal_g", "g", 1}, {"pack_s", "s", 1}};
  status = each_row(ctx, stmt, [&](const Statement& s) {
    t.rows.push_back({s.column_text(0), local_text(s.column_int(1), ctx.offset_ms, TimeText::second),
                      s.column_text(2), text_cell(s.column_text(3)), s.column_text(4),
                      text_cell(s.column_text(5)), text_cell(s.column_text(6)), s.column_int(7),
                      s.column_double(8), s.column_double(9), s.column_double(10)});
  });
  t.notes = {"Every box (parcel) the worker packed in the range, by packed time: the check-weighed "
             "weight_g and the label's nominal_g, the station and the order, so that each paid box can be "
             "traced. Read from the raw box rows with either source (the rollups keep no boxes)."};
  return t;
}

}  // namespace

core::Result<ReportTable> run_packers(const ReportContext& ctx) {
  if (!ctx.query.filter.empty()) {
    auto stmt = prepare_report_sql(ctx, kBoxesSql);
    if (!stmt) return stmt.error();
    stmt->bind(1, ctx.query.filter);
    stmt->bind(2, ctx.range.from_ms);
    stmt->bind(3, ctx.range.to_ms);
    core::Result<void> status;
    ReportTable t = box_list(ctx, *stmt, status);
    if (!status) return status.error();
    return t;
  }
  const bool by_day = ctx.query.group_by == "day";
  const Grouping g{by_day ? kDayMs : kEndOfTimeMs * 2, ctx.offset_ms};
  std::map<Key, Output> out;
  if (auto ok = read_output(ctx, g, out); !ok) return ok.error();
  if (ctx.rollups())
    if (auto ok = find_first_last(ctx, g, out); !ok) return ok.error();

  ReportTable t;
  t.report = "packers";
  t.title = std::string("Packer output per ") + (by_day ? "day" : "worker") + ", " + range_text(ctx);
  t.columns.push_back({"worker", "", 0});
  if (by_day) t.columns.push_back({"day", "local", 0});
  const std::vector<ReportColumn> rest = {
      {"boxes", "", 0},   {"fruit", "", 0},           {"packed_kg", "kg", 3},        {"nominal_kg", "kg", 3},
      {"pack_h", "h", 2}, {"boxes_per_h", "boxes/h", 1}, {"first_box", "local time", 0}, {"last_box", "local time", 0}};
  t.columns.insert(t.columns.end(), rest.begin(), rest.end());
  for (const auto& [key, o] : out) {
    std::vector<ReportCell> row{key.first};
    if (by_day) row.push_back(local_text(key.second * kDayMs - ctx.offset_ms, ctx.offset_ms, TimeText::date));
    const double pack_h = settled(o.pack_s, kPackTimeResolutionS) / 3600.0;
    row.insert(row.end(), {o.boxes, o.fruit, settled(o.weight_g, kWeightResolutionG) / 1000.0,
                           settled(o.nominal_g, kWeightResolutionG) / 1000.0, pack_h,
                           number_cell(pack_h > 0 ? static_cast<double>(o.boxes) / pack_h
                                                  : std::numeric_limits<double>::quiet_NaN()),
                           local_text(o.first_ms, ctx.offset_ms, TimeText::second),
                           local_text(o.last_ms, ctx.offset_ms, TimeText::second)});
    t.rows.push_back(std::move(row));
  }
  t.notes = {
      "Per worker" + std::string(by_day ? " and local day (UTC" + offset_text(ctx.query.utc_offset_min) + ")" : "") +
          ", the boxes packed in the range (by packed time), ordered by worker" +
          (by_day ? " and day." : "."),
      "packed_kg: sum of check-weighed weight_g / 1000; nominal_kg: sum of the labels' nominal_g / 1000; "
      "fruit: sum of fruit_count.",
      "pack_h: sum of pack_s / 3600; boxes_per_h = boxes / (sum of pack_s / 3600), from the unrounded hours.",
      "first_box, last_box: local time of the first and last box in the row's range. "
      "Run with --worker W to list W's boxes one by one (check-weigh trace).",
      ctx.rollups() ? "Source: the box_hour rollup (raw box rows for a partial hour at the range's edges; first and "
                      "last box from the box table's worker index)."
                    : "Source: the raw box rows.",
  };
  return t;
}

}  // namespace coldsort::store::detail
