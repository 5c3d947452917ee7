#include "router.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <array>

#include "web_assets.hpp"

namespace coldsort::hmi {
namespace {

constexpr std::string_view server_name = "coldsort-hmi";
// Documents that change every second must never be served from a cache.
constexpr std::string_view no_store = "no-store";
// Assets are small and change with every build: let the browser revalidate each time.
constexpr std::string_view no_cache = "no-cache";
// The page loads only its own script and style and talks only to its own origin (CSP Level 3
// matches ws: on the same host and port for 'self').
constexpr std::string_view page_csp =
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

struct Reply {
  http::status status = http::status::ok;
  std::string_view content_type;
  std::string body;
  std::string_view cache_control = no_store;
};

// Shared by every answer so that HEAD gets exactly GET's headers (RFC 9110 §9.3.2).
Response build(unsigned version, bool keep_alive, bool is_head, Reply reply) {
  Response res{reply.status, version};
  res.set(http::field::server, server_name);
  res.set(http::field::content_type, reply.content_type);
  res.set(http::field::cache_control, reply.cache_control);
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(keep_alive);
  if (is_head) {
    res.content_length(reply.body.size());
  } else {
    res.body() = std::move(reply.body);
    res.prepare_payload();
  }
  return res;
}

std::string error_json(std::string_view error, std::string_view detail_key,
                       boost::json::value detail) {
  boost::json::object o;
  o["error"] = error;
  o[detail_key] = std::move(detail);
  return boost::json::serialize(o);
}

Reply json_error(http::status status, std::string_view error, std::string_view detail_key,
                 boost::json::value detail) {
  return {status, "application/json", error_json(error, detail_key, std::move(detail)), no_store};
}

Reply status_reply(std::string_view, const std::string& status_json) {
  return {http::status::ok, "application/json", status_json, no_store};
}

Reply health_reply(std::string_view, const std::string&) {
  return {http::status::ok, "application/json", R"({"ok":true})", no_store};
}

// A plain GET on the WebSocket endpoint: RFC 9110 §15.5.22 says 426 names the protocol.
Reply live_without_upgrade_reply(std::string_view path, const std::string&) {
  return json_error(http::status::upgrade_required, "upgrade required", "path",
                    boost::json::string(path));
}

struct Route {
  std::string_view path;
  Reply (*handle)(std::string_view path, const std::string& status_json);
};

constexpr std::array<Route, 3> api_routes{{
    {"/api/v1/status", status_reply},
    {"/api/v1/health", health_reply},
    {live_path, live_without_upgrade_reply},
}};

// nullopt when the path names neither an API route nor an asset.
std::optional<Reply> find_reply(std::string_view path, const std::string& status_json) {
  for (const Route& route : api_routes) {
    if (route.path == path) {
      return route.handle(path, status_json);
    }
  }
  const WebAsset* asset = find_web_asset(path == "/" ? "/index.html" : path);
  if (asset == nullptr) {
    return std::nullopt;
  }
  return Reply{http::status::ok, content_type_for(asset->path), std::string(asset->body), no_cache};
}

}  // namespace

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view content_type_for(std::string_view path) {
  struct Type {
    std::string_view extension;
    std::string_view content_type;
  };
  // text/javascript per RFC 9239; UTF-8 because the catalogue holds Chinese text.
  static constexpr std::array<Type, 8> types{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  for (const Type& t : types) {
    if (path.ends_with(t.extension)) {
      return t.content_type;
    }
  }
  return "application/octet-stream";
}

Response make_error_response(http::status status, unsigned version, bool keep_alive,
                             std::string_view error, std::string_view detail_key,
                             boost::json::value detail) {
  return build(version, keep_alive, false,
               json_error(status, error, detail_key, std::move(detail)));
}

Response route_request(const Request& request, const std::string& status_json) {
  const bool is_head = request.method() == http::verb::head;
  const auto answer = [&](Reply reply) {
    return build(request.version(), request.keep_alive(), is_head, std::move(reply));
  };
  const std::string_view target = request.target();
  if (!target.starts_with('/')) {
    return answer(json_error(http::status::bad_request, "bad request", "detail",
                             "the request target must be an absolute path"));
  }
  const std::string_view path = path_of(target);
  std::optional<Reply> reply = find_reply(path, status_json);
  if (!reply) {
    return answer(
        json_error(http::status::not_found, "not found", "path", boost::json::string(path)));
  }
  if (request.method() != http::verb::get && !is_head) {
    Response res = answer(json_error(http::status::method_not_allowed, "method not allowed",
                                     "method", boost::json::string(request.method_string())));
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  if (reply->content_type.starts_with("text/html")) {
    Response res = answer(std::move(*reply));
    res.set("Content-Security-Policy", page_csp);
    return res;
  }
  if (reply->status == http::status::upgrade_required) {
    Response res = answer(std::move(*reply));
    // RFC 9110 §7.8: whoever sends Upgrade also lists it in Connection.
    res.set(http::field::upgrade, "websocket");
    res.set(http::field::connection, res.keep_alive() ? "Upgrade" : "Upgrade, close");
    return res;
  }
  return answer(std::move(*reply));
}

}  // namespace coldsort::hmi
