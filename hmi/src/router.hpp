#pragma once
// The HTTP routes of the HMI (API v1 and the embedded web assets) as plain functions from a
// request to a response, so that they can be tested without a socket.
// Thread safety: stateless functions; safe from any thread.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace coldsort::hmi {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// The WebSocket endpoint; HttpSession hands upgrades for it to a WebSocketSession.
inline constexpr std::string_view live_path = "/api/v1/live";

// Answers a request that is not a WebSocket upgrade. `status_json` is the latest status
// document. Never throws for any request content.
Response route_request(const Request& request, const std::string& status_json);

// A JSON error answer: {"error": <error>, <detail_key>: <detail>}. Used for requests that
// could not be parsed at all, hence the explicit version and keep-alive.
Response make_error_response(http::status status, unsigned version, bool keep_alive,
                             std::string_view error, std::string_view detail_key,
                             boost::json::value detail);

// The request target without its query string ("/api/v1/status?x=1" -> "/api/v1/status").
std::string_view path_of(std::string_view target);

// The Content-Type for a file path, by extension; application/octet-stream when unknown.
std::string_view content_type_for(std::string_view path);

}  // namespace coldsort::hmi
