#include <catch2/catch.hpp>

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
