#pragma once
// Test helpers for the hmi module: an HmiServer on an ephemeral port with its io_context on
// a thread, and small Beast clients whose every operation is bounded by a deadline (so a
// server bug fails the test instead of hanging it). No sleeps: the tests synchronise on
// received bytes and on flush(), which returns once everything posted before it has run.
// Thread safety: each object belongs to the test's thread.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "coldsort/hmi/hmi_server.hpp"

namespace coldsort::hmi::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// How long any single client operation may take before the test fails; far above what any
// operation needs on a loaded CI machine with sanitizers.
inline constexpr std::chrono::seconds client_deadline{10};

inline HmiOptions test_options() {
  HmiOptions options;
  options.port = 0;
  options.max_body_bytes = 1024;
  options.request_timeout_ms = 10000;
  options.max_queued_messages = 4;
  return options;
}

// Runs `ioc` until the operation started by `start(handler)` completes; returns its error.
template <class Start>
beast::error_code run_op(asio::io_context& ioc, Start start) {
  std::optional<beast::error_code> result;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  while (!result && ioc.run_one() > 0) {
  }
  return result.value_or(asio::error::operation_aborted);
}

class TestServer {
 public:
  explicit TestServer(HmiOptions options = test_options()) : server_(ioc_, std::move(options)) {
    auto bound = server_.start();
    if (!bound) {
      throw std::runtime_error("test server did not start: " + bound.error().message());
    }
    port_ = *bound;
    thread_ = std::thread([this] {
      ioc_.run();
      finished_.set_value();
    });
  }
  ~TestServer() { stop_and_join(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  HmiServer& server() { return server_; }

  // Returns once every handler posted before this call has run on the server's thread.
  void flush() {
    std::promise<void> done;
    asio::post(ioc_, [&done] { done.set_value(); });
    done.get_future().wait();
  }
  void publish(std::string doc) {
    server_.publish(std::move(doc));
    flush();
  }
  // Posts stop() without waiting for run() to return.
  void post_stop() {
    asio::post(ioc_, [this] { server_.stop(); });
  }
  // Posts stop() and waits for run() to return. False if it did not within `limit` (the
  // io_context is then stopped by force so that the test can end).
  bool stop_and_join(std::chrono::seconds limit = client_deadline) {
    if (!thread_.joinable()) {
      return joined_in_time_;
    }
    asio::post(ioc_, [this] { server_.stop(); });
    joined_in_time_ = finished_future_.wait_for(limit) == std::future_status::ready;
    if (!joined_in_time_) {
      ioc_.stop();
    }
    thread_.join();
    return joined_in_time_;
  }

 private:
  asio::io_context ioc_;
  HmiServer server_;
  int port_ = 0;
  std::promise<void> finished_;
  std::future<void> finished_future_ = finished_.get_future();
  std::thread thread_;
  bool joined_in_time_ = false;
};

using StringResponse = http::response<http::string_body>;

class HttpClient {
 public:
  explicit HttpClient(int port) {
    const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"),
                                 static_cast<unsigned short>(port)};
    stream_.expires_after(client_deadline);
    const auto ec = run_op(ioc_, [&](auto handler) { stream_.async_connect(endpoint, handler); });
    if (ec) {
      throw std::runtime_error("connect: " + ec.message());
    }
  }

  beast::error_code write_raw(const std::string& bytes) {
    stream_.expires_after(client_deadline);
    return run_op(ioc_,
                  [&](auto handler) { asio::async_write(stream_, asio::buffer(bytes), handler); });
  }

  beast::error_code send(http::request<http::string_body> request) {
    request.set(http::field::host, "127.0.0.1");
    request.prepare_payload();
    stream_.expires_after(client_deadline);
    return run_op(ioc_, [&](auto handler) { http::async_write(stream_, request, handler); });
  }

  // Reads one response; `head` tells the parser that no body follows (a HEAD answer).
  beast::error_code read(StringResponse& out, bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head);
    stream_.expires_after(client_deadline);
    const auto ec =
        run_op(ioc_, [&](auto handler) { http::async_read(stream_, buffer_, parser, handler); });
    if (!ec) {
      out = parser.release();
    }
    return ec;
  }

  StringResponse request(http::verb verb, const std::string& target, std::string body = {}) {
    http::request<http::string_body> req{verb, target, 11};
    req.body() = std::move(body);
    if (auto ec = send(std::move(req))) {
      throw std::runtime_error("write: " + ec.message());
    }
    StringResponse res;
    if (auto ec = read(res, verb == http::verb::head)) {
      throw std::runtime_error("read: " + ec.message());
    }
    return res;
  }

  // Waits for the server to close: the error that ended the read (EOF or reset).
  beast::error_code wait_for_close() {
    char byte = 0;
    stream_.expires_after(client_deadline);
    return run_op(ioc_,
                  [&](auto handler) { stream_.async_read_some(asio::buffer(&byte, 1), handler); });
  }

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_{ioc_};
  beast::flat_buffer buffer_;
};

class LiveClient {
 public:
  // Connects and performs the WebSocket handshake on `target`; handshake_error() tells
  // whether the server accepted it.
  LiveClient(int port, const std::string& target = "/api/v1/live") {
    const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"),
                                 static_cast<unsigned short>(port)};
    auto& tcp_layer = beast::get_lowest_layer(ws_);
    tcp_layer.expires_after(client_deadline);
    auto ec = run_op(ioc_, [&](auto handler) { tcp_layer.async_connect(endpoint, handler); });
    if (ec) {
      throw std::runtime_error("connect: " + ec.message());
    }
    tcp_layer.expires_after(client_deadline);
    handshake_error_ = run_op(ioc_, [&](auto handler) {
      ws_.async_handshake(handshake_response_, "127.0.0.1", target, handler);
    });
  }

  beast::error_code handshake_error() const { return handshake_error_; }
  const websocket::response_type& handshake_response() const { return handshake_response_; }

  // Reads one message into `out`.
  beast::error_code read(std::string& out) {
    beast::flat_buffer buffer;
    beast::get_lowest_layer(ws_).expires_after(client_deadline);
    const auto ec = run_op(ioc_, [&](auto handler) { ws_.async_read(buffer, handler); });
    if (!ec) {
      out = beast::buffers_to_string(buffer.data());
    }
    return ec;
  }

  std::string read_or_throw() {
    std::string message;
    if (auto ec = read(message)) {
      throw std::runtime_error("websocket read: " + ec.message());
    }
    return message;
  }

  websocket::close_reason close_reason() const { return ws_.reason(); }

 private:
  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_{ioc_};
  websocket::response_type handshake_response_;
  beast::error_code handshake_error_;
};

}  // namespace coldsort::hmi::test
