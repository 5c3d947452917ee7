#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "coldsort/core/alarm.hpp"
#include "coldsort/core/cold_room.hpp"
#include "coldsort/store/log_reader.hpp"
#include "coldsort/store/log_store.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using coldsort::test::TempDir;

namespace {

core::ColdExcursion excursion(std::string room, core::ExcursionKind kind, core::WallTime start,
                              std::chrono::minutes length, double peak) {
  core::ColdExcursion e;
  e.room = std::move(room);
  e.kind = kind;
  e.start = start;
  e.end = start + length;
  e.duration = length;
  e.peak = peak;
  e.limit = 8.0;
  e.probe = "record_temp_c";
  return e;
}

std::int64_t ms(core::WallTime t) { return core::to_unix_ms(t); }

}  // namespace

TEST_CASE("excursions round-trip and are found by the time span they overlap",
          "[unit][store][cold]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  const core::WallTime t0 = test::test_epoch();
  {
    auto s = test::open_store(path);
    auto high = excursion("CR-RAW", core::ExcursionKind::temp_high, t0 + 10min, 40min, 9.25);
    high.alarmed = true;
    high.defrost = true;
    high.detail = "open when monitoring stopped";
    s->append_excursion(high);
    s->append_excursion(excursion("CR-STAGE", core::ExcursionKind::door_open, t0 + 20min, 5min,
                                  std::numeric_limits<double>::quiet_NaN()));
    s->append_excursion(excursion("CR-RAW", core::ExcursionKind::temp_low, t0 + 2h, 15min, 4.5));
    s->flush();
    CHECK(s->stats().committed == 3);
  }
  auto reader = test::open_reader(path);
  const auto all = reader.excursion_rows(ms(t0), ms(t0 + 24h)).value();
  REQUIRE(all.size() == 3);
  CHECK(all[0].room == "CR-RAW");
  CHECK(all[0].kind == "temp_high");
  CHECK(all[0].start_ms == ms(t0) + 600'000);
  CHECK(all[0].end_ms == ms(t0) + 3'000'000);
  CHECK(all[0].duration_ms == 2'400'000);
  CHECK(all[0].peak == 9.25);
  CHECK(all[0].limit == 8.0);
  CHECK(all[0].alarmed);
  CHECK(all[0].defrost);
  CHECK(all[0].probe == "record_temp_c");
  CHECK(all[0].detail == "open when monitoring stopped");
  CHECK(all[1].kind == "door_open");
  CHECK(std::isnan(all[1].peak));  // no value is NULL, read back as NaN (not 0)
  CHECK_FALSE(all[1].alarmed);
  CHECK(all[1].detail.empty());

  // Overlap, not containment: the 10..50 min excursion belongs to a 45..60 min window.
  const auto window = reader.excursion_rows(ms(t0 + 45min), ms(t0 + 60min)).value();
  REQUIRE(window.size() == 1);
  CHECK(window[0].kind == "temp_high");
  // [from, to) is half-open at both ends of an excursion.
  CHECK(reader.excursion_rows(ms(t0 + 50min), ms(t0 + 2h)).value().empty());
  CHECK(reader.excursion_rows(ms(t0 + 2h), ms(t0 + 3h)).value().size() == 1);
  // One room only.
  const auto raw = reader.excursion_rows(ms(t0), ms(t0 + 24h), "CR-RAW").value();
  REQUIRE(raw.size() == 2);
  CHECK(raw[1].kind == "temp_low");
  CHECK(reader.excursion_rows(ms(t0), ms(t0 + 24h), "CR-NONE").value().empty());
}

TEST_CASE("alarm state changes are journaled with from, to, who and why", "[unit][store][cold]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  const core::WallTime t0 = test::test_epoch();
  {
    auto s = test::open_store(path);
    core::AlarmBoard board;
    board.raise("cold.CR-RAW.door", "CR-RAW", "door open 12 min", core::AlarmPriority::medium, t0);
    board.shelve("cold.CR-RAW.door", "loading lorry", t0 + 1h, t0 + 1min, "li.wei");
    board.clear("cold.CR-RAW.door", t0 + 20min);
    board.unshelve("cold.CR-RAW.door", t0 + 30min, "li.wei");
    for (const core::AlarmEvent& e : board.take_events()) s->append_alarm_transition(e);
    // The older, state-only append still works beside it.
    s->append_alarm_event(core::Alarm{"link.sorter.down", "sorter", "down"});
  }
  auto reader = test::open_reader(path);
  const auto rows = reader.alarm_event_rows(10).value();
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].from_state == "normal");
  CHECK(rows[0].state == "unacked_active");
  CHECK(rows[0].actor == "system");
  CHECK(rows[0].active);
  CHECK(rows[1].t_ms == ms(t0 + 1min));
  CHECK(rows[1].from_state == "unacked_active");
  CHECK(rows[1].state == "shelved");
  CHECK(rows[1].actor == "li.wei");
  CHECK(rows[1].reason == "loading lorry");
  CHECK(rows[2].from_state == "shelved");  // cleared beneath the shelf
  CHECK(rows[2].state == "shelved");
  CHECK_FALSE(rows[2].active);
  CHECK(rows[3].state == "normal");  // unshelved after it cleared: gone, no ack needed
  CHECK(rows[3].reason == "unshelved");
  CHECK(rows[4].alarm_key == "link.sorter.down");
  CHECK(rows[4].from_state.empty());
  CHECK(rows[4].actor.empty());
}

TEST_CASE("published plans are kept, newest first, with their figures and JSON", "[unit][store][planning]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  const core::WallTime t0 = test::test_epoch();
  {
    auto s = test::open_store(path);
    core::PlanRecord first{t0, "flow", "huili-peak", 0, 20000, 19800, 150, 50, 0, R"({"staff":[]})"};
    core::PlanRecord replan = first;
    replan.published_at = t0 + 30min;
    replan.made_at_min = 30;
    replan.parcels_on_time = 19750;
    replan.changes = 4;
    s->append_plan(first);
    s->append_plan(replan);
    s->flush();
    CHECK(s->stats().committed == 2);
  }
  auto reader = test::open_reader(path);
  const auto rows = reader.plan_rows(10, true).value();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].made_at_min == 30);
  CHECK(rows[0].changes == 4);
  CHECK(rows[0].parcels_on_time == 19750);
  CHECK(rows[1].method == "flow");
  CHECK(rows[1].instance == "huili-peak");
  CHECK(rows[1].parcels_unplanned == 50);
  CHECK(rows[1].plan_json == R"({"staff":[]})");
  CHECK(reader.plan_rows(1).value().at(0).plan_json.empty());  // figures only unless asked
}
