// Every report on randomised logs: the rollups give exactly what the raw rows give, over
// whole days and over ranges that cut hours and minutes; and the figures agree with SQL
// written here, independently, over the raw rows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

#include "coldsort/store/season_seed.hpp"
#include "report_fixtures.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

namespace {

using namespace coldsort;
using namespace coldsort::test;

const std::int64_t kT0 = day0_ms();

// Weights and times in sevenths of a gram and second: no sum can land exactly on a
// rounding tie, so rollup and raw sums (added in different orders) print the same.
double sevenths(std::mt19937& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo * 7, hi * 7)(rng) / 7.0;
}

void write_random_days(const std::string& path, std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto s = open_store(path);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  auto when = [&](std::int64_t span_ms) { return kT0 + std::uniform_int_distribution<std::int64_t>(0, span_ms - 1)(rng); };
  const core::Grade grades[] = {core::Grade::extra, core::Grade::class_i, core::Grade::class_ii,
                                core::Grade::out_of_grade, core::Grade::unknown};
  for (int i = 0; i < 3; ++i)
    s->append_lot(core::Lot{"L" + std::to_string(i), "G" + std::to_string(i), "soft", 1000, wall(kT0), ""});
  for (int i = 0; i < 4000; ++i) {
    const int lot = pick(4), size = pick(5);
    s->append_fruit(report_fruit(when(2 * kDay), pick(4), lot == 3 ? "" : "L" + std::to_string(lot), grades[pick(5)],
                                 size == 4 ? "" : "S" + std::to_string(size),
                                 pick(10) == 0 ? std::nan("") : sevenths(rng, 250, 600)));
  }
  for (int i = 0; i < 600; ++i) {
    const std::string id = "B" + std::to_string(pick(550));  // some repeat: ignored by the log
    s->append_box(report_box({id, "W" + std::to_string(pick(5)), "S0" + std::to_string(pick(4)),
                              pick(2) ? "gift-6" : "ecom-8", pick(4) == 0 ? "" : "P" + std::to_string(pick(3)), 6,
                              sevenths(rng, 2000, 2200), 2000, sevenths(rng, 60, 400), when(2 * kDay), ""}));
  }
  for (int i = 0; i < 150; ++i) {
    const std::string id = "O" + std::to_string(i), courier = pick(5) == 0 ? "" : "C" + std::to_string(pick(3));
    const std::int64_t cutoff = when(2 * kDay);
    s->append_order(report_order(id, courier, 1 + pick(3), cutoff, core::OrderStatus::open, cutoff - 3 * kHour));
    const int fate = pick(4);
    if (fate < 3) {
      const auto status = fate == 2 ? core::OrderStatus::cancelled : core::OrderStatus::packed;
      s->append_order(report_order(id, courier, 1, cutoff, status, cutoff + (pick(2) ? -1 : 1) * pick(90) * kMin));
    }
  }
  for (int room = 0; room < 2; ++room) {
    const std::string device = "cr" + std::to_string(room);
    s->append_cold_room(report_room("R" + std::to_string(room), device, 2, 8), wall(kT0 - kDay));
    s->append_cold_room(report_room("R" + std::to_string(room), device, 3, 7), wall(kT0));
    for (std::int64_t t = kT0; t < kT0 + 2 * kDay; t += kMin * (pick(40) == 0 ? 9 : 1) + pick(5) * 1000)
      s->append_sensor_sample(device, "record_temp_c", pick(50) == 0 ? std::nan("") : sevenths(rng, 1, 9), wall(t));
    for (int e = 0; e < 6; ++e) {
      const std::int64_t start = when(2 * kDay);
      const auto kind = pick(2) ? core::ExcursionKind::temp_high : core::ExcursionKind::door_open;
      s->append_excursion(report_excursion("R" + std::to_string(room), kind, start, start + pick(60) * kMin, 9, 8));
    }
  }
  s->flush();
}

std::string csv_of(const store::Reports& r, std::string_view name, const store::ReportQuery& q) {
  auto table = r.run(name, q);
  REQUIRE(table.has_value());
  return store::format_report(*table, store::ReportFormat::csv);
}

store::Reports open_reports(const std::string& path) {
  auto opened = store::Reports::open(path);
  REQUIRE(opened.has_value());
  return std::move(*opened);
}

struct RandomDays {
  TempDir dir;
  std::string path = (dir / "random.db").string();
  bool written = (write_random_days(path, 20261001), true);
  store::Reports reports = open_reports(path);
  store::LogReader reader = open_reader(path);

  std::vector<std::vector<store::SqlValue>> sql(const std::string& text) const {
    auto rows = reader.query(text);
    REQUIRE(rows.has_value());
    return *rows;
  }
};

