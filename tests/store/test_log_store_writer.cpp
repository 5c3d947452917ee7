#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "coldsort/store/log_reader.hpp"
#include "coldsort/store/log_store.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using coldsort::test::make_fruit;
using coldsort::test::open_reader;
using coldsort::test::open_store;
using coldsort::test::TempDir;

namespace {

void check_row_matches(const store::FruitRow& row, std::uint64_t i) {
  const core::Fruit f = make_fruit(i);
  INFO("fruit " << i);
  CHECK(row.t_ms == core::to_unix_ms(f.seen_at));
  CHECK(row.lane == f.at.lane);
  CHECK(row.cup == static_cast<std::int64_t>(f.at.cup));
  CHECK(row.lot_id == f.lot_id);
  CHECK(row.diameter_mm == f.measured.diameter_mm);
  CHECK(row.minor_diameter_mm == f.measured.minor_diameter_mm);
  CHECK(row.area_mm2 == f.measured.area_mm2);
  CHECK(row.weight_g == f.measured.weight_g);
  CHECK(row.hue_deg == f.measured.mean_hue_deg);
  CHECK(row.defect_share == f.measured.defect_share);
  CHECK(row.confidence == f.measured.confidence);
  CHECK(row.grade == core::to_string(f.grade));
  CHECK(row.size_code == f.size_code);
  CHECK(row.product_id == f.product_id);
  CHECK(row.outlet == f.outlet);
  CHECK(row.reason == core::to_string(f.reason));
  CHECK(row.volume_cm3 == f.measured.volume_cm3);
  CHECK(row.defect_mm2 == f.measured.defect_area_mm2);
  CHECK(row.defect_kinds == core::defect_kinds_text(f.measured.defect_kinds));
  CHECK(row.doubt == (f.measured.doubt == core::Doubt::none ? "" : core::to_string(f.measured.doubt)));
}

}  // namespace

TEST_CASE("ten thousand fruit are committed in batches", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  store::StoreOptions options;
  options.batch_rows = 500;
  options.catch_up_rows = 500;  // no larger catch-up transactions: count plain batches
  auto s = open_store(path, options);
  constexpr std::uint64_t kFruit = 10'000;
  for (std::uint64_t i = 0; i < kFruit; ++i) s->append_fruit(make_fruit(i));
  s->flush();

  const store::StoreStats stats = s->stats();
  CHECK(stats.queued == kFruit);
  CHECK(stats.committed == kFruit);
  CHECK(stats.dropped == 0);
  CHECK(stats.last_error.empty());
  // No batch holds more than batch_rows, and batching really happens: far fewer
  // transactions than rows (a time-triggered partial batch now and then is allowed).
  CHECK(stats.batches >= kFruit / 500);
  CHECK(stats.batches <= kFruit / 100);

  auto reader = open_reader(path);
  CHECK(reader.count_fruit().value() == static_cast<std::int64_t>(kFruit));
  const auto rows = reader.fruit_rows(static_cast<int>(kFruit)).value();
  REQUIRE(rows.size() == kFruit);
  for (std::uint64_t i = 0; i < kFruit; ++i) {
    if (rows[i].cup != static_cast<std::int64_t>(1000 + i)) {
      FAIL("row " << i << " holds cup " << rows[i].cup);
    }
  }
  for (std::uint64_t i : {0, 1, 4, 5, 499, 500, 4321, 9999}) check_row_matches(rows[i], i);
}

TEST_CASE("records below batch_rows are committed once the oldest is batch_ms old",
          "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  store::StoreOptions options;
  options.batch_rows = 1'000'000;  // never reached: only the time bound can commit
  options.batch_ms = 100;
  auto s = open_store(path, options);

  const auto before = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < 3; ++i) s->append_fruit(make_fruit(i));
  s->flush();  // returns only because the time bound fired
  const auto waited = std::chrono::steady_clock::now() - before;

  CHECK(waited >= std::chrono::milliseconds{options.batch_ms});  // it did wait for the age
  CHECK(s->stats().committed == 3);
  CHECK(s->stats().batches >= 1);
  CHECK(open_reader(path).count_fruit().value() == 3);
}

