#include <catch2/catch.hpp>

#include "coldsort/core/alarm.hpp"
#include "coldsort/store/log_reader.hpp"
#include "coldsort/store/log_store.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using coldsort::test::make_fruit;
using coldsort::test::TempDir;

TEST_CASE("alarm events round-trip", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  const core::WallTime t0 = test::test_epoch();
  {
    auto s = store::open_sqlite_store(path, {}).value();
    core::AlarmBoard board;  // the controller's board produces the events the store logs
    board.raise("link.sorter.down", "sorter", "no answer", core::AlarmPriority::urgent, t0);
    s->append_alarm_event(board.visible().at(0));
    board.acknowledge("link.sorter.down", t0 + std::chrono::seconds{30});
    s->append_alarm_event(board.visible().at(0));
    // An event built by hand with no change time is stamped with its raise time.
    s->append_alarm_event(core::Alarm{"coldroom1.temp.high", "coldroom1", "8.5 C",
                                      core::AlarmPriority::high, core::AlarmState::normal,
                                      t0 + std::chrono::seconds{5}, core::WallTime{}});
  }
  auto reader = store::LogReader::open(path).value();
  const auto rows = reader.alarm_event_rows(10).value();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].t_ms == core::to_unix_ms(t0));
  CHECK(rows[0].alarm_key == "link.sorter.down");
  CHECK(rows[0].source == "sorter");
  CHECK(rows[0].message == "no answer");
  CHECK(rows[0].priority == "urgent");
  CHECK(rows[0].state == "unacked_active");
  CHECK(rows[1].t_ms == core::to_unix_ms(t0) + 30'000);
  CHECK(rows[1].state == "acked_active");
  CHECK(rows[2].t_ms == core::to_unix_ms(t0) + 5'000);
  CHECK(rows[2].priority == "high");
  CHECK(rows[2].state == "normal");
  CHECK(rows[2].message == "8.5 C");
}

TEST_CASE("sensor samples round-trip", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  const core::WallTime t0 = test::test_epoch();
  {
    auto s = store::open_sqlite_store(path, {}).value();
    s->append_sensor_sample("coldroom1", "temp_c", 3.25, t0);
    s->append_sensor_sample("coldroom1", "rh_pct", 91.5, t0 + std::chrono::milliseconds{1});
    s->append_sensor_sample("vfd_main", "speed_hz", -0.125, t0 + std::chrono::seconds{2});
    s->flush();
    CHECK(s->stats().committed == 3);
  }
  auto reader = store::LogReader::open(path).value();
  const auto rows = reader.sensor_sample_rows(10).value();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].device == "coldroom1");
  CHECK(rows[0].point == "temp_c");
  CHECK(rows[0].value == 3.25);
  CHECK(rows[0].t_ms == core::to_unix_ms(t0));
  CHECK(rows[1].point == "rh_pct");
  CHECK(rows[1].value == 91.5);
  CHECK(rows[1].t_ms == core::to_unix_ms(t0) + 1);
  CHECK(rows[2].device == "vfd_main");
  CHECK(rows[2].value == -0.125);
  CHECK(rows[2].t_ms == core::to_unix_ms(t0) + 2000);
  CHECK(reader.sensor_sample_rows(10, 2).value().size() == 1);
}

TEST_CASE("fruit rows page by limit and offset in insertion order", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  {
    auto s = store::open_sqlite_store(path, {}).value();
    for (std::uint64_t i = 0; i < 30; ++i) s->append_fruit(make_fruit(i));
  }
  auto reader = store::LogReader::open(path).value();
  const auto page = reader.fruit_rows(10, 5).value();
  REQUIRE(page.size() == 10);
  CHECK(page.front().cup == 1005);
  CHECK(page.back().cup == 1014);
  CHECK(page.front().id < page.back().id);
  CHECK(reader.fruit_rows(10, 25).value().size() == 5);
  CHECK(reader.fruit_rows(10, 30).value().empty());
  // A fruit with no size or product reads back as empty text, not as a missing row.
  CHECK(page.front().size_code.empty());
  CHECK(page.front().product_id.empty());
}

TEST_CASE("the reader refuses a missing file instead of creating one", "[unit][store]") {
  TempDir dir;
  auto reader = store::LogReader::open((dir / "absent.sqlite").string());
  REQUIRE_FALSE(reader.has_value());
  CHECK(reader.error() == core::errc::store_io);
  CHECK_FALSE(std::filesystem::exists(dir / "absent.sqlite"));
}

TEST_CASE("the reader sees rows committed while the writer is still open", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  auto s = store::open_sqlite_store(path, {}).value();
  for (std::uint64_t i = 0; i < 7; ++i) s->append_fruit(make_fruit(i));
  s->flush();
  auto reader = store::LogReader::open(path).value();  // WAL: reads beside the writer
  CHECK(reader.count_fruit().value() == 7);
  s->append_fruit(make_fruit(7));
  s->flush();
  CHECK(reader.count_fruit().value() == 8);
}
