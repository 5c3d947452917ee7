// Durability of the log: what the writer does when the disk refuses writes (pending buffer,
// drop order, recovery in order), the open marker and integrity checks, the online backup
// while a writer appends, and the folding of old sensor samples.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "coldsort/store/log_reader.hpp"
#include "coldsort/store/log_store.hpp"
#include "coldsort/store/maintenance.hpp"
#include "schema.hpp"
#include "sensor_downsample.hpp"
#include "sqlite_log_store.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using coldsort::test::make_fruit;
using coldsort::test::open_reader;
using coldsort::test::open_store;
using coldsort::test::TempDir;

namespace {

// A disk the test fills and empties: while `full`, every commit attempt fails as SQLite
// fails on a full disk.
struct FakeDisk {
  std::atomic<bool> full{false};
  store::detail::CommitFault fault() {
    return [this](store::detail::SqlError* e) {
      if (!full) return false;
      *e = store::detail::SqlError{SQLITE_FULL, "database or disk is full"};
      return true;
    };
  }
};

std::unique_ptr<store::LogStore> open_with_disk(const std::string& path, store::StoreOptions options,
                                                FakeDisk& disk) {
  auto opened = store::detail::open_sqlite_store_with_fault(path, options, disk.fault());
  REQUIRE(opened.has_value());
  return std::move(*opened);
}

core::OperatorAction action(const std::string& actor) {
  return core::OperatorAction{test::test_epoch(), actor, "operator", "line.start", "line", "", true, "done"};
}

// Waits (bounded) until `done` holds; the writer runs on its own thread and clock.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::seconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);  // a poll interval, not a guess at how long it takes
  }
  return true;
}

// The start of the minute holding the test epoch.
core::WallTime minute_start() {
  const std::int64_t ms = core::to_unix_ms(test::test_epoch());
  return core::WallTime{std::chrono::milliseconds{ms - ms % 60'000}};
}

std::int64_t scalar(const store::LogReader& reader, const std::string& sql) {
  auto rows = reader.query(sql);
  REQUIRE(rows.has_value());
  REQUIRE(rows->size() == 1);
  const store::SqlValue& v = rows->front().front();
  if (std::holds_alternative<std::monostate>(v)) return 0;
  return std::get<std::int64_t>(v);
}

}  // namespace

TEST_CASE("past max_pending, sensor samples are dropped first, then fruit, then the rest",
          "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  store::StoreOptions options;
  options.batch_rows = 50;           // every group of 50 appends is one batch...
  options.catch_up_rows = 50;        // ...never more...
  options.batch_ms = 3'600'000;      // ...and only that: no partial batches by time
  options.retry_attempts = 1;
  options.max_pending = 100;
  FakeDisk disk;
  disk.full = true;
  auto s = open_with_disk(path, options, disk);
  for (std::uint64_t i = 0; i < 50; ++i) s->append_fruit(make_fruit(i));
  for (int k = 0; k < 40; ++k) s->append_sensor_sample("cold-raw", "air_temp_c", 5.0 + k, test::test_epoch());
  for (int k = 0; k < 10; ++k) s->append_operator_action(action("first" + std::to_string(k)));
  s->flush();
  store::StoreStats stats = s->stats();
  CHECK(stats.pending == 100);  // exactly full
  CHECK(stats.dropped == 0);
  CHECK(stats.degraded);
  CHECK_THAT(stats.degraded_reason, Catch::Contains(path) && Catch::Contains("database or disk is full"));

  // 50 more actions: the 40 samples go first, then the 10 oldest fruit.
  for (int k = 0; k < 50; ++k) s->append_operator_action(action("second" + std::to_string(k)));
  s->flush();
  stats = s->stats();
  CHECK(stats.pending == 100);
  CHECK(stats.dropped_samples == 40);
  CHECK(stats.dropped_fruit == 10);
  CHECK(stats.dropped_records == 0);

  // 50 more: the other 40 fruit, and only then the 10 oldest actions.
  for (int k = 0; k < 50; ++k) s->append_operator_action(action("third" + std::to_string(k)));
  s->flush();
  stats = s->stats();
  CHECK(stats.pending == 100);
  CHECK(stats.dropped_samples == 40);
  CHECK(stats.dropped_fruit == 50);
  CHECK(stats.dropped_records == 10);
  CHECK(stats.dropped == 100);
  CHECK(stats.committed == 0);

  // The disk comes back: the 100 kept actions (the newest) are committed, in order.
  disk.full = false;
  REQUIRE(eventually([&] { return s->stats().pending == 0; }));
  stats = s->stats();
  CHECK(stats.committed == 100);
  CHECK_FALSE(stats.degraded);
  CHECK(stats.degraded_reason.empty());
  auto actors = open_reader(path).query("SELECT actor FROM operator_action ORDER BY id").value();
  REQUIRE(actors.size() == 100);
  CHECK(std::get<std::string>(actors.front().front()) == "second0");
  CHECK(std::get<std::string>(actors[49].front()) == "second49");
  CHECK(std::get<std::string>(actors.back().front()) == "third49");
}

TEST_CASE("records refused while the disk is full are committed in order once it is back",
          "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  store::StoreOptions options;
  options.batch_rows = 100;
  options.batch_ms = 5;
  options.retry_attempts = 2;
  options.retry_backoff_ms = 1;
  FakeDisk disk;
  auto s = open_with_disk(path, options, disk);
  for (std::uint64_t i = 0; i < 300; ++i) s->append_fruit(make_fruit(i));
  s->flush();
  REQUIRE(s->stats().committed == 300);

  disk.full = true;
  for (std::uint64_t i = 300; i < 1300; ++i) {
    s->append_fruit(make_fruit(i));
    if (i % 10 == 0) s->append_sensor_sample("cold-raw", "air_temp_c", 6.0, test::test_epoch());
  }
  s->flush();  // does not wait for the disk
  store::StoreStats stats = s->stats();
  CHECK(stats.pending == 1100);
  CHECK(stats.degraded);
  CHECK(open_reader(path).count_fruit().value() == 300);
  // The line keeps appending while degraded: append_* never waits.
  for (std::uint64_t i = 1300; i < 1500; ++i) s->append_fruit(make_fruit(i));
  s->flush();
  CHECK(s->stats().pending == 1300);

  disk.full = false;
  REQUIRE(eventually([&] { return s->stats().pending == 0; }));
  stats = s->stats();
  CHECK(stats.committed == 1600);
  CHECK(stats.dropped == 0);
  CHECK_FALSE(stats.degraded);
  auto reader = open_reader(path);
  const auto rows = reader.fruit_rows(2000).value();
  REQUIRE(rows.size() == 1500);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].cup != static_cast<std::int64_t>(1000 + i)) FAIL("row " << i << " holds cup " << rows[i].cup);
  }
  CHECK(reader.sensor_sample_rows(1000).value().size() == 100);
}

