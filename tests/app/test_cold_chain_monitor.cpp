#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "coldsort/app/cold_chain_monitor.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using app::AlarmRequest;
using app::ColdChainOutput;
using app::ColdRoomSample;
using app::Reading;
using app::ReadingQuality;
using core::ExcursionKind;

namespace {

// Pomegranate raw store: band 5..8 degC, levels low_low 3, low 5, high 8, high_high 10,
// 30 min delays, 0.5 degC deadbands (the config defaults for this band).
core::ColdRoom raw_store() {
  core::ColdRoom room;
  room.id = "CR-RAW";
  room.name = "Raw store";
  room.setpoint_c = 6;
  room.min_c = 5;
  room.max_c = 8;
  room.device = "cold-raw";
  core::default_cold_room_alarms(room);
  return room;
}

ColdRoomSample air(double control_c) {
  ColdRoomSample s;
  s.control_c = Reading{control_c};
  s.door_open = Reading{0};
  s.defrost = Reading{0};
  return s;
}

ColdRoomSample two_probes(double control_c, double record_c) {
  ColdRoomSample s = air(control_c);
  s.record_c = Reading{record_c};
  return s;
}

// Feeds samples at offsets from a fixed start and keeps everything the monitor said.
struct Rig {
  explicit Rig(core::ColdRoom r = raw_store(), app::ColdChainMonitor::Options options = {})
      : room(r), monitor({room}, options) {}

  ColdChainOutput at(std::chrono::seconds offset, const ColdRoomSample& sample) {
    ColdChainOutput out = monitor.update(room.id, sample, t0 + offset, w0 + offset);
    log.alarms.insert(log.alarms.end(), out.alarms.begin(), out.alarms.end());
    log.excursions.insert(log.excursions.end(), out.excursions.begin(), out.excursions.end());
    return out;
  }
  // One sample a minute over [from, to), all alike.
  void each_minute(std::chrono::minutes from, std::chrono::minutes to, const ColdRoomSample& s) {
    for (auto m = from; m < to; m += 1min) at(m, s);
  }
  const AlarmRequest* find(AlarmRequest::Action action, const std::string& key) const {
    for (const AlarmRequest& a : log.alarms)
      if (a.action == action && a.key == key) return &a;
    return nullptr;
  }
  std::vector<core::ColdExcursion> records(ExcursionKind kind) const {
    std::vector<core::ColdExcursion> out;
    for (const auto& e : log.excursions)
      if (e.kind == kind) out.push_back(e);
    return out;
  }

  core::ColdRoom room;
  app::ColdChainMonitor monitor;
  core::SteadyTime t0{std::chrono::hours{5}};
  core::WallTime w0{std::chrono::milliseconds{1'700'000'000'000}};
  ColdChainOutput log;
};

bool has(const ColdChainOutput& out, AlarmRequest::Action action, const std::string& key) {
  return std::any_of(out.alarms.begin(), out.alarms.end(),
                     [&](const AlarmRequest& a) { return a.action == action && a.key == key; });
}

constexpr auto kRaise = AlarmRequest::Action::raise;
constexpr auto kClear = AlarmRequest::Action::clear;
const std::string kHigh = "cold.CR-RAW.temp.high";

}  // namespace

TEST_CASE("an excursion shorter than its delay is recorded but not alarmed", "[unit][cold]") {
  Rig rig;
  rig.at(0min, air(6.0));
  rig.each_minute(1min, 10min, air(8.5));
  rig.at(10min, air(9.1));  // the peak
  rig.each_minute(11min, 21min, air(8.4));
  CHECK(rig.log.alarms.empty());
  CHECK(rig.log.excursions.empty());  // still open: only recorded when it ends
  rig.at(21min, air(7.5));            // back inside by exactly the deadband
  CHECK(rig.log.alarms.empty());
  const auto high = rig.records(ExcursionKind::temp_high);
  REQUIRE(high.size() == 1);
  CHECK(high[0].room == "CR-RAW");
  CHECK(high[0].start == rig.w0 + 1min);
  CHECK(high[0].end == rig.w0 + 21min);
  CHECK(high[0].duration == 20min);
  CHECK(high[0].peak == Approx(9.1));
  CHECK(high[0].limit == Approx(8.0));
  CHECK_FALSE(high[0].alarmed);
  CHECK(high[0].probe == "air_temp_c");
  CHECK(rig.records(ExcursionKind::temp_high_high).empty());  // 9.1 never passed 10
}

