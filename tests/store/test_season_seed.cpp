// The season generator: exact counts, working hours, grading by the standard file, rollups
// that equal the raw rows, excursions that follow from the samples, determinism, and a
// refusal to touch an existing file. A reduced two-day run keeps it fast under sanitizers.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "coldsort/core/grading_standard.hpp"
#include "coldsort/store/log_reader.hpp"
#include "coldsort/store/season_seed.hpp"
#include "temp_dir.hpp"

namespace coldsort::store {
namespace {

using Rows = std::vector<std::vector<SqlValue>>;

SeedOptions small_run() {
  SeedOptions o = day_preset();
  o.days = 2;
  o.fruit = 8000;
  o.parcels = 800;
  o.workers = 12;
  o.packers = 8;
  o.lots = 3;
  o.rooms = 3;
  o.lanes = 4;
  o.room_events = 2;
  o.seed = 7;
  return o;
}

struct Seeded {
  explicit Seeded(const SeedOptions& o = small_run()) : options(o) {
    auto done = seed_database(path(), o);
    REQUIRE(done.has_value());
    summary = *done;
    auto opened = LogReader::open(path());
    REQUIRE(opened.has_value());
    reader.emplace(std::move(*opened));
  }
  std::string path() const { return (dir / "season.db").string(); }
  Rows rows(const std::string& sql) const {
    auto r = reader->query(sql);
    REQUIRE(r.has_value());
    return *r;
  }
  std::int64_t count(const std::string& sql) const {
    Rows r = rows(sql);
    REQUIRE(r.size() == 1);
    return std::get<std::int64_t>(r[0][0]);
  }
  test::TempDir dir;
  SeedOptions options;
  SeedSummary summary;
  std::optional<LogReader> reader;
};

double as_double(const SqlValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::nan("");
}
std::int64_t as_int(const SqlValue& v) { return std::get<std::int64_t>(v); }
std::string as_text(const SqlValue& v) {
  const auto* s = std::get_if<std::string>(&v);
  return s != nullptr ? *s : "";
}

// Every value of every row of `table`, as text, in id (or key) order.
std::string dump(const Seeded& s, const std::string& table, const std::string& order) {
  std::ostringstream out;
  out.precision(17);
  for (const auto& row : s.rows("SELECT * FROM " + table + " ORDER BY " + order)) {
    for (const SqlValue& v : row) {
      std::visit([&](const auto& x) {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::monostate>) out << "NULL";
        else out << x;
      }, v);
      out << '|';
    }
    out << '\n';
  }
  return out.str();
}

}  // namespace

TEST_CASE("a seeded run writes exactly the options' fruit, parcels, lots, bands and samples",
          "[integration]") {
  Seeded s;
  const SeedOptions& o = s.options;
  CHECK(s.count("SELECT COUNT(*) FROM fruit") == o.fruit);
  CHECK(s.count("SELECT COUNT(*) FROM box") == o.parcels);
  CHECK(s.count("SELECT COUNT(*) FROM lot") == o.lots);
  CHECK(s.count("SELECT COUNT(*) FROM cold_room_band") == o.rooms);
  CHECK(s.count("SELECT COUNT(*) FROM sensor_sample") == std::int64_t{o.rooms} * 2 * 1440 * o.days);
  CHECK(s.count("SELECT COUNT(DISTINCT worker) FROM box") <= o.packers);
  // The summary states what is in the file, table by table.
  for (const auto& [table, n] : s.summary.rows)
    CHECK(s.count("SELECT COUNT(*) FROM " + table) == n);
  CHECK(s.summary.rows.count("operator_action") == 1);
  CHECK(s.summary.total_rows > o.fruit + o.parcels);
  // Lots run one after another: each lot's fruit is one block of time, in lot order.
  CHECK(s.count("SELECT COUNT(*) FROM (SELECT lot_id, MIN(id) AS a, MAX(id) AS b FROM fruit"
                " GROUP BY lot_id) x JOIN (SELECT lot_id, MIN(id) AS a, MAX(id) AS b FROM fruit"
                " GROUP BY lot_id) y ON x.lot_id < y.lot_id AND x.b > y.a") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM lot WHERE intake_ms >= (SELECT MIN(t_ms) FROM fruit f"
                " WHERE f.lot_id = lot.lot_id)") == 0);
}

