// The packing-floor records (parcels, orders, lots, audit, room bands) and the rollups the
// writer keeps beside the raw rows: every rollup must equal the GROUP BY of its raw rows.
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "coldsort/core/cold_room.hpp"
#include "coldsort/core/pack_records.hpp"
#include "coldsort/core/people.hpp"
#include "coldsort/store/log_reader.hpp"
#include "coldsort/store/log_store.hpp"
#include "schema.hpp"  // store/src: the white-box retry test drives the writer itself
#include "store_fixtures.hpp"
#include "table_writer.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using coldsort::test::open_reader;
using coldsort::test::open_store;
using coldsort::test::TempDir;
using coldsort::test::test_epoch;
using Rows = std::vector<std::vector<store::SqlValue>>;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

core::WallTime at_ms(std::int64_t offset_ms) {
  return test_epoch() + std::chrono::milliseconds{offset_ms};
}

Rows query(const store::LogReader& reader, const std::string& sql) {
  auto rows = reader.query(sql);
  INFO(sql);
  REQUIRE(rows.has_value());
  return std::move(*rows);
}

bool is_null(const store::SqlValue& v) { return std::holds_alternative<std::monostate>(v); }

// Row by row: NULL, integers and text exactly, reals within 1e-6 (sums added in another
// order differ in the last bits).
void check_same_rows(const Rows& rollup, const Rows& raw) {
  REQUIRE(rollup.size() == raw.size());
  for (std::size_t r = 0; r < raw.size(); ++r) {
    REQUIRE(rollup[r].size() == raw[r].size());
    for (std::size_t c = 0; c < raw[r].size(); ++c) {
      INFO("row " << r << " column " << c);
      const auto& a = rollup[r][c];
      const auto& b = raw[r][c];
      if (std::holds_alternative<double>(a) || std::holds_alternative<double>(b)) {
        auto as_real = [](const store::SqlValue& v) {
          if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
          return std::get<double>(v);
        };
        CHECK(as_real(a) == Approx(as_real(b)).margin(1e-6));
      } else {
        CHECK(a == b);
      }
    }
  }
}

constexpr const char* kFruitMinuteRollup =
    "SELECT minute_ms, lane, grade, n, weight_g FROM fruit_minute ORDER BY 1, 2, 3";
constexpr const char* kFruitMinuteRaw =
    "SELECT t_ms / 60000 * 60000, lane, grade, COUNT(*), TOTAL(weight_g) FROM fruit"
    " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
constexpr const char* kFruitHourRollup =
    "SELECT hour_ms, lane, lot_id, grade, size_code, outlet, n, weight_g FROM fruit_hour"
    " ORDER BY 1, 2, 3, 4, 5, 6";
constexpr const char* kFruitHourRaw =
    "SELECT t_ms / 3600000 * 3600000, lane, COALESCE(lot_id, ''), grade,"
    " COALESCE(size_code, ''), outlet, COUNT(*), TOTAL(weight_g) FROM fruit"
    " GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6";
constexpr const char* kBoxHourRollup =
    "SELECT hour_ms, worker, station, box_type, product_id, boxes, fruit, weight_g, nominal_g,"
    " pack_s FROM box_hour ORDER BY 1, 2, 3, 4, 5";
constexpr const char* kBoxHourRaw =
    "SELECT packed_ms / 3600000 * 3600000, worker, station, box_type, COALESCE(product_id, ''),"
    " COUNT(*), SUM(fruit_count), TOTAL(weight_g), TOTAL(nominal_g), TOTAL(pack_s) FROM box"
    " GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5";
constexpr const char* kSensorHourRollup =
    "SELECT device, point, hour_ms, n, sum_value, min_value, max_value FROM sensor_hour"
    " ORDER BY 1, 2, 3";
constexpr const char* kSensorHourRaw =
    "SELECT device, point, t_ms / 3600000 * 3600000, COUNT(*), TOTAL(value), MIN(value),"
    " MAX(value) FROM sensor_sample WHERE value IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";

void check_rollups_match_raw(const store::LogReader& reader) {
  const std::pair<const char*, const char*> pairs[] = {
      {kFruitMinuteRollup, kFruitMinuteRaw},
      {kFruitHourRollup, kFruitHourRaw},
      {kBoxHourRollup, kBoxHourRaw},
      {kSensorHourRollup, kSensorHourRaw},
  };
  for (auto [rollup, raw] : pairs) {
    INFO(rollup);
    check_same_rows(query(reader, rollup), query(reader, raw));
  }
}

