// HmiServer over real loopback sockets: HTTP routes, limits, errors and the lifecycle.
#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>

#include "coldsort/core/error.hpp"
#include "hmi_test_support.hpp"

using namespace coldsort::hmi::test;
using coldsort::hmi::HmiOptions;
using coldsort::hmi::HmiServer;

namespace {

boost::json::object json_body(const StringResponse& res) {
  return boost::json::parse(res.body()).as_object();
}

}  // namespace

TEST_CASE("status is 'starting' before the first publish and the document after it",
          "[integration]") {
  TestServer server;
  HttpClient client(server.port());
  const auto before = client.request(http::verb::get, "/api/v1/status");
  CHECK(before.result() == http::status::ok);
  CHECK(json_body(before) == boost::json::parse(R"({"running_state":"starting"})"));

  const std::string doc = R"({"api_version":1,"line":"line-1","running_state":"running",)"
                          R"("fruit_total":4321,"fruit_per_lane":[1080,1081,1080,1080]})";
  server.publish(doc);
  // The same keep-alive connection serves the second request.
  const auto after = client.request(http::verb::get, "/api/v1/status");
  CHECK(after.result() == http::status::ok);
  CHECK(after.body() == doc);
  CHECK(after[http::field::content_type] == "application/json");
  CHECK(after[http::field::cache_control] == "no-store");
}

TEST_CASE("a publish that is not a JSON object is ignored", "[integration]") {
  TestServer server;
  server.publish(R"({"running_state":"running"})");
  server.publish("not json {");
  server.publish("[1,2,3]");
  HttpClient client(server.port());
  CHECK(client.request(http::verb::get, "/api/v1/status").body() ==
        R"({"running_state":"running"})");
}

TEST_CASE("GET / serves the status page with its script", "[integration]") {
  TestServer server;
  HttpClient client(server.port());
  const auto res = client.request(http::verb::get, "/");
  CHECK(res.result() == http::status::ok);
  CHECK(std::string(res[http::field::content_type]).starts_with("text/html"));
  CHECK(res.body().find("<script src=\"app.js\"") != std::string::npos);
  const auto script = client.request(http::verb::get, "/app.js");
  CHECK(script.result() == http::status::ok);
  CHECK(script.body().find("/api/v1/live") != std::string::npos);
}

TEST_CASE("HEAD on the status gives its length without a body", "[integration]") {
  TestServer server;
  server.publish(R"({"running_state":"running","fruit_total":7})");
  HttpClient client(server.port());
  const auto res = client.request(http::verb::head, "/api/v1/status");
  CHECK(res.result() == http::status::ok);
  CHECK(res[http::field::content_length] ==
        std::to_string(std::string(R"({"running_state":"running","fruit_total":7})").size()));
  CHECK(res.body().empty());
  // The connection is still in step: a GET after the HEAD works.
  CHECK(client.request(http::verb::get, "/api/v1/health").result() == http::status::ok);
}

TEST_CASE("an unknown path is a 404 JSON naming it", "[integration]") {
  TestServer server;
  HttpClient client(server.port());
  const auto res = client.request(http::verb::get, "/api/v1/nope");
  CHECK(res.result() == http::status::not_found);
  CHECK(json_body(res).at("path") == "/api/v1/nope");
}

TEST_CASE("POST to the status is a 405", "[integration]") {
  TestServer server;
  HttpClient client(server.port());
  const auto res = client.request(http::verb::post, "/api/v1/status", R"({"x":1})");
  CHECK(res.result() == http::status::method_not_allowed);
  CHECK(res[http::field::allow] == "GET, HEAD");
}

TEST_CASE("a body over max_body_bytes is a 413 and one at the limit is not", "[integration]") {
  TestServer server;  // max_body_bytes = 1024
  {
    HttpClient client(server.port());
    const auto at_limit =
        client.request(http::verb::post, "/api/v1/status", std::string(1024, 'x'));
    CHECK(at_limit.result() == http::status::method_not_allowed);
  }
  HttpClient client(server.port());
  const auto over = client.request(http::verb::post, "/api/v1/status", std::string(1025, 'x'));
  CHECK(over.result() == http::status::payload_too_large);
  CHECK(json_body(over).at("limit_bytes") == 1024);
  CHECK_FALSE(over.keep_alive());
  CHECK(client.wait_for_close());
}

TEST_CASE("header fields over the limit are a 431", "[integration]") {
  TestServer server;
  HttpClient client(server.port());
  http::request<http::string_body> req{http::verb::get, "/api/v1/status", 11};
  req.set("X-Padding", std::string(10 * 1024, 'p'));
  REQUIRE_FALSE(client.send(std::move(req)));
  StringResponse res;
  REQUIRE_FALSE(client.read(res));
  CHECK(res.result() == http::status::request_header_fields_too_large);
}

TEST_CASE("a garbage request line is a 400 and the server keeps serving", "[integration]") {
  TestServer server;
  {
    HttpClient client(server.port());
    REQUIRE_FALSE(client.write_raw("\x01\x02 garbage\r\n\r\n"));
    StringResponse res;
    REQUIRE_FALSE(client.read(res));
    CHECK(res.result() == http::status::bad_request);
    const auto body = json_body(res);
    CHECK(body.at("error") == "bad request");
    CHECK_FALSE(body.at("detail").as_string().empty());
    CHECK(client.wait_for_close());
  }
  HttpClient other(server.port());
  CHECK(other.request(http::verb::get, "/api/v1/health").result() == http::status::ok);
}

TEST_CASE("an idle connection is closed after request_timeout_ms", "[integration]") {
  HmiOptions options = test_options();
  options.request_timeout_ms = 200;
  TestServer server(options);
  HttpClient client(server.port());
  // The client's own deadline is 10 s: an error other than timeout means the server closed.
  const auto ec = client.wait_for_close();
  CHECK(ec);
  CHECK(ec != beast::error::timeout);
}

TEST_CASE("start on a port already in use is address_in_use, not an exception", "[integration]") {
  TestServer first;
  asio::io_context ioc;
  HmiOptions options = test_options();
  options.port = first.port();
  HmiServer second(ioc, options);
  const auto result = second.start();
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error() == coldsort::core::errc::address_in_use);
}

TEST_CASE("start with a bind address that does not parse is config_invalid", "[unit]") {
  asio::io_context ioc;
  HmiOptions options = test_options();
  options.bind = "not-an-address";
  HmiServer server(ioc, options);
  const auto result = server.start();
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error() == coldsort::core::errc::config_invalid);
}

TEST_CASE("options out of range are start-up errors", "[unit]") {
  asio::io_context ioc;
  HmiOptions options = test_options();
  options.max_queued_messages = 0;
  CHECK_THROWS_AS(HmiServer(ioc, options), std::invalid_argument);
  options = test_options();
  options.port = 70000;
  CHECK_THROWS_AS(HmiServer(ioc, options), std::invalid_argument);
}

TEST_CASE("stop closes idle keep-alive connections and run() returns", "[integration]") {
  TestServer server;
  HttpClient client(server.port());
  REQUIRE(client.request(http::verb::get, "/api/v1/health").result() == http::status::ok);
  REQUIRE(server.stop_and_join());
  CHECK(client.wait_for_close());
}