TEST_CASE("every fruit runs in working hours in time order, graded by the standard file",
          "[integration]") {
  Seeded s;
  const std::int64_t offset_ms = std::int64_t{s.options.utc_offset_min} * 60000;
  const std::string local = "((t_ms + " + std::to_string(offset_ms) + ") % 86400000)";
  CHECK(s.count("SELECT COUNT(*) FROM fruit WHERE " + local + " < 21600000 OR " + local +
                " >= 79200000") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM fruit a JOIN fruit b ON b.id = a.id + 1 WHERE b.t_ms < a.t_ms") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM fruit WHERE lane < 0 OR lane >= " + std::to_string(s.options.lanes)) == 0);
  CHECK(s.count("SELECT COUNT(*) FROM (SELECT cup, LAG(cup) OVER (PARTITION BY lane ORDER BY id)"
                " AS prev FROM fruit) WHERE cup <= prev") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM fruit WHERE reason = 'camera_drop' AND weight_g IS NULL") > 0);
  CHECK(s.count("SELECT COUNT(*) FROM fruit WHERE reason = 'uncertain' AND doubt IS NOT NULL") > 0);
  const double mean_g = as_double(s.rows("SELECT AVG(weight_g) FROM fruit")[0][0]);
  CHECK(mean_g > 330);
  CHECK(mean_g < 470);

  core::ConfigErrors errors;
  auto standard = core::load_grading_standard(
      std::string(COLDSORT_CONFIG_DIR) + "/grading/cn-ecommerce-pomegranate-v1.json", errors);
  REQUIRE(standard.has_value());
  int checked = 0;
  for (const auto& row : s.rows("SELECT weight_g, defect_mm2, largest_defect_mm2, defect_kinds,"
                                " grade, size_code FROM fruit WHERE reason IN ('graded',"
                                " 'out_of_grade', 'late', 'unplanned_product')")) {
    core::Measurement m;
    m.weight_g = as_double(row[0]);
    m.defect_area_mm2 = as_double(row[1]);
    m.largest_defect_mm2 = as_double(row[2]);
    std::stringstream kinds(as_text(row[3]));
    for (std::string kind; std::getline(kinds, kind, '+');) m.defect_kinds |= core::bit(*core::parse_defect_kind(kind));
    const core::SizeBand* band = standard->size_for(m);
    REQUIRE(std::string(core::to_string(standard->grade_for(m))) == as_text(row[4]));
    REQUIRE((band != nullptr ? band->code : "") == as_text(row[5]));
    ++checked;
  }
  CHECK(checked > s.options.fruit * 9 / 10);
  CHECK(s.count("SELECT COUNT(DISTINCT grade) FROM fruit") >= 4);
}

TEST_CASE("the seeded rollups equal the raw rows' aggregates", "[integration]") {
  Seeded s;
  const auto mismatches = [&](const std::string& rollup, const std::string& raw) {
    return s.count("SELECT COUNT(*) FROM (" + rollup + " EXCEPT " + raw + ")") +
           s.count("SELECT COUNT(*) FROM (" + raw + " EXCEPT " + rollup + ")");
  };
  CHECK(s.count("SELECT COUNT(*) FROM fruit_minute") > 0);
  // Weights are whole grams: sums are exact in any order.
  CHECK(mismatches("SELECT minute_ms, lane, grade, n, weight_g FROM fruit_minute",
                   "SELECT t_ms / 60000 * 60000, lane, grade, COUNT(*), TOTAL(weight_g) FROM fruit"
                   " GROUP BY 1, 2, 3") == 0);
  CHECK(mismatches("SELECT hour_ms, lane, lot_id, grade, size_code, outlet, n, weight_g FROM fruit_hour",
                   "SELECT t_ms / 3600000 * 3600000, lane, COALESCE(lot_id, ''), grade,"
                   " COALESCE(size_code, ''), outlet, COUNT(*), TOTAL(weight_g) FROM fruit"
                   " GROUP BY 1, 2, 3, 4, 5, 6") == 0);
  CHECK(mismatches("SELECT hour_ms, worker, station, box_type, product_id, boxes, fruit, weight_g,"
                   " nominal_g FROM box_hour",
                   "SELECT packed_ms / 3600000 * 3600000, worker, station, box_type,"
                   " COALESCE(product_id, ''), COUNT(*), SUM(fruit_count), TOTAL(weight_g),"
                   " TOTAL(nominal_g) FROM box GROUP BY 1, 2, 3, 4, 5") == 0);
  // Tenths (pack seconds, degC) add up with rounding that depends on the order: 1e-6.
  CHECK(s.count("SELECT COUNT(*) FROM box_hour h LEFT JOIN (SELECT packed_ms / 3600000 * 3600000"
                " AS hour_ms, worker, station, box_type, COALESCE(product_id, '') AS product_id,"
                " TOTAL(pack_s) AS pack_s FROM box GROUP BY 1, 2, 3, 4, 5) r USING (hour_ms, worker,"
                " station, box_type, product_id) WHERE r.pack_s IS NULL OR ABS(r.pack_s - h.pack_s) > 1e-6") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM (SELECT DISTINCT device, point, t_ms / 3600000 FROM sensor_sample)") ==
        s.count("SELECT COUNT(*) FROM sensor_hour"));
  CHECK(s.count("SELECT COUNT(*) FROM sensor_hour h LEFT JOIN (SELECT device, point, t_ms / 3600000 *"
                " 3600000 AS hour_ms, COUNT(value) AS n, TOTAL(value) AS total, MIN(value) AS lo,"
                " MAX(value) AS hi FROM sensor_sample GROUP BY 1, 2, 3) r USING (device, point, hour_ms)"
                " WHERE r.n IS NULL OR r.n != h.n OR ABS(r.total - h.sum_value) > 1e-6 OR"
                " r.lo != h.min_value OR r.hi != h.max_value") == 0);
}