std::int64_t count(const store::LogReader& reader, const std::string& sql) {
  Rows rows = query(reader, sql);
  REQUIRE(rows.size() == 1);
  return std::get<std::int64_t>(rows[0][0]);
}

// Random but seeded records spread over five hours (appended out of time order).
struct Season {
  std::mt19937_64 rng{20240915};
  std::int64_t pick(std::int64_t n) {
    return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n));
  }
  std::int64_t when() { return pick(5 * 3'600'000); }

  core::Fruit fruit(std::uint64_t i) {
    core::Fruit f = coldsort::test::make_fruit(i);
    f.seen_at = at_ms(when());
    f.at.lane = static_cast<int>(pick(6));
    f.lot_id = pick(5) == 0 ? "" : "lot-" + std::to_string(pick(4));
    f.grade = static_cast<core::Grade>(pick(5));
    f.size_code = pick(6) == 0 ? "" : "S" + std::to_string(pick(4));
    f.outlet = static_cast<int>(pick(4));
    f.measured.weight_g = pick(10) == 0 ? kNaN : 250.0 + static_cast<double>(pick(3500)) / 10.0;
    return f;
  }
  core::BoxRecord box(std::uint64_t i) {
    core::BoxRecord b;
    b.box_id = "B" + std::to_string(pick(4) == 0 ? i / 2 : i);  // some ids come twice
    b.order_id = pick(3) == 0 ? "" : "O" + std::to_string(pick(50));
    b.station = "ST" + std::to_string(pick(3));
    b.worker = "W" + std::to_string(pick(5));
    b.product_id = pick(5) == 0 ? "" : "P" + std::to_string(pick(3));
    b.box_type = pick(2) == 0 ? "gift-6" : "ecom-12";
    b.fruit_count = 6 + static_cast<int>(pick(7));
    b.weight_g = 2400.0 + static_cast<double>(pick(4000)) / 7.0;
    b.nominal_g = 2400.0;
    b.pack_s = 30.0 + static_cast<double>(pick(600)) / 10.0;
    b.packed_at = at_ms(when());
    b.into_cold_at = pick(2) == 0 ? core::WallTime{} : b.packed_at + std::chrono::minutes{20};
    return b;
  }
};

}  // namespace

TEST_CASE("every rollup equals the GROUP BY of its raw rows", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  Season season;
  std::uint64_t boxes = 0;
  {
    store::StoreOptions options;
    options.batch_rows = 97;  // many batches, so stored rollup rows are added to again
    auto s = open_store(path, options);
    for (std::uint64_t i = 0; i < 3000; ++i) {
      s->append_fruit(season.fruit(i));
      if (i % 5 == 0) s->append_box(season.box(boxes++));
      if (i % 3 == 0) {
        const std::string room = "R" + std::to_string(season.pick(3));
        const double v =
            season.pick(12) == 0 ? kNaN : static_cast<double>(season.pick(900)) / 100.0;
        s->append_sensor_sample(room, season.pick(2) == 0 ? "temp_c" : "rh_pct", v,
                                at_ms(season.when()));
      }
    }
    s->flush();
    CHECK(s->stats().dropped == 0);
  }
  auto reader = open_reader(path);
  // The data reaches every case the rollups treat specially.
  CHECK(count(reader, "SELECT COUNT(*) FROM fruit") == 3000);
  CHECK(count(reader, "SELECT COUNT(*) FROM fruit WHERE weight_g IS NULL") > 100);
  CHECK(count(reader, "SELECT COUNT(*) FROM fruit WHERE lot_id IS NULL") > 100);
  CHECK(count(reader, "SELECT COUNT(DISTINCT t_ms / 3600000) FROM fruit") >= 5);
  CHECK(count(reader, "SELECT COUNT(*) FROM sensor_sample WHERE value IS NULL") > 10);
  const std::int64_t stored_boxes = count(reader, "SELECT COUNT(*) FROM box");
  CHECK(stored_boxes < static_cast<std::int64_t>(boxes));  // repeated ids were skipped
  CHECK(count(reader, "SELECT SUM(n) FROM fruit_hour") == 3000);
  CHECK(count(reader, "SELECT SUM(boxes) FROM box_hour") == stored_boxes);
  check_rollups_match_raw(reader);
}

