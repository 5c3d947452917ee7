#pragma once
// One HTTP/1.1 connection: reads requests with bounded headers, body and time, answers them
// through the router, keeps the connection alive when the client asks, and hands a WebSocket
// upgrade on /api/v1/live to a WebSocketSession.
// Thread safety: none; all of its handlers run on the io_context thread (one thread runs it).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <array>
#include <memory>
#include <optional>

#include "router.hpp"

namespace coldsort::hmi {

class SharedState;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<SharedState> state);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void run();
  // Cancels whatever is pending and closes the socket (server shutdown).
  void close();

 private:
  void read_request();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_request();
  void answer_read_error(boost::beast::error_code ec);
  void send(Response response);
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void linger();
  void on_drain(boost::beast::error_code ec, std::size_t bytes);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<SharedState> state_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response response_;
  std::array<char, 4096> drain_buffer_{};
  bool closed_ = false;
};

}  // namespace coldsort::hmi