std::int64_t as_int(const store::SqlValue& v) { return std::get<std::int64_t>(v); }
double as_real(const store::SqlValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}
std::string fixed(double v, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}
// A report's rows by their first cells (joined with '|'), each as its CSV fields.
std::map<std::string, std::vector<std::string>> rows_by_key(const std::string& csv, int key_cells) {
  std::map<std::string, std::vector<std::string>> out;
  std::size_t start = csv.find("\r\n") + 2;
  while (start < csv.size()) {
    const std::size_t end = csv.find("\r\n", start);
    std::vector<std::string> fields;
    std::string line = csv.substr(start, end - start), field;
    for (char c : line + ",") {
      if (c == ',') fields.push_back(std::exchange(field, {}));
      else field += c;
    }
    std::string key;
    for (int i = 0; i < key_cells; ++i) key += (i ? "|" : "") + fields[static_cast<std::size_t>(i)];
    out[key] = fields;
    start = end + 2;
  }
  return out;
}

}  // namespace

TEST_CASE("every report gives the same figures from rollups and from raw rows", "[integration][reports]") {
  RandomDays d;
  const std::pair<std::int64_t, std::int64_t> ranges[] = {
      {0, 0}, {kT0, kT0 + kDay}, {kT0 + 10 * kHour + 17 * kMin + 23'456, kT0 + kDay + 13 * kHour + 45 * kMin + 10'000}};
  const std::vector<std::pair<std::string, std::vector<std::string>>> reports = {
      {"throughput", {"", "hour", "shift"}}, {"outturn", {""}},     {"packers", {"", "day"}}, {"giveaway", {""}},
      {"stations", {""}},                    {"cold-chain", {""}},  {"excursions", {""}},     {"orders", {"", "day"}}};
  for (const auto& [from, to] : ranges) {
    for (const auto& [name, groupings] : reports) {
      for (const std::string& by : groupings) {
        INFO(name << " by '" << by << "' from " << from << " to " << to);
        auto q = report_query(from, to, by);
        const std::string rollups = csv_of(d.reports, name, q);
        q.source = store::ReportSource::raw;
        CHECK(csv_of(d.reports, name, q) == rollups);
        CHECK(rollups.find("\r\n") + 2 < rollups.size());  // not empty
      }
    }
  }
  auto q = report_query(0, 0);
  for (const std::string filter : {"L1", "W2", "R1"}) {
    const char* name = filter[0] == 'L' ? "outturn" : filter[0] == 'W' ? "packers" : "cold-chain";
    q.filter = filter;
    q.source = store::ReportSource::rollups;
    const std::string rollups = csv_of(d.reports, name, q);
    q.source = store::ReportSource::raw;
    CHECK(csv_of(d.reports, name, q) == rollups);
  }
}

TEST_CASE("throughput and outturn agree with SQL over the raw fruit rows", "[integration][reports]") {
  RandomDays d;
  const auto days = rows_by_key(csv_of(d.reports, "throughput", report_query(0, 0, "day")), 1);
  const auto sql = d.sql(
      "SELECT date((t_ms + 28800000) / 1000, 'unixepoch'), COUNT(*), TOTAL(weight_g), COUNT(DISTINCT t_ms / 60000)"
      " FROM fruit GROUP BY 1");
  REQUIRE(days.size() == sql.size());
  for (const auto& row : sql) {
    const auto& report = days.at(std::get<std::string>(row[0]));
    CHECK(report[1] == std::to_string(as_int(row[1])));
    CHECK(report[2] == fixed(as_real(row[2]) / 1000, 3));
    CHECK(report[3] == std::to_string(as_int(row[3])));
  }
  const auto outturn = rows_by_key(csv_of(d.reports, "outturn", report_query(0, 0)), 5);
  const auto cells = d.sql(
      "SELECT COALESCE(f.lot_id, '') || '|' || COALESCE(l.grower, '') || '|' || COALESCE(l.variety, '') || '|' ||"
      " f.grade || '|' || COALESCE(f.size_code, ''), COUNT(*), TOTAL(f.weight_g),"
      " 100.0 * COUNT(*) / (SELECT COUNT(*) FROM fruit g WHERE g.lot_id IS f.lot_id)"
      " FROM fruit f LEFT JOIN lot l ON l.lot_id = f.lot_id GROUP BY f.lot_id, f.grade, f.size_code");
  REQUIRE(outturn.size() == cells.size());
  for (const auto& row : cells) {
    const auto& report = outturn.at(std::get<std::string>(row[0]));
    CHECK(report[5] == std::to_string(as_int(row[1])));
    CHECK(report[6] == fixed(as_real(row[2]) / 1000, 3));
    CHECK(report[7] == fixed(as_real(row[3]), 2));
  }
}

