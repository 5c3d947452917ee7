// Grade and size outturn per grower lot: the grower payment sheet. Rollup path: fruit_hour;
// raw path: the fruit rows.
#include <map>
#include <tuple>

#include "report_common.hpp"

namespace coldsort::store::detail {
namespace {

// ?3 IS NULL: every lot; else one lot (fruit without a lot are '' in the rollup).
constexpr const char* kRollupSql =
    "SELECT lot_id, grade, size_code, SUM(n), TOTAL(weight_g) FROM fruit_hour"
    " WHERE hour_ms >= ?1 AND hour_ms < ?2 AND (?3 IS NULL OR lot_id = ?3)"
    " GROUP BY lot_id, grade, size_code";
constexpr const char* kRawSql =
    "SELECT COALESCE(lot_id, ''), grade, COALESCE(size_code, ''), COUNT(*), TOTAL(weight_g) FROM fruit"
    " WHERE t_ms >= ?1 AND t_ms < ?2 AND (?3 IS NULL OR lot_id = ?3)"
    " GROUP BY COALESCE(lot_id, ''), grade, COALESCE(size_code, '')";
constexpr const char* kLotSql = "SELECT lot_id, grower, COALESCE(variety, '') FROM lot";

// Ordered as the sheet lists them: lot, grade in enum order, size code.
using Key = std::tuple<std::string, int, std::string, std::string>;  // lot, rank, size, grade

struct Sum {
  std::int64_t fruit = 0;
  double weight_g = 0;
};

core::Result<void> read_outturn(const ReportContext& ctx, std::map<Key, Sum>& cells) {
  const auto segments = split_range(ctx.range, kHourMs, ctx.rollups());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& seg = segments[i];
    auto stmt = prepare_report_sql(ctx, seg.rollup ? kRollupSql : kRawSql);
    if (!stmt) return stmt.error();
    stmt->bind(1, seg.range.from_ms);
    stmt->bind(2, seg.range.to_ms);
    stmt->bind_text_or_null(3, ctx.query.filter);
    auto done = each_row(ctx, *stmt, [&](const Statement& s) {
      std::string grade = s.column_text(1);
      const int rank = grade_rank(grade);
      Sum& sum = cells[Key{s.column_text(0), rank, s.column_text(2), std::move(grade)}];
      sum.fruit += s.column_int(3);
      sum.weight_g += s.column_double(4);
    });
    if (!done) return done.error();
    ctx.progress(static_cast<double>(i + 1) / static_cast<double>(segments.size() + 1));
  }
  return {};
}

struct LotInfo {
  std::string grower, variety;
};

core::Result<std::map<std::string, LotInfo>> read_lots(const ReportContext& ctx) {
  std::map<std::string, LotInfo> lots;
  auto stmt = prepare_report_sql(ctx, kLotSql);
  if (!stmt) return stmt.error();
  auto done = each_row(ctx, *stmt, [&](const Statement& s) {
    lots[s.column_text(0)] = LotInfo{s.column_text(1), s.column_text(2)};
  });
  if (!done) return done.error();
  return lots;
}

}  // namespace

core::Result<ReportTable> run_outturn(const ReportContext& ctx) {
  std::map<Key, Sum> cells;
  if (auto ok = read_outturn(ctx, cells); !ok) return ok.error();
  auto lots = read_lots(ctx);
  if (!lots) return lots.error();
  std::map<std::string, Sum> lot_total;
  for (const auto& [key, sum] : cells) {
    Sum& total = lot_total[std::get<0>(key)];
    total.fruit += sum.fruit;
    total.weight_g += sum.weight_g;
  }

  ReportTable t;
  t.report = "outturn";
  t.title = "Grade and size outturn per lot" +
            (ctx.query.filter.empty() ? std::string() : " " + ctx.query.filter) + ", " + range_text(ctx);
  t.columns = {{"lot_id", "", 0},    {"grower", "", 0},    {"variety", "", 0},
               {"grade", "", 0},     {"size_code", "", 0}, {"fruit", "", 0},
               {"weight_kg", "kg", 3}, {"fruit_pct", "%", 2}, {"weight_pct", "%", 2}};
  for (const auto& [key, sum] : cells) {
    const auto& [lot, rank, size, grade] = key;
    const auto info = lots->find(lot);
    const Sum& total = lot_total[lot];
    std::vector<ReportCell> row;
    row.push_back(text_cell(lot));
    row.push_back(text_cell(info == lots->end() ? "" : info->second.grower));
    row.push_back(text_cell(info == lots->end() ? "" : info->second.variety));
    row.push_back(grade);
    row.push_back(text_cell(size));
    row.push_back(sum.fruit);
    const double weight_g = settled(sum.weight_g, kWeightResolutionG);
    row.push_back(weight_g / 1000.0);
    row.push_back(number_cell(percent(static_cast<double>(sum.fruit), static_cast<double>(total.fruit))));
    row.push_back(number_cell(percent(weight_g, settled(total.weight_g, kWeightResolutionG))));
    t.rows.push_back(std::move(row));
  }
  t.notes = {
      "One row per lot, grade and size code of the fruit graded in the range (by the fruit's time); "
      "ordered by lot id, grade (extra, class_i, class_ii, out_of_grade, unknown), size code (as text).",
      "fruit_pct: the row's fruit as a percentage of all fruit of that lot graded in the range (every "
      "grade and size, out-of-grade and unknown included).",
      "weight_pct: the row's weighed kg as a percentage of that lot's weighed kg in the range; weight_kg "
      "sums the fruit that have a weight (NULL weights are left out of both).",
      "Fruit without a lot or a size code have those cells empty; grower and variety come from the lot "
      "table (empty when the lot was never registered).",
      ctx.rollups() ? "Source: the fruit_hour rollup (raw fruit rows for a partial hour at the range's edges)."
                    : "Source: the raw fruit rows.",
  };
  return t;
}

}  // namespace coldsort::store::detail
