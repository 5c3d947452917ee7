// The per-session queue policy: bounded, drops the oldest superseded status, never events.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "live_queue.hpp"

namespace {

using coldsort::hmi::LiveMessage;
using coldsort::hmi::LiveQueue;
using coldsort::hmi::MessageKind;
using coldsort::hmi::PushResult;

LiveMessage status(const std::string& text) {
  return {std::make_shared<const std::string>(text), MessageKind::status};
}
LiveMessage event(const std::string& text) {
  return {std::make_shared<const std::string>(text), MessageKind::event};
}

}  // namespace

TEST_CASE("a live queue hands messages out in the order they came", "[unit]") {
  LiveQueue queue(4);
  REQUIRE(queue.push(status("a")) == PushResult::queued);
  REQUIRE(queue.push(status("b")) == PushResult::queued);
  CHECK(*queue.pop()->text == "a");
  CHECK(*queue.pop()->text == "b");
  CHECK_FALSE(queue.pop().has_value());
}

TEST_CASE("a full live queue drops its oldest status so it never grows", "[unit]") {
  LiveQueue queue(3);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(queue.push(status(std::to_string(i))) == PushResult::queued);
  }
  for (int i = 3; i < 100; ++i) {
    REQUIRE(queue.push(status(std::to_string(i))) == PushResult::dropped_oldest_status);
    REQUIRE(queue.size() == 3);
  }
  CHECK(queue.dropped_count() == 97);
  // The newest three survive, oldest first.
  CHECK(*queue.pop()->text == "97");
  CHECK(*queue.pop()->text == "98");
  CHECK(*queue.pop()->text == "99");
}

TEST_CASE("a full live queue keeps events and drops the status between them", "[unit]") {
  LiveQueue queue(3);
  queue.push(event("e1"));
  queue.push(status("s1"));
  queue.push(event("e2"));
  REQUIRE(queue.push(status("s2")) == PushResult::dropped_oldest_status);
  CHECK(*queue.pop()->text == "e1");
  CHECK(*queue.pop()->text == "e2");
  CHECK(*queue.pop()->text == "s2");
}

TEST_CASE("a live queue full of events reports overflow instead of dropping one", "[unit]") {
  LiveQueue queue(2);
  queue.push(event("e1"));
  queue.push(event("e2"));
  CHECK(queue.push(status("s")) == PushResult::overflow);
  CHECK(queue.push(event("e3")) == PushResult::overflow);
  CHECK(queue.size() == 2);
  CHECK(*queue.pop()->text == "e1");
}

TEST_CASE("a live queue refuses a zero bound", "[unit]") {
  CHECK_THROWS_AS(LiveQueue(0), std::invalid_argument);
}

TEST_CASE("clearing a live queue empties it", "[unit]") {
  LiveQueue queue(2);
  queue.push(status("a"));
  queue.clear();
  CHECK(queue.empty());
  CHECK_FALSE(queue.pop().has_value());
}