TEST_CASE("a longer excursion alarms after exactly its delay and clears past the deadband",
          "[unit][cold]") {
  Rig rig;
  rig.at(0min, air(6.0));
  rig.at(1min, air(8.6));  // first sample beyond 8.0: the delay starts here
  for (auto s = 90s; s < 31min; s += 30s) CHECK_FALSE(has(rig.at(s, air(8.6)), kRaise, kHigh));
  const ColdChainOutput out = rig.at(31min, air(8.7));  // 30 min after the start
  REQUIRE(has(out, kRaise, kHigh));
  const AlarmRequest& raised = out.alarms.front();
  CHECK(raised.source == "CR-RAW");
  CHECK(raised.priority == core::AlarmPriority::medium);
  CHECK(raised.message.find("8.7") != std::string::npos);
  CHECK(raised.message.find("8.0") != std::string::npos);
  CHECK(rig.monitor.snapshot("CR-RAW").active_alarms == std::vector<std::string>{kHigh});

  // Inside the limit but not yet by the deadband: still in alarm, excursion still open.
  rig.at(40min, air(7.9));
  rig.at(41min, air(7.6));
  CHECK(rig.find(kClear, kHigh) == nullptr);
  CHECK(rig.log.excursions.empty());
  REQUIRE(rig.monitor.snapshot("CR-RAW").open_excursions.size() == 1);

  const ColdChainOutput back = rig.at(42min, air(7.5));
  CHECK(has(back, kClear, kHigh));
  REQUIRE(back.excursions.size() == 1);
  CHECK(back.excursions[0].alarmed);
  CHECK(back.excursions[0].start == rig.w0 + 1min);
  CHECK(back.excursions[0].duration == 41min);
  CHECK(back.excursions[0].peak == Approx(8.7));
  CHECK(rig.monitor.snapshot("CR-RAW").active_alarms.empty());
}

TEST_CASE("the delay wants the value beyond the limit without a break", "[unit][cold]") {
  Rig rig;
  rig.at(0min, air(6.0));
  rig.each_minute(1min, 21min, air(8.5));
  rig.at(21min, air(7.9));  // inside the limit, within the deadband: the delay restarts
  rig.each_minute(22min, 51min, air(8.5));
  CHECK(rig.find(kRaise, kHigh) == nullptr);
  rig.at(52min, air(8.5));  // 30 min after 22 min
  CHECK(rig.find(kRaise, kHigh) != nullptr);
  rig.at(53min, air(7.0));
  const auto high = rig.records(ExcursionKind::temp_high);
  REQUIRE(high.size() == 1);  // one excursion: it never went back inside by the deadband
  CHECK(high[0].duration == 52min);
}

TEST_CASE("low levels nest: low_low alarms with its own delay and minimum", "[unit][cold]") {
  Rig rig;
  rig.at(0min, air(6.0));
  rig.each_minute(1min, 10min, air(4.0));
  rig.each_minute(10min, 45min, air(2.4));
  CHECK(rig.find(kRaise, "cold.CR-RAW.temp.low") != nullptr);
  CHECK(rig.find(kRaise, "cold.CR-RAW.temp.low_low") != nullptr);
  const AlarmRequest* low_low = rig.find(kRaise, "cold.CR-RAW.temp.low_low");
  CHECK(low_low->priority == core::AlarmPriority::high);
  rig.at(45min, air(3.6));  // back above 3 + 0.5: low_low ends, low stays
  CHECK(rig.find(kClear, "cold.CR-RAW.temp.low_low") != nullptr);
  CHECK(rig.find(kClear, "cold.CR-RAW.temp.low") == nullptr);
  const auto records = rig.records(ExcursionKind::temp_low_low);
  REQUIRE(records.size() == 1);
  CHECK(records[0].peak == Approx(2.4));  // the minimum for a low level
  CHECK(records[0].start == rig.w0 + 10min);
  CHECK(records[0].duration == 35min);
}