TEST_CASE("a full queue drops records, sensor samples first", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  store::StoreOptions options;
  options.max_queued = 10;
  options.batch_rows = 1000;     // above max_queued: a full queue does not trigger a commit
  options.batch_ms = 3'600'000;  // and the time bound is an hour away, so nothing drains
  {
    auto s = open_store(path, options);
    for (int i = 0; i < 9; ++i) {
      s->append_sensor_sample("coldroom1", "temp_c", 4.0 + i, test::test_epoch());
    }
    CHECK(s->stats().dropped == 0);
    s->append_sensor_sample("coldroom1", "temp_c", 99.0, test::test_epoch());  // 90 % full
    CHECK(s->stats().dropped == 1);
    s->append_fruit(make_fruit(1));  // fruit still fits in the last tenth
    CHECK(s->stats().dropped == 1);
    s->append_fruit(make_fruit(2));  // now the queue is full
    s->append_alarm_event(core::Alarm{"link.sorter.down", "sorter", "down"});
    const store::StoreStats stats = s->stats();
    CHECK(stats.queued == 10);
    CHECK(stats.dropped == 3);
    CHECK(stats.dropped_samples == 1);
    CHECK(stats.dropped_fruit == 1);
    CHECK(stats.dropped_records == 1);
    CHECK(stats.committed == 0);
    CHECK(stats.degraded);  // dropping, until a commit goes through
    CHECK_THAT(stats.degraded_reason, Catch::Contains("queue") && Catch::Contains(path));
  }  // the destructor commits what was queued without waiting an hour

  auto reader = open_reader(path);
  CHECK(reader.sensor_sample_rows(100).value().size() == 9);
  const auto fruit = reader.fruit_rows(10).value();
  REQUIRE(fruit.size() == 1);
  CHECK(fruit[0].cup == 1001);
  CHECK(reader.alarm_event_rows(10).value().empty());
}

TEST_CASE("a full disk keeps the batches it refuses pending, in memory, and says why",
          "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  store::StoreOptions options;
  options.batch_rows = 200;
  options.catch_up_rows = 200;
  options.retry_attempts = 3;
  options.retry_backoff_ms = 1;
  options.max_db_bytes = 256 * 1024;  // a "disk" that fills after the schema and some hundred fruit
  auto s = open_store(path, options);
  constexpr std::uint64_t kFruit = 4000;
  for (std::uint64_t i = 0; i < kFruit; ++i) s->append_fruit(make_fruit(i));
  s->flush();  // returns although batches failed: they wait in the pending buffer

  const store::StoreStats stats = s->stats();
  CHECK(stats.committed > 0);
  CHECK(stats.pending > 0);
  CHECK(stats.dropped == 0);  // the buffer (max_pending) holds all of them
  CHECK(stats.committed + stats.pending == kFruit);
  CHECK(stats.committed % 200 == 0);  // whole batches or nothing
  CHECK(stats.degraded);
  CHECK_THAT(stats.degraded_reason, Catch::Contains("full") && Catch::Contains(path));
  CHECK_THAT(stats.last_error, Catch::Contains("full") && Catch::Contains(path));
  auto reader = open_reader(path);
  CHECK(reader.count_fruit().value() == static_cast<std::int64_t>(stats.committed));
  // The committed ones are the oldest: nothing after the first refused batch went in.
  const auto rows = reader.fruit_rows(static_cast<int>(kFruit)).value();
  REQUIRE(rows.size() == stats.committed);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].cup != static_cast<std::int64_t>(1000 + i)) FAIL("row " << i << " holds cup " << rows[i].cup);
  }
}

TEST_CASE("appends from several threads all arrive", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  store::StoreOptions options;
  options.batch_rows = 300;
  options.batch_ms = 5;
  auto s = open_store(path, options);
  constexpr int kThreads = 4;
  constexpr std::uint64_t kEach = 1500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&s, t] {
      for (std::uint64_t i = 0; i < kEach; ++i) {
        s->append_fruit(make_fruit(static_cast<std::uint64_t>(t) * kEach + i));
        if (i % 500 == 0) s->flush();  // flushes interleave with other threads' appends
      }
    });
  }
  for (auto& thread : threads) thread.join();
  s->flush();
  CHECK(s->stats().committed == kThreads * kEach);
  auto rows = open_reader(path).fruit_rows(kThreads * kEach).value();
  REQUIRE(rows.size() == kThreads * kEach);
  std::vector<bool> seen(kThreads * kEach, false);
  for (const auto& row : rows) seen.at(static_cast<std::size_t>(row.cup - 1000)) = true;
  CHECK(std::count(seen.begin(), seen.end(), false) == 0);
}
