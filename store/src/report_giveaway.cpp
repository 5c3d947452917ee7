// Giveaway (packed weight over the label's nominal, per worker and SKU) and station
// utilisation. Rollup path: box_hour; raw path: box.
#include <map>
#include <set>
#include <tuple>

#include "report_common.hpp"

namespace coldsort::store::detail {
namespace {

constexpr const char* kGiveawayRollupSql =
    "SELECT worker, box_type, product_id, SUM(boxes), TOTAL(nominal_g), TOTAL(weight_g) FROM box_hour"
    " WHERE hour_ms >= ?1 AND hour_ms < ?2 GROUP BY worker, box_type, product_id";
constexpr const char* kGiveawayRawSql =
    "SELECT worker, box_type, COALESCE(product_id, ''), COUNT(*), TOTAL(nominal_g), TOTAL(weight_g) FROM box"
    " WHERE packed_ms >= ?1 AND packed_ms < ?2 GROUP BY worker, box_type, COALESCE(product_id, '')";
constexpr const char* kStationRollupSql =
    "SELECT station, hour_ms, SUM(boxes), TOTAL(pack_s) FROM box_hour"
    " WHERE hour_ms >= ?1 AND hour_ms < ?2 GROUP BY station, hour_ms";
// ?3: the UTC offset; the key is the local hour (packed_ms is never negative).
constexpr const char* kStationRawSql =
    "SELECT station, (packed_ms + ?3) / 3600000 * 3600000 - ?3 AS h, COUNT(*), TOTAL(pack_s) FROM box"
    " WHERE packed_ms >= ?1 AND packed_ms < ?2 GROUP BY station, h";

// Runs `rollup_sql` over whole hours and `raw_sql` over the edges (or everything).
template <class RowFn>
core::Result<void> read_boxes(const ReportContext& ctx, bool rollup_ok, const char* rollup_sql,
                              const char* raw_sql, RowFn row) {
  const auto segments = split_range(ctx.range, kHourMs, ctx.rollups() && rollup_ok);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& seg = segments[i];
    auto stmt = prepare_report_sql(ctx, seg.rollup ? rollup_sql : raw_sql);
    if (!stmt) return stmt.error();
    stmt->bind(1, seg.range.from_ms);
    stmt->bind(2, seg.range.to_ms);
    if (!seg.rollup && sqlite3_bind_parameter_count(stmt->get()) >= 3) stmt->bind(3, ctx.offset_ms);
    auto done = each_row(ctx, *stmt, row);
    if (!done) return done.error();
    ctx.progress(static_cast<double>(i + 1) / static_cast<double>(segments.size()));
  }
  return {};
}

struct Sku {
  std::int64_t boxes = 0;
  double nominal_g = 0, weight_g = 0;
};

struct StationUse {
  std::int64_t boxes = 0;
  double pack_s = 0;
  std::set<std::int64_t> hours;
};

const char* source_note(const ReportContext& ctx) {
  return ctx.rollups() ? "Source: the box_hour rollup (raw box rows for a partial hour at the range's edges)."
                       : "Source: the raw box rows.";
}

}  // namespace

core::Result<ReportTable> run_giveaway(const ReportContext& ctx) {
  std::map<std::tuple<std::string, std::string, std::string>, Sku> skus;
  auto ok = read_boxes(ctx, true, kGiveawayRollupSql, kGiveawayRawSql, [&](const Statement& s) {
    Sku& k = skus[{s.column_text(0), s.column_text(1), s.column_text(2)}];
    k.boxes += s.column_int(3);
    k.nominal_g += s.column_double(4);
    k.weight_g += s.column_double(5);
  });
  if (!ok) return ok.error();
  ReportTable t;
  t.report = "giveaway";
  t.title = "Giveaway per packer and SKU, " + range_text(ctx);
  t.columns = {{"worker", "", 0},       {"box_type", "", 0},       {"product_id", "", 0},
               {"boxes", "", 0},        {"nominal_kg", "kg", 3},   {"packed_kg", "kg", 3},
               {"giveaway_kg", "kg", 3}, {"giveaway_pct", "%", 2}};
  for (const auto& [key, k] : skus) {
    const auto& [worker, box_type, product] = key;
    const double nominal_g = settled(k.nominal_g, kWeightResolutionG);
    const double weight_g = settled(k.weight_g, kWeightResolutionG);
    t.rows.push_back({worker, box_type, text_cell(product), k.boxes, nominal_g / 1000.0,
                      weight_g / 1000.0, (weight_g - nominal_g) / 1000.0,
                      number_cell(percent(weight_g - nominal_g, nominal_g))});
  }
  t.notes = {
      "Per worker and SKU (box_type + product_id), the boxes packed in the range (by packed time), ordered by "
      "worker, box type, product.",
      "giveaway_kg = packed_kg - nominal_kg (sums of check-weighed weight_g and of the labels' nominal_g, / 1000); "
      "negative when boxes were under weight.",
      "giveaway_pct = giveaway / nominal * 100, from the unrounded sums.",
      source_note(ctx),
  };
  return t;
}

core::Result<ReportTable> run_stations(const ReportContext& ctx) {
  std::map<std::string, StationUse> stations;
  auto ok = read_boxes(ctx, ctx.hours_are_local(), kStationRollupSql, kStationRawSql, [&](const Statement& s) {
    StationUse& u = stations[s.column_text(0)];
    u.boxes += s.column_int(2);
    u.pack_s += s.column_double(3);
    u.hours.insert(s.column_int(1));
  });
  if (!ok) return ok.error();
  ReportTable t;
  t.report = "stations";
  t.title = "Station utilisation, " + range_text(ctx);
  t.columns = {{"station", "", 0}, {"boxes", "", 0}, {"busy_h", "h", 2}, {"open_h", "h", 0},
               {"utilisation_pct", "%", 2}};
  for (const auto& [station, u] : stations) {
    const double busy_h = settled(u.pack_s, kPackTimeResolutionS) / 3600.0;
    const auto open_h = static_cast<std::int64_t>(u.hours.size());
    t.rows.push_back({station, u.boxes, busy_h, open_h,
                      number_cell(percent(busy_h, static_cast<double>(open_h)))});
  }
  t.notes = {
      "Per station, the boxes packed in the range (by packed time).",
      "busy_h: sum of pack_s / 3600; open_h: distinct local clock hours with at least one box at the station; "
      "utilisation_pct = busy_h / open_h * 100 (from the unrounded busy hours).",
      source_note(ctx),
  };
  return t;
}

}  // namespace coldsort::store::detail