TEST_CASE("a store that stays open leaves a marker; a clean close removes it", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  const auto marker = std::filesystem::path(path + "-running");
  {
    auto s = open_store(path);
    CHECK(std::filesystem::exists(marker));
    s->append_fruit(make_fruit(1));
  }
  CHECK_FALSE(std::filesystem::exists(marker));

  // As after a kill -9: the marker is still there, so the next open checks in full.
  { std::ofstream touch(marker); }
  test::LogCapture log;
  auto s = open_store(path);
  CHECK(log.has_line_with({path, "not closed cleanly"}));
  s->append_fruit(make_fruit(2));
  s->flush();
  CHECK(open_reader(path).count_fruit().value() == 2);
}

TEST_CASE("check_database passes a sound file and lists the damage of a broken one",
          "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  {
    auto s = open_store(path);
    for (std::uint64_t i = 0; i < 3000; ++i) s->append_fruit(make_fruit(i));
  }
  auto sound = store::check_database(path);
  REQUIRE(sound.has_value());
  CHECK(sound->empty());

  // The root page of the fruit_t_ms index, filled with a pattern no b-tree page can have:
  // the file still opens, and integrity_check must find it.
  std::int64_t index_root = 0;
  {
    auto reader = open_reader(path);
    index_root = scalar(reader, "SELECT rootpage FROM sqlite_schema WHERE name = 'fruit_t_ms'");
    REQUIRE(index_root > 1);
    REQUIRE(index_root <= scalar(reader, "PRAGMA page_count"));
    REQUIRE(scalar(reader, "PRAGMA page_size") == 4096);
  }
  test::patch_file(path, (index_root - 1) * 4096, std::string(4096, '\xA5'));
  auto damaged = store::check_database(path);
  if (damaged) {
    CHECK_FALSE(damaged->empty());
  } else {
    CHECK(damaged.error() == core::errc::store_io);  // too broken to even read
  }
  CHECK_FALSE(store::check_database((dir / "missing.sqlite").string()).has_value());
}

