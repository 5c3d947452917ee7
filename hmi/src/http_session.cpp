#include "http_session.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json/string.hpp>

#include <chrono>
#include <string>

#include "coldsort/core/log.hpp"
#include "shared_state.hpp"
#include "websocket_session.hpp"

namespace coldsort::hmi {
namespace {

namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

// Request line plus header fields. 8 KiB is what nginx and Beast allow by default; the HMI's
// browser requests need well under 2 KiB. Larger gets 431 (RFC 6585 §5).
constexpr std::uint32_t header_limit_bytes = 8 * 1024;

bool is_http_error(beast::error_code ec) {
  return ec.category() == beast::error_code(http::error::bad_method).category();
}

}  // namespace

HttpSession::HttpSession(tcp::socket socket, std::shared_ptr<SharedState> state)
    : stream_(std::move(socket)), state_(std::move(state)) {}

HttpSession::~HttpSession() { state_->leave(*this); }

void HttpSession::run() {
  if (!state_->join(*this)) {
    close();
    return;
  }
  read_request();
}

void HttpSession::close() {
  closed_ = true;
  stream_.close();
}

void HttpSession::read_request() {
  // A fresh parser per request: the limits apply to each message, not to the connection.
  parser_.emplace();
  parser_->header_limit(header_limit_bytes);
  parser_->body_limit(state_->options().max_body_bytes);
  stream_.expires_after(std::chrono::milliseconds(state_->options().request_timeout_ms));
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (closed_) {
    return;
  }
  if (ec) {
    answer_read_error(ec);
    return;
  }
  handle_request();
}

void HttpSession::answer_read_error(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    send(make_error_response(http::status::payload_too_large, 11, false, "payload too large",
                             "limit_bytes", state_->options().max_body_bytes));
  } else if (ec == http::error::header_limit) {
    send(make_error_response(http::status::request_header_fields_too_large, 11, false,
                             "request header fields too large", "limit_bytes", header_limit_bytes));
  } else if (is_http_error(ec) && ec != http::error::end_of_stream &&
             ec != http::error::partial_message) {
    // The parser's message says what was wrong: "bad method", "bad version", ...
    send(make_error_response(http::status::bad_request, 11, false, "bad request", "detail",
                             boost::json::string(ec.message())));
  } else {
    // The peer closed, went quiet past the timeout, or the server is stopping.
    core::log::debug("hmi", "http connection ends: " + ec.message());
    linger();
  }
}

void HttpSession::handle_request() {
  Request request = parser_->release();
  if (boost::beast::websocket::is_upgrade(request)) {
    if (path_of(request.target()) == live_path) {
      std::make_shared<WebSocketSession>(stream_.release_socket(), state_)->run(std::move(request));
      return;
    }
    send(make_error_response(http::status::not_found, request.version(), false, "not found", "path",
                             boost::json::string(path_of(request.target()))));
    return;
  }
  send(route_request(request, *state_->status()));
}

void HttpSession::send(Response response) {
  response_ = std::move(response);
  stream_.expires_after(std::chrono::milliseconds(state_->options().request_timeout_ms));
  http::async_write(stream_, response_,
                    beast::bind_front_handler(&HttpSession::on_write, shared_from_this()));
}

void HttpSession::on_write(beast::error_code ec, std::size_t) {
  if (closed_ || ec) {
    return;
  }
  if (response_.need_eof()) {
    linger();
    return;
  }
  read_request();
}

// A graceful close: send FIN, then read and discard until the client closes too. Closing
// with unread bytes in the receive buffer would make the kernel send RST, and the client
// could lose the error response it has not read yet (RFC 9112 §9.6, "tear-down"). The
// request timeout bounds the whole drain.
void HttpSession::linger() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::chrono::milliseconds(state_->options().request_timeout_ms));
  stream_.async_read_some(boost::asio::buffer(drain_buffer_),
                          beast::bind_front_handler(&HttpSession::on_drain, shared_from_this()));
}

void HttpSession::on_drain(beast::error_code ec, std::size_t) {
  if (closed_ || ec) {
    return;  // EOF, timeout or shutdown: the socket closes with the session
  }
  stream_.async_read_some(boost::asio::buffer(drain_buffer_),
                          beast::bind_front_handler(&HttpSession::on_drain, shared_from_this()));
}

}  // namespace coldsort::hmi