TEST_CASE("high alarms wait during defrost and its recovery time", "[unit][cold]") {
  Rig rig;  // defrost_recovery_min 30
  ColdRoomSample defrosting = air(9.5);
  defrosting.defrost = Reading{1};
  rig.at(0min, air(6.0));
  rig.each_minute(1min, 21min, defrosting);  // 20 min of a warm defrost
  CHECK(rig.monitor.snapshot("CR-RAW").high_alarms_held);
  rig.each_minute(21min, 51min, air(8.5));  // recovery: still held
  CHECK(rig.find(kRaise, kHigh) == nullptr);
  // The delay starts when the hold-off ends (51 min) and runs its full 30 min.
  rig.each_minute(51min, 81min, air(8.5));
  CHECK(rig.find(kRaise, kHigh) == nullptr);
  rig.at(81min, air(8.5));
  CHECK(rig.find(kRaise, kHigh) != nullptr);
  rig.at(82min, air(7.0));
  const auto high = rig.records(ExcursionKind::temp_high);
  REQUIRE(high.size() == 1);
  CHECK(high[0].defrost);
  CHECK(high[0].peak == Approx(9.5));

  SECTION("low alarms are not held by a defrost") {
    Rig cold;
    ColdRoomSample chilly = air(4.0);
    chilly.defrost = Reading{1};
    cold.each_minute(0min, 31min, chilly);
    CHECK(cold.find(kRaise, "cold.CR-RAW.temp.low") != nullptr);
  }
}

TEST_CASE("a door open too long raises an alarm; every opening is counted and recorded",
          "[unit][cold]") {
  Rig rig;  // door_open_max_min 10
  ColdRoomSample open = air(7.0);
  open.door_open = Reading{1};
  rig.at(0min, air(6.0));
  rig.at(1min, open);  // a short opening
  rig.at(3min, air(6.2));
  rig.at(10min, open);
  rig.at(19min + 59s, open);
  CHECK(rig.find(kRaise, "cold.CR-RAW.door") == nullptr);
  ColdRoomSample warmer = open;
  warmer.control_c = Reading{7.4};
  CHECK(has(rig.at(20min, warmer), kRaise, "cold.CR-RAW.door"));
  CHECK(rig.monitor.snapshot("CR-RAW").door_open);
  CHECK(has(rig.at(22min, air(6.5)), kClear, "cold.CR-RAW.door"));
  const auto doors = rig.records(ExcursionKind::door_open);
  REQUIRE(doors.size() == 2);
  CHECK_FALSE(doors[0].alarmed);
  CHECK(doors[0].duration == 2min);
  CHECK(doors[1].alarmed);
  CHECK(doors[1].start == rig.w0 + 10min);
  CHECK(doors[1].duration == 12min);
  CHECK(doors[1].peak == Approx(7.4));  // the warmest air while it stood open
  CHECK(rig.monitor.snapshot("CR-RAW").door_openings_today == 2);
}

TEST_CASE("an open probe (0x7FFF) is a sensor fault, not a high temperature", "[unit][cold]") {
  Rig rig;
  const std::string key = "cold.CR-RAW.probe.record";
  rig.at(0min, two_probes(6.0, 6.1));
  // 0x7FFF on a signed x0.1 register; the bridge may pass it as good when the map's range
  // is wide, or flag it bad. Both are faults.
  const ReadingQuality quality = GENERATE(ReadingQuality::good, ReadingQuality::bad);
  ColdRoomSample open_probe = two_probes(6.0, 3276.7);
  open_probe.record_c->quality = quality;
  const ColdChainOutput first = rig.at(1min, open_probe);
  REQUIRE(has(first, kRaise, key));
  CHECK(first.alarms.front().priority == core::AlarmPriority::high);
  CHECK(first.alarms.front().message.find("3276.7") != std::string::npos);
  rig.each_minute(2min, 90min, open_probe);
  CHECK(rig.find(kRaise, kHigh) == nullptr);
  CHECK(rig.find(kRaise, "cold.CR-RAW.temp.high_high") == nullptr);
  CHECK(rig.records(ExcursionKind::temp_high).empty());
  const auto snap = rig.monitor.snapshot("CR-RAW");
  CHECK(snap.temp_point == "air_temp_c");  // the control probe stands in
  CHECK(snap.temp_c == Approx(6.0));
  CHECK_FALSE(snap.record_c.has_value());

  const ColdChainOutput back = rig.at(90min, two_probes(6.0, 6.1));
  CHECK(has(back, kClear, key));
  const auto faults = rig.records(ExcursionKind::sensor_fault);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].start == rig.w0 + 1min);
  CHECK(faults[0].duration == 89min);
  CHECK(faults[0].peak == Approx(3276.7));
  CHECK(faults[0].probe == "record_temp_c");
  CHECK(faults[0].detail.find("record probe") != std::string::npos);
}

