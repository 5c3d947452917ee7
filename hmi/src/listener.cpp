#include "listener.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>

#include <chrono>

#include "coldsort/core/log.hpp"
#include "http_session.hpp"
#include "shared_state.hpp"

namespace coldsort::hmi {
namespace {

using tcp = boost::asio::ip::tcp;

// After a failed accept (EMFILE, ENFILE, ENOBUFS) accepting again at once would spin the
// io_context at 100% while the condition lasts; a short pause lets sessions close first.
constexpr std::chrono::milliseconds accept_retry_delay{100};

core::Result<int> socket_failure(std::string_view step, boost::system::error_code ec) {
  core::log::error("hmi", "listen: " + std::string(step) + ": " + ec.message());
  if (ec == boost::asio::error::address_in_use) {
    return core::make_error_code(core::errc::address_in_use);
  }
  return core::make_error_code(core::errc::io_error);
}

}  // namespace

Listener::Listener(boost::asio::io_context& ioc, std::shared_ptr<SharedState> state)
    : ioc_(ioc), state_(std::move(state)), acceptor_(ioc), retry_timer_(ioc) {}

core::Result<int> Listener::start() {
  auto port = open_acceptor();
  if (!port) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return port;
  }
  core::log::info("hmi", "listening on " + state_->options().bind + ":" + std::to_string(*port));
  accept_next();
  return port;
}

core::Result<int> Listener::open_acceptor() {
  const auto& options = state_->options();
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(options.bind, ec);
  if (ec) {
    core::log::error("hmi", "listen: bad bind address '" + options.bind + "'");
    return core::make_error_code(core::errc::config_invalid);
  }
  const tcp::endpoint endpoint{address, static_cast<unsigned short>(options.port)};
  if (acceptor_.open(endpoint.protocol(), ec); ec) {
    return socket_failure("open", ec);
  }
  // Lets a restarted daemon bind while old connections sit in TIME_WAIT. On Linux it does not
  // allow a second listener on a port that is in use, so address_in_use still happens.
  if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec); ec) {
    return socket_failure("set SO_REUSEADDR", ec);
  }
  if (acceptor_.bind(endpoint, ec); ec) {
    return socket_failure("bind", ec);
  }
  if (acceptor_.listen(tcp::acceptor::max_listen_connections, ec); ec) {
    return socket_failure("listen", ec);
  }
  const auto bound = acceptor_.local_endpoint(ec);
  if (ec) {
    return socket_failure("local_endpoint", ec);
  }
  return static_cast<int>(bound.port());
}

void Listener::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

void Listener::accept_next() {
  acceptor_.async_accept(
      ioc_, [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
      });
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (stopped_ || ec == boost::asio::error::operation_aborted) {
    return;
  }
  if (ec) {
    core::log::write_limited(core::log::Level::warn, "hmi", "accept",
                             "accept failed: " + ec.message());
    retry_timer_.expires_after(accept_retry_delay);
    retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec && !self->stopped_) {
        self->accept_next();
      }
    });
    return;
  }
  std::make_shared<HttpSession>(std::move(socket), state_)->run();
  accept_next();
}

}  // namespace coldsort::hmi
