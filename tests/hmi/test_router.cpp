// The HTTP routes as functions: no sockets involved.
#include <catch2/catch.hpp>

#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <fstream>
#include <sstream>

#include "router.hpp"
#include "web_assets.hpp"

namespace {

namespace http = boost::beast::http;
using coldsort::hmi::Request;
using coldsort::hmi::Response;
using coldsort::hmi::route_request;

const std::string status_doc = R"({"api_version":1,"running_state":"running"})";

Response call(http::verb verb, const std::string& target) {
  Request req{verb, target, 11};
  return route_request(req, status_doc);
}

std::string read_web_file(const std::string& name) {
  std::ifstream in(std::string(COLDSORT_HMI_WEB_DIR) + "/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("GET /api/v1/status returns the status document, never cached", "[unit]") {
  const auto res = call(http::verb::get, "/api/v1/status");
  CHECK(res.result() == http::status::ok);
  CHECK(res.body() == status_doc);
  CHECK(res[http::field::content_type] == "application/json");
  CHECK(res[http::field::cache_control] == "no-store");
}

TEST_CASE("a query string does not change the route", "[unit]") {
  CHECK(call(http::verb::get, "/api/v1/status?lang=en").body() == status_doc);
  CHECK(coldsort::hmi::path_of("/a/b?c=d?e") == "/a/b");
}

TEST_CASE("HEAD answers with GET's headers and no body", "[unit]") {
  const auto get = call(http::verb::get, "/api/v1/status");
  const auto head = call(http::verb::head, "/api/v1/status");
  CHECK(head.result() == http::status::ok);
  CHECK(head.body().empty());
  CHECK(head[http::field::content_length] == std::to_string(status_doc.size()));
  CHECK(head[http::field::content_type] == get[http::field::content_type]);
}

TEST_CASE("health answers ok", "[unit]") {
  const auto res = call(http::verb::get, "/api/v1/health");
  CHECK(boost::json::parse(res.body()) == boost::json::parse(R"({"ok":true})"));
}

TEST_CASE("an unknown path is a 404 naming the path", "[unit]") {
  const auto res = call(http::verb::get, "/api/v1/nothing?x=1");
  CHECK(res.result() == http::status::not_found);
  const auto body = boost::json::parse(res.body()).as_object();
  CHECK(body.at("error") == "not found");
  CHECK(body.at("path") == "/api/v1/nothing");
}

TEST_CASE("a path with JSON-special characters is escaped in the 404 body", "[unit]") {
  const auto res = call(http::verb::get, "/\"quoted\"\\");
  const auto body = boost::json::parse(res.body()).as_object();
  CHECK(body.at("path") == "/\"quoted\"\\");
}

TEST_CASE("a method other than GET or HEAD on a known path is a 405", "[unit]") {
  for (const auto verb : {http::verb::post, http::verb::put, http::verb::delete_}) {
    for (const std::string path : {"/api/v1/status", "/", "/app.js"}) {
      const auto res = call(verb, path);
      CHECK(res.result() == http::status::method_not_allowed);
      CHECK(res[http::field::allow] == "GET, HEAD");
      CHECK(boost::json::parse(res.body()).as_object().at("error") == "method not allowed");
    }
  }
}

TEST_CASE("a target that is not an absolute path is a 400", "[unit]") {
  const auto res = call(http::verb::get, "http://host/api/v1/status");
  CHECK(res.result() == http::status::bad_request);
  CHECK(boost::json::parse(res.body()).as_object().at("error") == "bad request");
}

TEST_CASE("a plain GET on the live endpoint asks for an upgrade", "[unit]") {
  const auto res = call(http::verb::get, "/api/v1/live");
  CHECK(res.result() == http::status::upgrade_required);
  CHECK(res[http::field::upgrade] == "websocket");
}

TEST_CASE("the page and its assets are served byte for byte with their types", "[unit]") {
  struct Case {
    std::string target, file, type_prefix;
  };
  for (const Case& c :
       {Case{"/", "index.html", "text/html"}, Case{"/index.html", "index.html", "text/html"},
        Case{"/app.js", "app.js", "text/javascript"},
        Case{"/style.css", "style.css", "text/css"}}) {
    const auto res = call(http::verb::get, c.target);
    REQUIRE(res.result() == http::status::ok);
    CHECK(res.body() == read_web_file(c.file));
    CHECK(std::string(res[http::field::content_type]).starts_with(c.type_prefix));
  }
  CHECK(call(http::verb::get, "/").body().find("<script src=\"app.js\"") != std::string::npos);
  CHECK_FALSE(call(http::verb::get, "/").base()["Content-Security-Policy"].empty());
}

TEST_CASE("every embedded asset is non-empty and findable by its path", "[unit]") {
  const auto assets = coldsort::hmi::web_assets();
  REQUIRE(assets.size() >= 3);
  for (const auto& asset : assets) {
    CHECK_FALSE(asset.body.empty());
    CHECK(coldsort::hmi::find_web_asset(asset.path) == &asset);
  }
  CHECK(coldsort::hmi::find_web_asset("/missing.js") == nullptr);
}

TEST_CASE("content types follow the file extension", "[unit]") {
  using coldsort::hmi::content_type_for;
  CHECK(content_type_for("/x.svg") == "image/svg+xml");
  CHECK(content_type_for("/x.json") == "application/json");
  CHECK(content_type_for("/x.bin") == "application/octet-stream");
  CHECK(content_type_for("/x.js.map") == "application/octet-stream");
}

TEST_CASE("responses keep the connection alive only when the request does", "[unit]") {
  Request req{http::verb::get, "/api/v1/health", 11};
  CHECK(route_request(req, status_doc).keep_alive());
  req.keep_alive(false);
  CHECK_FALSE(route_request(req, status_doc).keep_alive());
}