TEST_CASE("a probe stuck while the room is in use is a sensor fault", "[unit][cold]") {
  Rig rig;  // stuck_after_min 120
  const std::string key = "cold.CR-RAW.probe.record";
  ColdRoomSample open = two_probes(6.0, 6.0);
  open.door_open = Reading{1};
  rig.at(0min, two_probes(6.0, 6.0));
  rig.at(30min, open);  // the room is in use after the record probe's last change
  rig.at(31min, two_probes(6.3, 6.0));
  for (auto m = 32min; m < 120min; m += 1min)
    rig.at(m, two_probes(6.0 + static_cast<double>(m.count() % 3) * 0.1, 6.0));
  CHECK(rig.find(kRaise, key) == nullptr);
  CHECK(has(rig.at(120min, two_probes(6.1, 6.0)), kRaise, key));
  CHECK(rig.find(kRaise, "cold.CR-RAW.probe.control") == nullptr);
  const ColdChainOutput moved = rig.at(121min, two_probes(6.1, 6.1));
  CHECK(has(moved, kClear, key));
  const auto faults = rig.records(ExcursionKind::sensor_fault);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].start == rig.w0);  // suspect since its last change
  CHECK(faults[0].detail.find("stuck at 6.0") != std::string::npos);

  SECTION("a perfectly still room with nothing going on is not a stuck probe") {
    Rig still;
    for (auto m = 0min; m <= 240min; m += 1min) still.at(m, two_probes(6.0, 6.0));
    CHECK(still.log.alarms.empty());
  }
}

TEST_CASE("stale readings are not judged and become a fault after the stale delay",
          "[unit][cold]") {
  Rig rig;  // stale_after_min 5
  const std::string key = "cold.CR-RAW.probe.control";
  rig.at(0min, air(6.0));
  ColdRoomSample stale = air(9.9);  // the last good value, kept by the bridge for display
  stale.control_c->quality = ReadingQuality::stale;
  rig.at(1min, stale);
  CHECK_FALSE(rig.monitor.snapshot("CR-RAW").temp_c.has_value());
  rig.at(5min + 59s, stale);
  CHECK(rig.find(kRaise, key) == nullptr);
  CHECK(has(rig.at(6min, stale), kRaise, key));
  rig.each_minute(7min, 60min, stale);
  CHECK(rig.find(kRaise, kHigh) == nullptr);
  CHECK(has(rig.at(60min, air(6.0)), kClear, key));
  const auto faults = rig.records(ExcursionKind::sensor_fault);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].start == rig.w0 + 1min);
  CHECK(std::isnan(faults[0].peak));
  CHECK(faults[0].detail.find("stale") != std::string::npos);
}

TEST_CASE("control and record probes disagreeing for the delay is a fault", "[unit][cold]") {
  Rig rig;  // disagree_c 2.0 for 30 min, deadband 0.5
  const std::string key = "cold.CR-RAW.probe.disagree";
  rig.at(0min, two_probes(6.0, 6.0));
  rig.each_minute(1min, 10min, two_probes(8.5, 6.0));  // a short swing: no record
  rig.at(10min, two_probes(6.0, 6.0));
  CHECK(rig.log.excursions.empty());
  rig.each_minute(11min, 41min, two_probes(9.0, 6.9));
  CHECK(rig.find(kRaise, key) == nullptr);
  CHECK(has(rig.at(41min, two_probes(9.0, 6.9)), kRaise, key));
  CHECK(rig.find(kRaise, kHigh) == nullptr);  // the record probe is the one judged
  rig.at(42min, two_probes(8.6, 7.0));         // 1.6 apart: not yet inside by the deadband
  CHECK(rig.find(kClear, key) == nullptr);
  CHECK(has(rig.at(43min, two_probes(7.0, 6.9)), kClear, key));
  const auto faults = rig.records(ExcursionKind::sensor_fault);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].alarmed);
  CHECK(faults[0].start == rig.w0 + 11min);
  CHECK(faults[0].peak == Approx(2.1));
  CHECK(faults[0].detail == "control and record probes disagree");
}

