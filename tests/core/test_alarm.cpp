#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "coldsort/core/alarm.hpp"

using namespace coldsort::core;

TEST_CASE("alarms follow the ISA-18.2 state sequence", "[unit][alarm]") {
  AlarmBoard board;
  WallTime t{};
  CHECK(board.raise("link.sorter", "sorter", "down", AlarmPriority::high, t));
  CHECK_FALSE(board.raise("link.sorter", "sorter", "still down", AlarmPriority::high, t));
  REQUIRE(board.visible().size() == 1);
  CHECK(board.visible()[0].state == AlarmState::unacked_active);
  CHECK(board.visible()[0].message == "still down");

  SECTION("return to normal before acknowledgement stays visible until acknowledged") {
    CHECK(board.clear("link.sorter", t));
    CHECK_FALSE(board.is_active("link.sorter"));
    REQUIRE(board.visible().size() == 1);
    CHECK(board.visible()[0].state == AlarmState::unacked_returned);
    CHECK(board.acknowledge("link.sorter", t));
    CHECK(board.visible().empty());
  }
  SECTION("acknowledged then cleared disappears") {
    CHECK(board.acknowledge("link.sorter", t));
    CHECK(board.visible()[0].state == AlarmState::acked_active);
    CHECK(board.is_active("link.sorter"));
    CHECK(board.clear("link.sorter", t));
    CHECK(board.visible().empty());
  }
}

namespace {

using namespace std::chrono_literals;

// The journal's (from, to) pairs, in order.
std::vector<std::pair<AlarmState, AlarmState>> moves(const std::vector<AlarmEvent>& events) {
  std::vector<std::pair<AlarmState, AlarmState>> out;
  for (const AlarmEvent& e : events) out.emplace_back(e.from, e.to);
  return out;
}

const WallTime t0{std::chrono::hours{24 * 19000}};
const std::string kDoor = "cold.CR-RAW.door";

AlarmBoard board_with_door() {
  AlarmBoard board;
  board.raise(kDoor, "CR-RAW", "door open 12 min", AlarmPriority::medium, t0);
  return board;
}

}  // namespace

TEST_CASE("every alarm state change is journaled with from, to, time, who and why",
          "[unit][alarm]") {
  AlarmBoard board = board_with_door();
  board.raise(kDoor, "CR-RAW", "door open 13 min", AlarmPriority::medium, t0 + 1min);  // no change
  CHECK(board.acknowledge(kDoor, t0 + 2min, "li.wei"));
  CHECK(board.clear(kDoor, t0 + 3min));
  const auto events = board.take_events();
  using S = AlarmState;
  CHECK(moves(events) == std::vector<std::pair<S, S>>{{S::normal, S::unacked_active},
                                                      {S::unacked_active, S::acked_active},
                                                      {S::acked_active, S::normal}});
  CHECK(events[0].by == "system");
  CHECK(events[0].reason == "raised");
  CHECK(events[0].active);
  CHECK(events[0].at == t0);
  CHECK(events[1].by == "li.wei");
  CHECK(events[1].message == "door open 13 min");  // the newest detail
  CHECK(events[1].at == t0 + 2min);
  CHECK_FALSE(events[2].active);
  CHECK(events[2].key == kDoor);
  CHECK(events[2].source == "CR-RAW");
  CHECK(board.take_events().empty());  // drained
  CHECK(board.all().empty());
}

TEST_CASE("an unacknowledged return needs an acknowledgement; a returned alarm can re-raise",
          "[unit][alarm]") {
  using S = AlarmState;
  AlarmBoard board = board_with_door();
  CHECK(board.clear(kDoor, t0 + 1min));
  CHECK_FALSE(board.clear(kDoor, t0 + 2min));  // already returned
  SECTION("acknowledged: normal") {
    CHECK(board.acknowledge(kDoor, t0 + 3min, "li.wei"));
    CHECK(moves(board.take_events()) ==
          std::vector<std::pair<S, S>>{{S::normal, S::unacked_active},
                                       {S::unacked_active, S::unacked_returned},
                                       {S::unacked_returned, S::normal}});
    CHECK(board.all().empty());
  }
  SECTION("raised again before anyone acknowledged: a new occurrence") {
    CHECK(board.raise(kDoor, "CR-RAW", "door open again", AlarmPriority::medium, t0 + 5min));
    const auto events = board.take_events();
    REQUIRE(events.size() == 3);
    CHECK(events[2].from == S::unacked_returned);
    CHECK(events[2].to == S::unacked_active);
    REQUIRE(board.find(kDoor) != nullptr);
    CHECK(board.find(kDoor)->raised_at == t0 + 5min);
    CHECK(board.is_active(kDoor));
  }
}