TEST_CASE("a backup taken while a writer appends is a sound snapshot of what was committed",
          "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  const std::string copy = (dir / "backup.sqlite").string();
  store::StoreOptions options;
  options.batch_rows = 200;
  options.batch_ms = 2;
  auto s = open_store(path, options);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> appended{0};
  std::thread line([&] {
    for (std::uint64_t i = 0; !stop; ++i) {
      s->append_fruit(make_fruit(i));
      appended = i + 1;
      if (i % 2000 == 1999) s->flush();  // keep the queue short
    }
  });
  REQUIRE(eventually([&] { return open_reader(path).count_fruit().value() >= 20'000; }, 15s));
  const std::int64_t before = open_reader(path).count_fruit().value();
  std::vector<double> fractions;
  auto result = store::backup_database(copy, copy + "x", {});  // a missing source is an error
  CHECK_FALSE(result.has_value());
  result = store::backup_database(path, copy, [&](double f) { fractions.push_back(f); });
  const std::uint64_t appended_after = appended;
  stop = true;
  line.join();
  s->flush();
  REQUIRE(result.has_value());
  CHECK(result->bytes > 0);
  REQUIRE(fractions.size() >= 2);
  CHECK(fractions.front() == 0.0);
  CHECK(fractions.back() == 1.0);
  CHECK(std::is_sorted(fractions.begin(), fractions.end()));

  auto problems = store::check_database(copy);
  REQUIRE(problems.has_value());
  CHECK(problems->empty());
  const std::int64_t in_copy = open_reader(copy).count_fruit().value();
  CHECK(in_copy >= before);  // everything committed when it began
  CHECK(in_copy <= static_cast<std::int64_t>(appended_after));
  // A snapshot, not a mix: the fruit rows are the first in_copy of the sequence.
  CHECK(scalar(open_reader(copy), "SELECT max(cup) - min(cup) + 1 FROM fruit") == in_copy);
  // A second backup onto the same file is refused rather than overwriting it.
  auto again = store::backup_database(path, copy);
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error() == core::errc::config_invalid);
}

TEST_CASE("old raw sensor samples fold into one row per device, point and minute",
          "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  const core::WallTime t0 = minute_start();
  const auto at = [&](std::chrono::milliseconds offset) { return t0 + offset; };
  {
    auto s = open_store(path);
    // Minute 0 of cold-raw/air_temp_c: three readings (one NaN, stored as NULL).
    s->append_sensor_sample("cold-raw", "air_temp_c", 1.0, at(1s));
    s->append_sensor_sample("cold-raw", "air_temp_c", 2.0, at(20s));
    s->append_sensor_sample("cold-raw", "air_temp_c", std::nan(""), at(30s));
    s->append_sensor_sample("cold-raw", "air_temp_c", 6.0, at(59s));
    // Minute 1: one reading, which stays as it is.
    s->append_sensor_sample("cold-raw", "air_temp_c", 4.5, at(90s));
    // Two days later, just before the cutoff's minute: two readings fold too.
    s->append_sensor_sample("cold-raw", "air_temp_c", 3.0, at(48h + 5s));
    s->append_sensor_sample("cold-raw", "air_temp_c", 5.0, at(48h + 6s));
    // The cutoff's own minute and later stay raw.
    s->append_sensor_sample("cold-raw", "air_temp_c", 7.0, at(48h + 60s + 1s));
    s->append_sensor_sample("cold-raw", "air_temp_c", 8.0, at(48h + 60s + 2s));
    // Another series in the same minutes keeps to itself.
    s->append_sensor_sample("cold-stage", "air_temp_c", 9.0, at(10s));
    s->append_sensor_sample("cold-stage", "air_temp_c", 11.0, at(40s));
  }
  const std::string hour_before = [&] {
    auto rows = open_reader(path).query("SELECT device, point, hour_ms, n, sum_value FROM sensor_hour ORDER BY 1, 2, 3").value();
    std::string text;
    for (const auto& row : rows) text += std::to_string(std::get<std::int64_t>(row[3])) + ";";
    return text;
  }();

  auto db = store::detail::open_database(path, store::detail::OpenMode::writer);
  REQUIRE(db.has_value());
  const std::int64_t cutoff_ms = core::to_unix_ms(at(48h + 60s + 30s));
  auto done = store::detail::downsample_sensor_samples(*db, cutoff_ms);
  REQUIRE(done.has_value());
  CHECK(done->folded_rows == 3);  // minute 0 of each series, and the minute two days on
  CHECK(done->raw_rows == 4 + 1 + 2 + 2);

  auto rows = open_reader(path)
                  .query("SELECT device, t_ms, value, n, min_value, max_value FROM sensor_sample "
                         "ORDER BY device, t_ms")
                  .value();
  REQUIRE(rows.size() == 6);
  const auto t = [&](std::chrono::milliseconds offset) { return core::to_unix_ms(at(offset)); };
  const auto num = [](const store::SqlValue& v) { return std::get<double>(v); };
  const auto count = [](const store::SqlValue& v) {
    return std::holds_alternative<std::monostate>(v) ? -1 : std::get<std::int64_t>(v);
  };
  // cold-raw minute 0: mean of 1, 2, 6 (the NULL skipped), at the minute's start.
  CHECK(std::get<std::int64_t>(rows[0][1]) == t(0s));
  CHECK(num(rows[0][2]) == Approx(3.0));
  CHECK(count(rows[0][3]) == 3);
  CHECK(num(rows[0][4]) == 1.0);
  CHECK(num(rows[0][5]) == 6.0);
  // cold-raw minute 1: the lone reading keeps its time, n = 1.
  CHECK(std::get<std::int64_t>(rows[1][1]) == t(90s));
  CHECK(num(rows[1][2]) == 4.5);
  CHECK(count(rows[1][3]) == 1);
  CHECK(num(rows[1][4]) == 4.5);
  CHECK(std::get<std::int64_t>(rows[2][1]) == t(48h));
  CHECK(num(rows[2][2]) == Approx(4.0));
  CHECK(count(rows[2][3]) == 2);
  // Newer than the cutoff's minute: raw (n NULL).
  CHECK(std::get<std::int64_t>(rows[3][1]) == t(48h + 61s));
  CHECK(count(rows[3][3]) == -1);
  CHECK(count(rows[4][3]) == -1);
  // cold-stage minute 0.
  CHECK(std::get<std::string>(rows[5][0]) == "cold-stage");
  CHECK(num(rows[5][2]) == Approx(10.0));
  CHECK(count(rows[5][3]) == 2);

  // Again: nothing left to fold, and the hourly rollup was never touched.
  auto again = store::detail::downsample_sensor_samples(*db, cutoff_ms);
  REQUIRE(again.has_value());
  CHECK(again->raw_rows == 0);
  CHECK(again->folded_rows == 0);
  const auto hours = open_reader(path).query("SELECT device, point, hour_ms, n, sum_value FROM sensor_hour ORDER BY 1, 2, 3").value();
  std::string hour_after;
  for (const auto& row : hours) hour_after += std::to_string(std::get<std::int64_t>(row[3])) + ";";
  CHECK(hour_after == hour_before);
}

TEST_CASE("one downsampling step stays within one window of one series", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  const core::WallTime t0 = minute_start();
  {
    auto s = open_store(path);
    // Three hours of 1-s readings: 10,800 raw rows.
    for (int sec = 0; sec < 3 * 3600; ++sec) {
      s->append_sensor_sample("cold-raw", "air_temp_c", 5.0 + (sec % 60) / 60.0, t0 + std::chrono::seconds(sec));
    }
  }
  auto db = store::detail::open_database(path, store::detail::OpenMode::writer);
  REQUIRE(db.has_value());
  store::detail::SensorDownsampler downsampler(15 * 60'000);
  const std::int64_t cutoff_ms = core::to_unix_ms(t0 + 10h);
  std::int64_t folded = 0;
  int steps = 0;
  for (bool more = true; more; ++steps) {
    auto step = downsampler.step(*db, cutoff_ms, nullptr);
    REQUIRE(step.has_value());
    CHECK(step->raw_rows <= 15 * 60);  // a 15-minute window of 1-s readings at most
    folded += step->folded_rows;
    more = step->more;
    REQUIRE(steps < 100);
  }
  CHECK(folded == 180);
  CHECK(scalar(open_reader(path), "SELECT count(*) FROM sensor_sample") == 180);
  CHECK(scalar(open_reader(path), "SELECT sum(n) FROM sensor_sample") == 3 * 3600);
}

TEST_CASE("store options for the buffer and the sample age are checked", "[unit][store]") {
  TempDir dir;
  store::StoreOptions options;
  SECTION("max_pending") { options.max_pending = 0; }
  SECTION("sensor_raw_max_age") { options.sensor_raw_max_age = std::chrono::milliseconds{-1}; }
  auto opened = store::open_sqlite_store((dir / "log.sqlite").string(), options);
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error() == core::errc::config_invalid);
}
