#pragma once
// The web HMI: HTTP/1.1 and WebSocket on the controller's io_context. Serves the status page,
// GET /api/v1/status (the latest status document) and pushes every new status document to
// WebSocket clients on /api/v1/live.
// Thread safety: construct, start and stop on the io_context's thread; publish() may be
// called from any thread (it posts). Exactly one thread may run the io_context.
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

#include "coldsort/core/error.hpp"

namespace coldsort::hmi {

struct HmiOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  std::size_t max_body_bytes = 64 * 1024;
  int request_timeout_ms = 15000;
  std::size_t max_queued_messages = 64;  // per WebSocket session; slow clients skip updates
};

class HmiServer {
 public:
  // No I/O. Throws std::invalid_argument for an option out of range (a start-up error).
  HmiServer(boost::asio::io_context& ioc, HmiOptions options);
  ~HmiServer();
  HmiServer(const HmiServer&) = delete;
  HmiServer& operator=(const HmiServer&) = delete;

  // Binds and listens. Returns the bound port. Errors: address_in_use, io_error
  // (config_invalid when `bind` is not an IP address).
  core::Result<int> start();
  // Closes the acceptor and every connection; the io_context's run() then returns once their
  // handlers finish. Final: the server cannot be started again.
  void stop();
  // Replaces the status document (a JSON object as text) and pushes it to live clients.
  void publish(std::string status_json);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace coldsort::hmi