TEST_CASE("cumulative time below the chilling limit raises a low-priority advisory",
          "[unit][cold]") {
  core::ColdRoom room = raw_store();
  room.min_c = 3;
  core::default_cold_room_alarms(room);  // low at 3: the room below 5 is not a low alarm
  room.chilling = core::ChillingRule{5.0, 0.5};  // half a day
  room.long_term_after_days = 60;
  Rig rig(room);
  const std::string key = "cold.CR-RAW.chilling";
  using std::chrono::minutes;
  for (minutes m = 0min; m < 6h; m += 5min) rig.at(m, air(4.5));  // 6 h below 5
  for (minutes m = 6h; m < 8h; m += 5min) rig.at(m, air(6.0));    // 2 h above: not counted
  for (minutes m = 8h; m < 14h; m += 5min) rig.at(m, air(4.5));
  // 6 h + 5 h 55 min below so far: the interval up to the next sample completes 12 h.
  CHECK(rig.find(kRaise, key) == nullptr);
  const ColdChainOutput out = rig.at(14h, air(4.5));
  REQUIRE(has(out, kRaise, key));
  CHECK(out.alarms.front().priority == core::AlarmPriority::low);
  CHECK(out.alarms.front().message.find("7.0") != std::string::npos);  // the advice
  CHECK(rig.monitor.snapshot("CR-RAW").below_chilling == 12h);
  CHECK(has(rig.monitor.reset_chilling("CR-RAW"), kClear, key));
  CHECK(rig.monitor.snapshot("CR-RAW").below_chilling == 0ms);
}

TEST_CASE("time in range counts the local day, and gaps count as nothing", "[unit][cold]") {
  // Start at 23:30 local (UTC+8): the first half hour belongs to yesterday.
  app::ColdChainMonitor::Options options;
  Rig rig(raw_store(), options);
  rig.w0 = core::WallTime{std::chrono::sys_days{std::chrono::year{2024} / 10 / 1} + 15h + 30min};
  rig.each_minute(0min, 50min, air(6.0));   // 23:30 .. 00:20
  rig.each_minute(50min, 70min, air(8.6));  // 00:20 .. 00:40, out of the band
  rig.at(70min, air(6.0));
  rig.at(100min, air(6.0));  // a 30 min gap: neither in nor out
  rig.at(101min, air(6.0));
  const auto snap = rig.monitor.snapshot("CR-RAW");
  CHECK(snap.measured_today == 41min);
  CHECK(snap.in_range_today == 21min);
}

TEST_CASE("finish closes every open excursion so that none is lost", "[unit][cold]") {
  Rig rig;
  ColdRoomSample open = air(8.8);
  open.door_open = Reading{1};
  rig.at(0min, air(6.0));
  rig.each_minute(1min, 40min, open);
  const ColdChainOutput out = rig.monitor.finish();
  CHECK(out.alarms.empty());
  REQUIRE(out.excursions.size() == 2);
  for (const auto& e : out.excursions) {
    CHECK(e.end == rig.w0 + 39min);
    CHECK(e.detail.find("open when monitoring stopped") != std::string::npos);
  }
  CHECK(rig.monitor.finish().empty());
}

TEST_CASE("an unknown room is a programmer error", "[unit][cold]") {
  Rig rig;
  CHECK_THROWS_AS(rig.monitor.update("nope", air(6), rig.t0, rig.w0), std::invalid_argument);
  CHECK_THROWS_AS(app::ColdChainMonitor({raw_store(), raw_store()}), std::invalid_argument);
}
