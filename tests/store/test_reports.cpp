// The manager reports on tiny hand-made logs whose every figure is worked out by hand, the
// three output formats, the errors, and the raw-table export.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <sstream>

#include "coldsort/store/table_export.hpp"
#include "report_fixtures.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

namespace {

using namespace coldsort;
using namespace coldsort::test;
using store::ReportFormat;

const std::int64_t kT0 = day0_ms();

// One day's log: 3 fruit, 3 boxes, 5 orders, one room with 5 samples and 2 excursions.
void write_tiny_day(const std::string& path) {
  auto s = open_store(path);
  core::Lot lot{"L1", "Ma Jun", "Tunisian soft-seed", 1200, wall(kT0 + 7 * kHour), "R1"};
  s->append_lot(lot);
  const std::int64_t ten = kT0 + 10 * kHour;
  s->append_fruit(report_fruit(ten + 5'000, 1, "L1", core::Grade::extra, "S1", 300));
  s->append_fruit(report_fruit(ten + 40'000, 2, "L1", core::Grade::extra, "S1", 400));
  s->append_fruit(report_fruit(ten + 50'000, 1, "L1", core::Grade::class_i, "S2", std::nan("")));
  s->append_box(report_box({"B1", "W1", "S01", "gift-6", "P1", 6, 2100, 2000, 1800, ten + 15 * kMin, "O1"}));
  s->append_box(report_box({"B2", "W1", "S01", "gift-6", "P1", 6, 2050, 2000, 1800, ten + 80 * kMin, "O2"}));
  s->append_box(report_box({"B3", "W2", "S02", "ecom-8", "P2", 8, 3000, 3000, 900, ten + 30 * kMin, ""}));
  s->append_box(report_box({"B1", "W9", "S09", "gift-6", "P1", 6, 9999, 2000, 1800, ten, ""}));  // repeat: ignored
  const std::int64_t noon = kT0 + 12 * kHour;
  s->append_order(report_order("O1", "SF", 1, noon, core::OrderStatus::open, kT0 + 8 * kHour));
  s->append_order(report_order("O1", "SF", 1, noon, core::OrderStatus::packed, ten + 15 * kMin));
  s->append_order(report_order("O1", "SF", 1, noon, core::OrderStatus::shipped, noon + kHour));
  s->append_order(report_order("O2", "SF", 2, noon, core::OrderStatus::packed, noon + 30 * kMin));
  s->append_order(report_order("O3", "SF", 1, noon, core::OrderStatus::cancelled, ten));
  s->append_order(report_order("O4", "SF", 1, noon, core::OrderStatus::open, ten));
  s->append_order(report_order("O5", "JD", 3, noon, core::OrderStatus::packed, ten));
  s->append_cold_room(report_room("R1", "cr1", 2.0, 8.0), wall(kT0 - kHour));
  for (auto [minute, value] : {std::pair{0, 5.0}, {1, 5.0}, {2, 9.0}, {3, 5.0}, {13, 5.0}})
    s->append_sensor_sample("cr1", "record_temp_c", value, wall(kT0 + minute * kMin));
  s->append_excursion(report_excursion("R1", core::ExcursionKind::temp_high, kT0 + 2 * kMin, kT0 + 3 * kMin, 9, 8));
  s->append_excursion(report_excursion("R1", core::ExcursionKind::door_open, kT0 + 5 * kHour, kT0 + 5 * kHour + 90'000,
                                       6.5, 10));
  s->flush();
}

std::string csv_of(const store::Reports& reports, std::string_view name, const store::ReportQuery& q) {
  auto table = reports.run(name, q);
  REQUIRE(table.has_value());
  return store::format_report(*table, ReportFormat::csv);
}

// Runs `name` over the tiny day from both sources, requires them equal, returns the CSV.
std::string both_sources(const store::Reports& reports, std::string_view name, store::ReportQuery q) {
  const std::string rollups = csv_of(reports, name, q);
  q.source = store::ReportSource::raw;
  CHECK(csv_of(reports, name, q) == rollups);
  return rollups;
}

store::Reports open_reports(const std::string& path) {
  auto opened = store::Reports::open(path);
  REQUIRE(opened.has_value());
  return std::move(*opened);
}

struct TinyDay {
  TempDir dir;
  std::string path = (dir / "tiny.db").string();
  bool written = (write_tiny_day(path), true);
  store::Reports reports = open_reports(path);
  store::ReportQuery day = report_query(kT0, kT0 + kDay);
};

}  // namespace

TEST_CASE("throughput counts fruit, weighed kg, active minutes and grades per local day", "[unit][reports]") {
  TinyDay t;
  CHECK(both_sources(t.reports, "throughput", t.day) ==
        "period,fruit,weight_kg,active_min,fruit_per_s,extra,class_i,class_ii,out_of_grade,unknown\r\n"
        "2026-10-01,3,0.700,1,0.05,2,1,0,0,0\r\n");
  auto hours = t.day;
  hours.group_by = "hour";
  CHECK(both_sources(t.reports, "throughput", hours).find("\r\n2026-10-01 10:00,3,0.700,1,0.05,2,1,0,0,0\r\n") !=
        std::string::npos);
  auto shifts = t.day;
  shifts.group_by = "shift";
  shifts.shifts = {{"night", 22 * 60}, {"day", 6 * 60}};  // unsorted on purpose
  CHECK(both_sources(t.reports, "throughput", shifts).find("\r\n2026-10-01 06:00,day,3,") != std::string::npos);
}

TEST_CASE("a night shift that crosses midnight belongs to the day it starts", "[unit][reports]") {
  TempDir dir;
  const std::string path = (dir / "night.db").string();
  {
    auto s = open_store(path);
    s->append_fruit(report_fruit(kT0 + kDay + 2 * kHour, 0, "L1", core::Grade::extra, "S1", 350));  // 10-02 02:00
    s->flush();
  }
  auto reports = store::Reports::open(path);
  REQUIRE(reports.has_value());
  auto q = report_query(0, 0, "shift");
  CHECK(csv_of(*reports, "throughput", q).find("\r\n2026-10-01 22:00,night,1,0.350,") != std::string::npos);
}

TEST_CASE("outturn gives each lot's grades and sizes as a share of its fruit and weighed kg", "[unit][reports]") {
  TinyDay t;
  CHECK(both_sources(t.reports, "outturn", t.day) ==
        "lot_id,grower,variety,grade,size_code,fruit,weight_kg,fruit_pct,weight_pct\r\n"
        "L1,Ma Jun,Tunisian soft-seed,extra,S1,2,0.700,66.67,100.00\r\n"
        "L1,Ma Jun,Tunisian soft-seed,class_i,S2,1,0.000,33.33,0.00\r\n");
  auto one = t.day;
  one.filter = "L2";
  CHECK(both_sources(t.reports, "outturn", one) == "lot_id,grower,variety,grade,size_code,fruit,weight_kg,fruit_pct,weight_pct\r\n");
}

TEST_CASE("packers, giveaway and stations add up the boxes each worker and station packed", "[unit][reports]") {
  TinyDay t;
  CHECK(both_sources(t.reports, "packers", t.day) ==
        "worker,boxes,fruit,packed_kg,nominal_kg,pack_h,boxes_per_h,first_box,last_box\r\n"
        "W1,2,12,4.150,4.000,1.00,2.0,2026-10-01 10:15:00,2026-10-01 11:20:00\r\n"
        "W2,1,8,3.000,3.000,0.25,4.0,2026-10-01 10:30:00,2026-10-01 10:30:00\r\n");
  auto by_day = t.day;
  by_day.group_by = "day";
  CHECK(both_sources(t.reports, "packers", by_day).find("\r\nW1,2026-10-01,2,12,4.150,") != std::string::npos);
  CHECK(both_sources(t.reports, "giveaway", t.day) ==
        "worker,box_type,product_id,boxes,nominal_kg,packed_kg,giveaway_kg,giveaway_pct\r\n"
        "W1,gift-6,P1,2,4.000,4.150,0.150,3.75\r\n"
        "W2,ecom-8,P2,1,3.000,3.000,0.000,0.00\r\n");
  CHECK(both_sources(t.reports, "stations", t.day) ==
        "station,boxes,busy_h,open_h,utilisation_pct\r\n"
        "S01,2,1.00,2,50.00\r\n"
        "S02,1,0.25,1,25.00\r\n");
}

TEST_CASE("a worker's boxes are listed one by one with their check-weigh", "[unit][reports]") {
  TinyDay t;
  auto q = t.day;
  q.filter = "W1";
  CHECK(both_sources(t.reports, "packers", q) ==
        "box_id,packed,station,order_id,box_type,product_id,lot_id,fruit,weight_g,nominal_g,pack_s\r\n"
        "B1,2026-10-01 10:15:00,S01,O1,gift-6,P1,,6,2100.0,2000.0,1800.0\r\n"
        "B2,2026-10-01 11:20:00,S01,O2,gift-6,P1,,6,2050.0,2000.0,1800.0\r\n");
}

TEST_CASE("orders are on time when first packed by their cut-off, per courier", "[unit][reports]") {
  TinyDay t;
  CHECK(both_sources(t.reports, "orders", t.day) ==
        "courier,orders,boxes,cancelled,on_time,late,not_packed,on_time_pct\r\n"
        "JD,1,3,0,1,0,0,100.00\r\n"
        "SF,4,5,1,1,1,1,33.33\r\n");
}

TEST_CASE("cold-chain compliance: time in range, gaps, excursions and door openings", "[unit][reports]") {
  TinyDay t;
  // Rows at 0, 1, 2, 3 and 13 min: 1 + 1 + 1 + 5 (capped) + 5 (capped) = 13 min recorded, the
  // minute from 2 min at 9 degC out of the 2..8 band: 12 / 13 = 92.31 %.
  CHECK(both_sources(t.reports, "cold-chain", t.day) ==
        "room,device,point,min_c,max_c,samples,min_value,mean_value,max_value,recorded_min,in_range_pct,excursions,"
        "excursion_min,door_openings\r\n"
        "R1,cr1,record_temp_c,2.0,8.0,5,5.00,5.80,9.00,13.0,92.31,1,1.0,1\r\n");
  const std::string list = both_sources(t.reports, "excursions", t.day);
  CHECK(list.find("\r\nR1,temp_high,2026-10-01 00:02:00,2026-10-01 00:03:00,1.0,9.00,8.00,0,0,record_temp_c,\r\n") !=
        std::string::npos);
  CHECK(list.find("R1,door_open,2026-10-01 05:00:00,2026-10-01 05:01:30,1.5,") != std::string::npos);
}

TEST_CASE("JSON and table print the same rounded figures as CSV", "[unit][reports]") {
  TinyDay t;
  auto table = t.reports.run("outturn", t.day);
  REQUIRE(table.has_value());
  const auto doc = boost::json::parse(store::format_report(*table, ReportFormat::json)).as_object();
  CHECK(doc.at("report").as_string() == "outturn");
  const auto& row = doc.at("rows").as_array().at(0).as_object();
  CHECK(row.at("fruit").as_int64() == 2);
  CHECK(row.at("fruit_pct").as_double() == 66.67);
  CHECK(row.at("weight_kg").as_double() == 0.7);
  CHECK(doc.at("columns").as_array().at(6).at("unit").as_string() == "kg");
  CHECK_FALSE(doc.at("notes").as_array().empty());
  const std::string text = store::format_report(*table, ReportFormat::table);
  CHECK(text.find("weight_kg (kg)") != std::string::npos);
  CHECK(text.find("66.67") != std::string::npos);
  // Empty cells are JSON null.
  auto list = t.reports.run("excursions", t.day);
  REQUIRE(list.has_value());
  const auto ex = boost::json::parse(store::format_report(*list, ReportFormat::json)).as_object();
  CHECK(ex.at("rows").as_array().at(0).at("detail").is_null());
}

TEST_CASE("CSV quotes fields with commas, quotes and line breaks", "[unit][reports]") {
  store::ReportTable t;
  t.columns = {{"name", "", 0}, {"kg", "kg", 1}};
  t.rows = {{std::string("a,b \"c\""), -0.01}, {std::monostate{}, 2.25}};
  CHECK(store::format_report(t, ReportFormat::csv) == "name,kg\r\n\"a,b \"\"c\"\"\",0.0\r\n,2.2\r\n");
}

TEST_CASE("unknown reports, bad queries and missing files are errors, not tables", "[unit][reports]") {
  TinyDay t;
  LogCapture log;
  CHECK(t.reports.run("tonnage", t.day).error() == core::make_error_code(core::errc::config_invalid));
  auto bad = t.day;
  bad.group_by = "week";
  CHECK(t.reports.run("throughput", bad).error() == core::make_error_code(core::errc::config_invalid));
  CHECK(log.has_line_with({"throughput", "week"}));
  bad = t.day;
  bad.filter = "W1";
  CHECK(t.reports.run("orders", bad).error() == core::make_error_code(core::errc::config_invalid));
  bad = report_query(kT0 + kDay, kT0);
  CHECK_FALSE(t.reports.run("orders", bad).has_value());
  CHECK_FALSE(store::Reports::open((t.dir / "missing.db").string()).has_value());
  CHECK(std::find(store::report_names().begin(), store::report_names().end(), "stations") != store::report_names().end());
}

TEST_CASE("export streams every column of a raw table, in a range or all", "[unit][reports]") {
  TinyDay t;
  std::vector<std::string> header;
  std::vector<std::vector<store::SqlValue>> rows;
  store::ExportQuery q;
  auto n = store::export_table(
      t.path, "box", q, [&](const std::vector<std::string>& h) { header = h; },
      [&](const std::vector<store::SqlValue>& r) { rows.push_back(r); });
  REQUIRE(n.has_value());
  CHECK(*n == 3);
  CHECK(rows.size() == 3);
  CHECK(header.size() == 14);  // every column of box
  CHECK(std::get<std::string>(rows[0][1]) == "B1");
  q.from_ms = kT0 + 10 * kHour + 20 * kMin;
  q.to_ms = kT0 + kDay;
  double last_progress = 0;
  q.progress = [&](double done) { last_progress = done; };
  rows.clear();
  n = store::export_table(
      t.path, "box", q, [](const std::vector<std::string>&) {}, [&](const std::vector<store::SqlValue>& r) { rows.push_back(r); });
  REQUIRE(n.has_value());
  CHECK(*n == 2);
  CHECK(std::get<std::string>(rows[0][1]) == "B3");  // in time order
  CHECK(last_progress == 1.0);
  auto plan = store::export_table(
      t.path, "plan", {}, [&](const std::vector<std::string>& h) { header = h; }, [](const auto&) {});
  REQUIRE(plan.has_value());
  CHECK(std::find(header.begin(), header.end(), "plan_json") == header.end());
  CHECK_FALSE(store::export_table(t.path, "fruit_hour", {}, [](const auto&) {}, [](const auto&) {}).has_value());
}
