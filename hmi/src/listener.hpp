#pragma once
// Accepts TCP connections on the HMI's address and starts an HttpSession for each.
// Thread safety: none; start() and stop() on the io_context thread (or before it runs), and
// its handlers run there.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

#include "coldsort/core/error.hpp"

namespace coldsort::hmi {

class SharedState;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, std::shared_ptr<SharedState> state);

  // Opens, binds and listens on options().bind:port, then starts accepting. Returns the
  // bound port (the chosen one when port is 0). Errors: address_in_use; config_invalid for a
  // bind address that does not parse; io_error for any other socket failure.
  core::Result<int> start();
  // Closes the acceptor; a pending accept completes with operation_aborted.
  void stop();

 private:
  core::Result<int> open_acceptor();
  void accept_next();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  std::shared_ptr<SharedState> state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  bool stopped_ = false;
};

}  // namespace coldsort::hmi
