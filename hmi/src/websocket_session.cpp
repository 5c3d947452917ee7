#include "websocket_session.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream_base.hpp>

#include <chrono>

#include "coldsort/core/log.hpp"
#include "shared_state.hpp"

namespace coldsort::hmi {
namespace {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

// The client sends nothing the server acts on yet; anything bigger than this is not ours.
constexpr std::size_t max_client_message_bytes = 4096;

}  // namespace

WebSocketSession::WebSocketSession(boost::asio::ip::tcp::socket socket,
                                   std::shared_ptr<SharedState> state)
    : ws_(std::move(socket)),
      state_(std::move(state)),
      queue_(state_->options().max_queued_messages) {}

WebSocketSession::~WebSocketSession() {
  state_->leave(*this);
  if (queue_.dropped_count() > 0) {
    core::log::debug("hmi", "live client skipped " + std::to_string(queue_.dropped_count()) +
                                " superseded status updates");
  }
}

void WebSocketSession::run(Request upgrade) {
  if (!state_->join(*this)) {
    abort();
    return;
  }
  const auto timeout = std::chrono::milliseconds(state_->options().request_timeout_ms);
  // The WebSocket layer keeps its own timers; the TCP stream's would cut idle clients.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout options{};
  options.handshake_timeout = timeout;
  // Browsers answer pings by themselves; a client that stops answering is gone.
  options.idle_timeout = timeout;
  options.keep_alive_pings = true;
  ws_.set_option(options);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "coldsort-hmi"); }));
  ws_.read_message_max(max_client_message_bytes);
  ws_.text(true);
  ws_.async_accept(upgrade,
                   beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec || closing_) {
    core::log::debug("hmi", "websocket handshake failed: " + ec.message());
    return;
  }
  accepted_ = true;
  send(state_->status());
  read_next();
}

void WebSocketSession::send(std::shared_ptr<const std::string> status_json) {
  if (!accepted_ || closing_) {
    return;
  }
  LiveMessage message{std::move(status_json), MessageKind::status};
  if (in_flight_) {
    if (queue_.push(std::move(message)) == PushResult::overflow) {
      core::log::write_limited(core::log::Level::warn, "hmi", "live.overflow",
                               "live client cannot keep up with events; closing it");
      abort();
    }
    return;
  }
  in_flight_ = std::move(message);
  write_in_flight();
}

void WebSocketSession::write_in_flight() {
  ws_.async_write(boost::asio::buffer(*in_flight_->text),
                  beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  in_flight_.reset();
  if (ec || closing_) {
    return;
  }
  if (auto next = queue_.pop()) {
    in_flight_ = std::move(next);
    write_in_flight();
  }
}

void WebSocketSession::read_next() {
  ws_.async_read(read_buffer_,
                 beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec != websocket::error::closed) {
      core::log::debug("hmi", "websocket read ends: " + ec.message());
    }
    // Nothing more can be delivered; drop what waits so no new write starts.
    closing_ = true;
    queue_.clear();
    return;
  }
  read_buffer_.consume(read_buffer_.size());
  read_next();
}

void WebSocketSession::close() {
  if (closing_) {
    return;
  }
  if (!accepted_ || in_flight_) {
    abort();
    return;
  }
  closing_ = true;
  queue_.clear();
  // Allowed while the read is pending: Beast permits one read, one write and one close at a
  // time. The handshake timeout bounds the wait for the client's close frame.
  ws_.async_close(websocket::close_code::going_away,
                  [self = shared_from_this()](beast::error_code) {});
}

void WebSocketSession::abort() {
  closing_ = true;
  queue_.clear();
  beast::get_lowest_layer(ws_).close();
}

}  // namespace coldsort::hmi
