// The WebSocket live channel of HmiServer: first status on connect, then every publish,
// bounded per-client queues, and a clean close on stop.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include "hmi_test_support.hpp"

using namespace coldsort::hmi::test;

namespace {

// A status document with a sequence number and `pad_bytes` of filler.
std::string numbered_doc(int seq, std::size_t pad_bytes = 0) {
  return R"({"running_state":"running","seq":)" + std::to_string(seq) + R"(,"pad":")" +
         std::string(pad_bytes, 'x') + "\"}";
}

std::int64_t seq_of(const std::string& doc) {
  return boost::json::parse(doc).as_object().at("seq").as_int64();
}

}  // namespace

TEST_CASE("a live client gets the current status at once and then each publish", "[integration]") {
  TestServer server;
  server.publish(numbered_doc(1));
  LiveClient client(server.port());
  REQUIRE_FALSE(client.handshake_error());
  CHECK(client.read_or_throw() == numbered_doc(1));
  server.server().publish(numbered_doc(2));
  CHECK(client.read_or_throw() == numbered_doc(2));
  server.server().publish(numbered_doc(3));
  CHECK(client.read_or_throw() == numbered_doc(3));
}

TEST_CASE("a live client connecting before any publish gets the starting status", "[integration]") {
  TestServer server;
  LiveClient client(server.port());
  REQUIRE_FALSE(client.handshake_error());
  CHECK(boost::json::parse(client.read_or_throw()) ==
        boost::json::parse(R"({"running_state":"starting"})"));
}

TEST_CASE("every live client receives each publish", "[integration]") {
  TestServer server;
  LiveClient a(server.port());
  LiveClient b(server.port());
  a.read_or_throw();
  b.read_or_throw();
  server.server().publish(numbered_doc(7));
  CHECK(a.read_or_throw() == numbered_doc(7));
  CHECK(b.read_or_throw() == numbered_doc(7));
}

TEST_CASE("a WebSocket upgrade on another path is refused", "[integration]") {
  TestServer server;
  LiveClient client(server.port(), "/api/v1/status");
  CHECK(client.handshake_error());
  CHECK(client.handshake_response().result() == http::status::not_found);
}

TEST_CASE("a slow live client skips superseded updates but gets the latest, in order",
          "[integration]") {
  TestServer server;  // max_queued_messages = 4
  LiveClient client(server.port());
  client.read_or_throw();  // the handshake is done and the session has joined
  // 64 documents of 512 KiB (32 MiB) cannot all sit in loopback socket buffers (a few MiB
  // at most), so the server's write stalls and its queue has to drop.
  constexpr int published = 64;
  for (int seq = 0; seq < published; ++seq) {
    server.server().publish(numbered_doc(seq, 512 * 1024));
  }
  server.flush();  // every publish has reached the session before the client reads
  int received = 0;
  std::int64_t last = -1;
  while (last != published - 1) {
    const std::int64_t seq = seq_of(client.read_or_throw());
    REQUIRE(seq > last);  // never reordered, never repeated
    last = seq;
    ++received;
  }
  CHECK(received < published);
}

TEST_CASE("stop closes live clients with 'going away' and run() returns", "[integration]") {
  TestServer server;
  LiveClient client(server.port());
  client.read_or_throw();
  HttpClient idle(server.port());
  REQUIRE(idle.request(http::verb::get, "/api/v1/health").result() == http::status::ok);

  // run() can only return once the client has answered the close frame, and the client
  // reads on this thread: post the stop, read, then join.
  server.post_stop();
  std::string message;
  const auto ec = client.read(message);
  CHECK(ec == websocket::error::closed);
  CHECK(client.close_reason().code == websocket::close_code::going_away);
  CHECK(idle.wait_for_close());
  CHECK(server.stop_and_join());
}

TEST_CASE("a live client that connects after stop is refused", "[integration]") {
  TestServer server;
  const int port = server.port();
  REQUIRE(server.stop_and_join());
  CHECK_THROWS(LiveClient(port));
}