TEST_CASE("orders go open, packing, packed, shipped; cancelled and unpacked ones have no boxes",
          "[integration]") {
  Seeded s;
  CHECK(s.count("SELECT COUNT(*) FROM customer_order") ==
        s.count("SELECT COUNT(DISTINCT order_id) FROM order_event"));
  CHECK(s.count("SELECT COUNT(*) FROM order_event e WHERE e.status = 'open' AND e.id !="
                " (SELECT MIN(id) FROM order_event f WHERE f.order_id = e.order_id)") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM customer_order WHERE status = 'cancelled'") > 0);
  CHECK(s.count("SELECT COUNT(*) FROM customer_order WHERE status = 'open'") > 0);
  CHECK(s.count("SELECT COUNT(*) FROM box JOIN customer_order o USING (order_id) WHERE o.status"
                " IN ('open', 'cancelled')") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM customer_order o WHERE o.status = 'shipped' AND o.boxes !="
                " (SELECT COUNT(*) FROM box b WHERE b.order_id = o.order_id)") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM customer_order WHERE status = 'shipped' AND (packed_ms > shipped_ms"
                " OR (packed_ms <= cutoff_ms AND shipped_ms != cutoff_ms) OR arrived_ms > packed_ms)") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM box WHERE into_cold_ms IS NOT NULL AND (into_cold_ms < packed_ms"
                " + 300000 OR into_cold_ms > packed_ms + 2400000)") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM box WHERE weight_g < nominal_g * 0.99 OR weight_g > nominal_g * 1.1") == 0);
  // Every box of a packer is after the previous one was finished.
  CHECK(s.count("SELECT COUNT(*) FROM (SELECT packed_ms, pack_s, LAG(packed_ms) OVER (PARTITION BY"
                " worker ORDER BY packed_ms) AS prev FROM box) WHERE packed_ms - pack_s * 1000 < prev - 1") == 0);
}

TEST_CASE("excursion records follow from the samples by the run rule", "[integration]") {
  Seeded s;
  int temp_runs = 0;
  for (const auto& band : s.rows("SELECT room, device, point, min_c, max_c FROM cold_room_band")) {
    const std::string room = as_text(band[0]);
    const double min_c = as_double(band[3]);
    const double max_c = as_double(band[4]);
    std::vector<std::pair<std::int64_t, double>> samples;
    for (const auto& row : s.rows("SELECT t_ms, value FROM sensor_sample WHERE device = '" +
                                  as_text(band[1]) + "' AND point = '" + as_text(band[2]) +
                                  "' ORDER BY t_ms"))
      samples.emplace_back(as_int(row[0]), as_double(row[1]));
    // Runs beyond the band; one still open at the end has no end and no record yet.
    std::ostringstream derived;
    for (std::size_t i = 0; i < samples.size();) {
      const bool high = samples[i].second > max_c;
      if (!high && samples[i].second >= min_c) {
        ++i;
        continue;
      }
      std::size_t j = i;
      double peak = samples[i].second;
      while (j < samples.size() && (high ? samples[j].second > max_c : samples[j].second < min_c))
        peak = high ? std::max(peak, samples[j++].second) : std::min(peak, samples[j++].second);
      if (j == samples.size()) break;
      const std::int64_t duration = samples[j].first - samples[i].first;
      derived << (high ? "temp_high " : "temp_low ") << samples[i].first << ' ' << samples[j].first
              << ' ' << peak << ' ' << (duration > 30 * 60000 ? 1 : 0) << '\n';
      ++temp_runs;
      i = j;
    }
    std::ostringstream stored;
    for (const auto& row : s.rows("SELECT kind, start_ms, end_ms, peak, alarmed, duration_ms FROM"
                                  " cold_excursion WHERE room = '" + room + "' AND kind IN"
                                  " ('temp_high', 'temp_low') ORDER BY start_ms")) {
      REQUIRE(as_int(row[5]) == as_int(row[2]) - as_int(row[1]));
      stored << as_text(row[0]) << ' ' << as_int(row[1]) << ' ' << as_int(row[2]) << ' '
             << as_double(row[3]) << ' ' << as_int(row[4]) << '\n';
    }
    CHECK(stored.str() == derived.str());
    // A door opening's peak is the warmest sample while it was open.
    CHECK(s.count("SELECT COUNT(*) FROM cold_excursion x WHERE room = '" + room + "' AND kind ="
                  " 'door_open' AND peak != (SELECT MAX(value) FROM sensor_sample WHERE device = '" +
                  as_text(band[1]) + "' AND point = 'record_temp_c' AND t_ms >= x.start_ms AND"
                  " t_ms < x.end_ms)") == 0);
  }
  CHECK(temp_runs > 0);
  CHECK(s.count("SELECT COUNT(*) FROM cold_excursion WHERE kind = 'door_open'") > 0);
  // Each alarmed excursion raised its alarm once its delay had passed, and cleared at its end.
  CHECK(s.count("SELECT COUNT(*) FROM cold_excursion x WHERE alarmed = 1 AND NOT EXISTS (SELECT 1"
                " FROM alarm_event a WHERE a.alarm_key = 'cold.' || x.room || '.' || x.kind AND"
                " a.reason = 'raised' AND a.t_ms = x.start_ms + CASE x.kind WHEN 'door_open' THEN"
                " 600000 ELSE 1800000 END)") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM alarm_event WHERE reason = 'raised'") ==
        s.count("SELECT COUNT(*) FROM cold_excursion WHERE alarmed = 1"));
  CHECK(s.count("SELECT COUNT(*) FROM alarm_event WHERE reason = 'acknowledged'") ==
        s.count("SELECT COUNT(*) FROM operator_action WHERE action = 'alarm.acknowledge'"));
}

TEST_CASE("the same options and seed give the same tables; another seed does not", "[integration]") {
  Seeded a;
  Seeded b;
  SeedOptions other = small_run();
  other.seed = 8;
  Seeded c(other);
  const std::vector<std::pair<std::string, std::string>> tables = {
      {"fruit", "id"},          {"box", "id"},           {"order_event", "id"},
      {"customer_order", "order_id"}, {"lot", "lot_id"}, {"sensor_sample", "id"},
      {"cold_excursion", "id"}, {"alarm_event", "id"},   {"operator_action", "id"},
      {"cold_room_band", "id"}, {"fruit_hour", "1, 2, 3, 4, 5, 6"}, {"box_hour", "1, 2, 3, 4, 5"}};
  for (const auto& [table, order] : tables) {
    INFO(table);
    CHECK(dump(a, table, order) == dump(b, table, order));
  }
  CHECK(dump(a, "fruit", "id") != dump(c, "fruit", "id"));
  CHECK(a.summary.rows == b.summary.rows);
}

TEST_CASE("an existing file and bad options are refused without touching anything", "[unit]") {
  test::TempDir dir;
  const std::string path = (dir / "existing.db").string();
  { std::ofstream(path) << "not a database"; }
  auto refused = seed_database(path, small_run());
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == core::make_error_code(core::errc::config_invalid));
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  CHECK(text == "not a database");

  SeedOptions bad = small_run();
  bad.start_date = "2025-02-30";
  CHECK_FALSE(check_seed_options(bad).empty());
  bad = small_run();
  bad.workers = bad.packers;
  CHECK_FALSE(check_seed_options(bad).empty());
  bad = small_run();
  bad.fruit = 100'000'000;
  CHECK_FALSE(seed_database((dir / "new.db").string(), bad).has_value());
  CHECK_FALSE(std::filesystem::exists(dir / "new.db"));
  CHECK(check_seed_options(season_preset()).empty());
  CHECK(check_seed_options(day_preset()).empty());
}

}  // namespace coldsort::store