TEST_CASE("a repeated box id is stored once and rolled up once", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  core::BoxRecord first;
  first.box_id = "SF1001";
  first.station = "ST1";
  first.worker = "W7";
  first.box_type = "gift-6";
  first.fruit_count = 6;
  first.weight_g = 2530;
  first.nominal_g = 2500;
  first.pack_s = 41;
  first.packed_at = at_ms(1000);
  core::BoxRecord again = first;  // scanned twice, weighed a little differently
  again.weight_g = 2600;
  core::BoxRecord other = first;
  other.box_id = "SF1002";
  other.weight_g = 2510;
  other.order_id = "O1";
  other.product_id = "extra-L";
  other.lot_id = "L9";
  other.into_cold_at = at_ms(61'000);
  {
    auto s = open_store(path);
    s->append_box(first);
    s->append_box(again);  // same batch
    s->append_box(other);
    s->flush();
    s->append_box(again);  // a later batch
    s->flush();
    CHECK(s->stats().dropped == 0);
    CHECK(s->stats().last_error.empty());
  }
  auto reader = open_reader(path);
  Rows rows = query(reader,
                    "SELECT box_id, weight_g, order_id, product_id, lot_id, into_cold_ms,"
                    " packed_ms FROM box ORDER BY id");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0][0] == store::SqlValue{std::string("SF1001")});
  CHECK(rows[0][1] == store::SqlValue{2530.0});  // the first weighing is kept
  CHECK(is_null(rows[0][2]));                    // empty order, product, lot: NULL
  CHECK(is_null(rows[0][3]));
  CHECK(is_null(rows[0][4]));
  CHECK(is_null(rows[0][5]));  // not yet in the cold room
  CHECK(rows[0][6] == store::SqlValue{core::to_unix_ms(at_ms(1000))});
  CHECK(rows[1][2] == store::SqlValue{std::string("O1")});
  CHECK(rows[1][5] == store::SqlValue{core::to_unix_ms(at_ms(61'000))});
  Rows hour = query(reader, "SELECT SUM(boxes), SUM(fruit), SUM(weight_g) FROM box_hour");
  CHECK(hour[0][0] == store::SqlValue{std::int64_t{2}});
  CHECK(hour[0][1] == store::SqlValue{std::int64_t{12}});
  CHECK(std::get<double>(hour[0][2]) == Approx(2530.0 + 2510.0));
  check_rollups_match_raw(reader);
}

TEST_CASE("an order keeps its latest status, the first packed and shipped times and its history",
          "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  core::OrderUpdate o;
  o.order_id = "JD-881";
  o.product_id = "extra-L";
  o.box_type = "gift-6";
  o.boxes = 3;
  o.courier = "SF";
  o.cutoff = at_ms(8 * 3'600'000);
  o.arrived = at_ms(0);
  o.priority = 2;
  o.actor = "system";
  auto update = [&](core::OrderStatus status, std::int64_t t_ms, std::string actor) {
    core::OrderUpdate u = o;
    u.status = status;
    u.at = at_ms(t_ms);
    u.actor = std::move(actor);
    return u;
  };
  core::OrderUpdate other = update(core::OrderStatus::open, 500, "");
  other.order_id = "JD-882";
  other.arrived = core::WallTime{};
  {
    auto s = open_store(path);
    s->append_order(update(core::OrderStatus::open, 100, "system"));
    s->append_order(update(core::OrderStatus::packing, 200, "ST1"));
    s->append_order(update(core::OrderStatus::packed, 300, "ST1"));  // same batch: in order
    s->append_order(other);
    s->flush();
    core::OrderUpdate shipped = update(core::OrderStatus::shipped, 400, "dock");
    shipped.courier.clear();  // an update that does not know the courier keeps it
    shipped.arrived = core::WallTime{};
    s->append_order(shipped);
    s->append_order(update(core::OrderStatus::packed, 450, "ST2"));  // re-packed later
    s->flush();
  }
  auto reader = open_reader(path);
  Rows rows = query(reader,
                    "SELECT status, status_ms, packed_ms, shipped_ms, courier, arrived_ms,"
                    " boxes FROM customer_order ORDER BY order_id");
  REQUIRE(rows.size() == 2);
  const auto ms = [](std::int64_t offset) {
    return store::SqlValue{core::to_unix_ms(at_ms(offset))};
  };
  CHECK(rows[0][0] == store::SqlValue{std::string("packed")});
  CHECK(rows[0][1] == ms(450));
  CHECK(rows[0][2] == ms(300));  // first packed, kept through shipped and a re-pack
  CHECK(rows[0][3] == ms(400));
  CHECK(rows[0][4] == store::SqlValue{std::string("SF")});
  CHECK(rows[0][5] == ms(0));
  CHECK(rows[0][6] == store::SqlValue{std::int64_t{3}});
  CHECK(rows[1][0] == store::SqlValue{std::string("open")});
  CHECK(is_null(rows[1][2]));
  CHECK(is_null(rows[1][3]));
  CHECK(is_null(rows[1][5]));
  Rows history = query(reader, "SELECT order_id, t_ms, status, actor FROM order_event ORDER BY id");
  REQUIRE(history.size() == 6);
  const char* statuses[] = {"open", "packing", "packed", "open", "shipped", "packed"};
  for (std::size_t i = 0; i < history.size(); ++i) {
    INFO("event " << i);
    CHECK(history[i][2] == store::SqlValue{std::string(statuses[i])});
  }
  CHECK(history[3][0] == store::SqlValue{std::string("JD-882")});
  CHECK(is_null(history[3][3]));  // no actor: NULL
  CHECK(history[4][1] == ms(400));
  CHECK(history[4][3] == store::SqlValue{std::string("dock")});
}

TEST_CASE("a lot appended again is updated in place", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  core::Lot lot{"L2024-017", "Zhang Wei", "Tunisian soft-seed", 1250.5, core::WallTime{}, ""};
  {
    auto s = open_store(path);
    s->append_lot(lot);
    s->flush();
    Rows before = query(open_reader(path), "SELECT intake_ms, cold_room FROM lot");
    REQUIRE(before.size() == 1);
    CHECK(is_null(before[0][0]));  // intake time not known yet
    CHECK(is_null(before[0][1]));
    lot.grower = "Zhang Wei co-op";
    lot.variety.clear();  // unknown in this update: the stored variety stays
    lot.intake_kg = 1248.0;
    lot.intake_at = at_ms(3'600'000);
    lot.cold_room = "R2";
    s->append_lot(lot);
    s->flush();
  }
  Rows rows = query(open_reader(path),
                    "SELECT lot_id, grower, variety, intake_kg, intake_ms, cold_room FROM lot");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0][1] == store::SqlValue{std::string("Zhang Wei co-op")});
  CHECK(rows[0][2] == store::SqlValue{std::string("Tunisian soft-seed")});
  CHECK(rows[0][3] == store::SqlValue{1248.0});
  CHECK(rows[0][4] == store::SqlValue{core::to_unix_ms(at_ms(3'600'000))});
  CHECK(rows[0][5] == store::SqlValue{std::string("R2")});
}

TEST_CASE("operator actions and cold-room bands are stored as appended", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  core::OperatorAction refused{at_ms(5), "li.na", "packer", "line.stop",
                               "",       "",      false,    "refused: role packer"};
  core::OperatorAction done{at_ms(9),          "wang", "operator", "outlet.assign", "O05",
                            "product=extra-L", true,   "done"};
  core::ColdRoom room;
  room.id = "R1";
  room.name = "Raw store 1";
  room.device = "cr1";
  room.min_c = 4.5;
  room.max_c = 7.5;
  room.probes.record_device = "logger1";
  room.probes.record_point = "t_c";
  {
    auto s = open_store(path);
    s->append_operator_action(refused);
    s->append_operator_action(done);
    s->append_cold_room(room, at_ms(0));
    s->flush();
  }
  auto reader = open_reader(path);
  Rows actions = query(reader,
                       "SELECT t_ms, actor, role, action, target, detail, allowed, outcome"
                       " FROM operator_action ORDER BY id");
  REQUIRE(actions.size() == 2);
  CHECK(actions[0][1] == store::SqlValue{std::string("li.na")});
  CHECK(is_null(actions[0][4]));  // no target, no detail
  CHECK(is_null(actions[0][5]));
  CHECK(actions[0][6] == store::SqlValue{std::int64_t{0}});
  CHECK(actions[0][7] == store::SqlValue{std::string("refused: role packer")});
  CHECK(actions[1][0] == store::SqlValue{core::to_unix_ms(at_ms(9))});
  CHECK(actions[1][4] == store::SqlValue{std::string("O05")});
  CHECK(actions[1][6] == store::SqlValue{std::int64_t{1}});
  Rows bands = query(reader, "SELECT room, name, device, point, min_c, max_c FROM cold_room_band");
  REQUIRE(bands.size() == 1);
  CHECK(bands[0] == std::vector<store::SqlValue>{std::string("R1"), std::string("Raw store 1"),
                                                 std::string("logger1"), std::string("t_c"), 4.5,
                                                 7.5});
}

TEST_CASE("a batch that cannot be written leaves neither its rows nor its rollups",
          "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  { auto s = open_store(path); }  // the empty schema, checkpointed into the file on close
  const auto empty_bytes = static_cast<std::int64_t>(std::filesystem::file_size(path));
  Season season;
  store::StoreOptions options;
  options.batch_rows = 150;
  options.retry_attempts = 2;  // the retry fails again: the cap does not move
  options.retry_backoff_ms = 1;
  options.max_db_bytes = empty_bytes + 48 * 1024;  // room for a few batches, not all
  {
    auto s = open_store(path, options);
    for (std::uint64_t i = 0; i < 3000; ++i) {
      s->append_fruit(season.fruit(i));
      if (i % 10 == 0) s->append_box(season.box(i));
      if (i % 4 == 0)
        s->append_sensor_sample("R1", "temp_c", 4.0 + static_cast<double>(i % 7),
                                at_ms(season.when()));
    }
    s->flush();  // what the disk refused is held or dropped by the store, never half-written
  }
  auto reader = open_reader(path);
  const std::int64_t fruit = count(reader, "SELECT COUNT(*) FROM fruit");
  CHECK(fruit > 0);
  CHECK(fruit < 3000);
  CHECK(count(reader, "SELECT SUM(n) FROM fruit_minute") == fruit);
  check_rollups_match_raw(reader);
}

// White-box: the writer itself, so that the retry of the very same batch can succeed.
TEST_CASE("a batch retried after a failed commit is rolled up once", "[unit][store]") {
  using namespace coldsort::store::detail;
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  auto db = open_database(path, OpenMode::writer);
  REQUIRE(db.has_value());
  REQUIRE(migrate(*db, path).has_value());
  SqlError e;
  auto writer = TableWriter::create(std::move(*db), &e);
  REQUIRE(writer.has_value());
  Season season;
  std::vector<Record> first;
  std::vector<Record> second;
  for (std::uint64_t i = 0; i < 50; ++i) first.emplace_back(season.fruit(i));
  for (std::uint64_t i = 50; i < 2050; ++i) {
    second.emplace_back(season.fruit(i));
    if (i % 10 == 0) second.emplace_back(season.box(i));
    if (i % 10 == 5) second.emplace_back(SensorSample{"R1", "temp_c", 5.0, at_ms(season.when())});
  }
  REQUIRE(writer->commit(first, &e).has_value());
  Connection& c = writer->connection();
  auto pages = c.query_int("PRAGMA page_count");
  REQUIRE(pages.has_value());
  // Three pages to spare: the second batch fails as on a full disk after some of its rows
  // (and their rollup counts) went in.
  const std::string cap = "PRAGMA max_page_count = " + std::to_string(*pages + 3);
  REQUIRE(c.query_int(cap.c_str()).has_value());
  CHECK_FALSE(writer->commit(second, &e).has_value());
  CHECK((e.code & 0xff) == SQLITE_FULL);
  REQUIRE(c.query_int("PRAGMA max_page_count = 1000000").has_value());
  REQUIRE(writer->commit(second, &e).has_value());

  auto reader = open_reader(path);
  CHECK(count(reader, "SELECT COUNT(*) FROM fruit") == 2050);
  CHECK(count(reader, "SELECT SUM(n) FROM fruit_minute") == 2050);
  check_rollups_match_raw(reader);
}
