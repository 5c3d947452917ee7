#pragma once
// One WebSocket client of /api/v1/live: sends the current status document as soon as the
// handshake completes, then every published one, through a bounded LiveQueue so that a slow
// reader skips superseded updates instead of growing memory. Messages from the client are
// read (for pings and close) and discarded: v1 of the live channel is push-only.
// Thread safety: none; all of its handlers run on the io_context thread (one thread runs it).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <memory>
#include <optional>
#include <string>

#include "live_queue.hpp"
#include "router.hpp"

namespace coldsort::hmi {

class SharedState;

class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<SharedState> state);
  ~WebSocketSession();
  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;

  // Answers the upgrade request; the session keeps itself alive while I/O is pending.
  void run(Request upgrade);
  // Queues a status document (ignored before the handshake completes and after close()).
  void send(std::shared_ptr<const std::string> status_json);
  // Server shutdown: a close frame with 1001 "going away" (RFC 6455 §7.4.1) when the link
  // is idle, otherwise the socket is closed at once so that a stalled client cannot delay it.
  void close();

 private:
  void on_accept(boost::beast::error_code ec);
  void read_next();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void write_in_flight();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void abort();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer read_buffer_;
  std::shared_ptr<SharedState> state_;
  LiveQueue queue_;
  std::optional<LiveMessage> in_flight_;  // the message being written, outside the queue
  bool accepted_ = false;
  bool closing_ = false;
};

}  // namespace coldsort::hmi