TEST_CASE("a shelved alarm is hidden and comes back in its real state", "[unit][alarm]") {
  using S = AlarmState;
  AlarmBoard board = board_with_door();
  board.take_events();
  REQUIRE(board.shelve(kDoor, "loading the lorry", t0 + 1h, t0 + 1min, "li.wei"));
  CHECK(board.visible().empty());
  REQUIRE(board.all().size() == 1);
  CHECK(board.all()[0].state == S::shelved);
  CHECK(board.all()[0].unshelved_state == S::unacked_active);
  CHECK(board.all()[0].shelved_by == "li.wei");
  CHECK(board.is_shelved(kDoor));
  CHECK(board.is_active(kDoor));  // the condition is still there beneath the shelf
  const auto shelved = board.take_events();
  REQUIRE(shelved.size() == 1);
  CHECK(shelved[0].reason == "loading the lorry");
  CHECK(shelved[0].to == S::shelved);

  SECTION("unshelved while still active: unacknowledged and visible again") {
    CHECK(board.unshelve(kDoor, t0 + 10min, "li.wei"));
    REQUIRE(board.visible().size() == 1);
    CHECK(board.visible()[0].state == S::unacked_active);
    CHECK(moves(board.take_events()) ==
          std::vector<std::pair<S, S>>{{S::shelved, S::unacked_active}});
  }
  SECTION("cleared while shelved: normal on unshelve, no acknowledgement needed") {
    CHECK(board.clear(kDoor, t0 + 5min));
    CHECK_FALSE(board.is_active(kDoor));
    CHECK(board.is_shelved(kDoor));
    CHECK(board.unshelve(kDoor, t0 + 10min));
    CHECK(board.all().empty());
    const auto events = board.take_events();
    CHECK(moves(events) == std::vector<std::pair<S, S>>{{S::shelved, S::shelved},
                                                        {S::shelved, S::normal}});
    CHECK_FALSE(events[0].active);
    CHECK(events[0].reason == "cleared while shelved");
  }
  SECTION("cleared and raised again while shelved: a new unacknowledged occurrence") {
    board.clear(kDoor, t0 + 5min);
    CHECK(board.raise(kDoor, "CR-RAW", "door open again", AlarmPriority::medium, t0 + 6min));
    CHECK(board.visible().empty());
    board.unshelve(kDoor, t0 + 10min);
    REQUIRE(board.visible().size() == 1);
    CHECK(board.visible()[0].state == S::unacked_active);
    CHECK(board.visible()[0].message == "door open again");
  }
  SECTION("the shelf expires by itself") {
    CHECK(board.expire_shelves(t0 + 59min) == 0);
    CHECK(board.expire_shelves(t0 + 1h) == 1);
    CHECK_FALSE(board.is_shelved(kDoor));
    const auto events = board.take_events();
    REQUIRE(events.size() == 1);
    CHECK(events[0].by == "system");
    CHECK(events[0].reason == "shelf expired");
    CHECK(events[0].to == S::unacked_active);
  }
  SECTION("acknowledged beneath the shelf, it returns acknowledged") {
    CHECK(board.acknowledge(kDoor, t0 + 2min, "li.wei"));
    board.unshelve(kDoor, t0 + 3min);
    CHECK(board.visible()[0].state == S::acked_active);
  }
}

TEST_CASE("an acknowledged alarm keeps its state across a shelf", "[unit][alarm]") {
  AlarmBoard board = board_with_door();
  board.acknowledge(kDoor, t0 + 1min, "li.wei");
  board.shelve(kDoor, "sensor being replaced", t0 + 2h, t0 + 2min, "li.wei");
  board.shelve(kDoor, "still being replaced", t0 + 4h, t0 + 3min, "zhang.min");  // extended
  CHECK(board.expire_shelves(t0 + 2h) == 0);
  CHECK(board.find(kDoor)->shelve_reason == "still being replaced");
  CHECK(board.expire_shelves(t0 + 4h) == 1);
  CHECK(board.visible()[0].state == AlarmState::acked_active);
}

TEST_CASE("shelving needs a known alarm, a reason and an end in the future", "[unit][alarm]") {
  AlarmBoard board = board_with_door();
  board.take_events();
  CHECK_FALSE(board.shelve("cold.nowhere", "why", t0 + 1h, t0));
  CHECK_FALSE(board.shelve(kDoor, "", t0 + 1h, t0));
  CHECK_FALSE(board.shelve(kDoor, "why", t0, t0));
  CHECK_FALSE(board.unshelve(kDoor, t0));  // not shelved
  CHECK(board.take_events().empty());
  CHECK(board.visible().size() == 1);
}

TEST_CASE("an undrained journal keeps the newest changes and counts the rest",
          "[unit][alarm]") {
  AlarmBoard board;
  const std::size_t raises = AlarmBoard::kMaxEvents / 2 + 10;
  for (std::size_t i = 0; i < raises; ++i) {
    board.raise(kDoor, "CR-RAW", "door", AlarmPriority::medium, t0 + std::chrono::seconds(i));
    board.clear(kDoor, t0 + std::chrono::seconds(i));
  }
  CHECK(board.dropped_events() == 2 * raises - AlarmBoard::kMaxEvents);
  const auto events = board.take_events();
  CHECK(events.size() == AlarmBoard::kMaxEvents);
  CHECK(events.back().at == t0 + std::chrono::seconds(raises - 1));
}

TEST_CASE("priorities read back from their names", "[unit][alarm]") {
  for (AlarmPriority p : {AlarmPriority::low, AlarmPriority::medium, AlarmPriority::high,
                          AlarmPriority::urgent})
    CHECK(parse_alarm_priority(to_string(p)) == p);
  CHECK_FALSE(parse_alarm_priority("critical").has_value());
  CHECK(to_string(AlarmState::shelved) == "shelved");
}