TEST_CASE("packers, orders and time in range agree with SQL over the raw rows", "[integration][reports]") {
  RandomDays d;
  const auto packers = rows_by_key(csv_of(d.reports, "packers", report_query(kT0, kT0 + kDay)), 1);
  const auto boxes = d.sql(
      "SELECT worker, COUNT(*), SUM(fruit_count), TOTAL(weight_g), TOTAL(pack_s) FROM box"
      " WHERE packed_ms >= " + std::to_string(kT0) + " AND packed_ms < " + std::to_string(kT0 + kDay) + " GROUP BY worker");
  REQUIRE(packers.size() == boxes.size());
  for (const auto& row : boxes) {
    const auto& report = packers.at(std::get<std::string>(row[0]));
    CHECK(report[1] == std::to_string(as_int(row[1])));
    CHECK(report[2] == std::to_string(as_int(row[2])));
    CHECK(report[3] == fixed(as_real(row[3]) / 1000, 3));
    CHECK(report[5] == fixed(as_real(row[4]) / 3600, 2));
  }
  const auto orders = rows_by_key(csv_of(d.reports, "orders", report_query(0, 0)), 1);
  const auto by_courier = d.sql(
      "SELECT COALESCE(courier, ''), COUNT(*), SUM(status = 'cancelled'),"
      " SUM(status <> 'cancelled' AND packed_ms <= cutoff_ms) FROM customer_order GROUP BY 1");
  REQUIRE(orders.size() == by_courier.size());
  for (const auto& row : by_courier) {
    const auto& report = orders.at(std::get<std::string>(row[0]));
    CHECK(report[1] == std::to_string(as_int(row[1])));
    CHECK(report[3] == std::to_string(as_int(row[2])));
    CHECK(report[4] == std::to_string(as_int(row[3])));
  }
  // Time in range with a window over the samples, for the band in force on day 2 (3..7).
  const std::string to = std::to_string(kT0 + 2 * kDay);
  const auto tir = d.sql(
      "SELECT device, SUM(c), SUM(CASE WHEN v >= 3 AND v <= 7 THEN c ELSE 0 END) FROM (SELECT device, value AS v,"
      " MIN(COALESCE(LEAD(t_ms) OVER (PARTITION BY device ORDER BY t_ms), " + to + "), t_ms + 300000) - t_ms AS c"
      " FROM sensor_sample WHERE t_ms >= " + std::to_string(kT0 + kDay) + " AND t_ms < " + to + ") GROUP BY device");
  const auto rooms = rows_by_key(csv_of(d.reports, "cold-chain", report_query(kT0 + kDay, kT0 + 2 * kDay)), 1);
  REQUIRE(tir.size() == 2);
  for (const auto& row : tir) {
    const auto& report = rooms.at("R" + std::get<std::string>(row[0]).substr(2));
    CHECK(report[3] == "3.0");
    CHECK(report[9] == fixed(as_real(row[1]) / 60000, 1));
    CHECK(report[10] == fixed(100.0 * as_real(row[2]) / as_real(row[1]), 2));
  }
}

// What the checker does: a seeded season (here two seeded days) through every report, the
// rollups against the raw rows, over the whole log and over a range that cuts hours.
TEST_CASE("on a seeded log every report gives the same figures from rollups and raw rows", "[integration][reports]") {
  TempDir dir;
  const std::string path = (dir / "seeded.db").string();
  store::SeedOptions o = store::day_preset();
  o.days = 2;
  o.fruit = 6000;
  o.parcels = 600;
  o.workers = 10;
  o.packers = 8;
  o.rooms = 2;
  o.start_date = "2025-10-01";
  REQUIRE(store::seed_database(path, o).has_value());
  const store::Reports reports = open_reports(path);
  // 2025-10-01 09:17:23.456 to 2025-10-02 15:45:10 local (UTC+8), in Unix ms.
  const std::int64_t cut_from = 1759281443456, cut_to = 1759391110000;
  const std::pair<std::int64_t, std::int64_t> ranges[] = {{0, 0}, {cut_from, cut_to}};
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"throughput", "hour"}, {"throughput", "shift"}, {"throughput", "day"}, {"outturn", ""},
      {"packers", ""},        {"packers", "day"},      {"giveaway", ""},      {"stations", ""},
      {"cold-chain", ""},     {"excursions", ""},      {"orders", ""},        {"orders", "day"}};
  for (const auto& [from, to] : ranges) {
    for (const auto& [name, by] : runs) {
      INFO(name << " by '" << by << "' from " << from << " to " << to);
      auto q = report_query(from, to, by);
      const std::string rollups = csv_of(reports, name, q);
      q.source = store::ReportSource::raw;
      CHECK(csv_of(reports, name, q) == rollups);
      CHECK(std::count(rollups.begin(), rollups.end(), '\n') > 1);  // a header and rows
    }
  }
}
