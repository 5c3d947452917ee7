#include "coldsort/hmi/hmi_server.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>

#include <stdexcept>

#include "coldsort/core/log.hpp"
#include "listener.hpp"
#include "shared_state.hpp"

namespace coldsort::hmi {
namespace {

// Start-up errors: options come from validated config, so a bad one is a programming error.
void check_options(const HmiOptions& options) {
  if (options.port < 0 || options.port > 65535) {
    throw std::invalid_argument("HmiOptions.port must be 0..65535");
  }
  if (options.max_body_bytes == 0) {
    throw std::invalid_argument("HmiOptions.max_body_bytes must be positive");
  }
  if (options.request_timeout_ms <= 0) {
    throw std::invalid_argument("HmiOptions.request_timeout_ms must be positive");
  }
  if (options.max_queued_messages == 0) {
    throw std::invalid_argument("HmiOptions.max_queued_messages must be positive");
  }
}

bool is_json_object(const std::string& text) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(text, ec);
  return !ec && value.is_object();
}

}  // namespace

struct HmiServer::Impl {
  boost::asio::io_context& ioc;
  std::shared_ptr<SharedState> state;
  std::shared_ptr<Listener> listener;
};

HmiServer::HmiServer(boost::asio::io_context& ioc, HmiOptions options) {
  check_options(options);
  auto state = std::make_shared<SharedState>(std::move(options));
  impl_ = std::make_shared<Impl>(Impl{ioc, state, std::make_shared<Listener>(ioc, state)});
}

HmiServer::~HmiServer() { stop(); }

core::Result<int> HmiServer::start() { return impl_->listener->start(); }

void HmiServer::stop() {
  impl_->listener->stop();
  impl_->state->stop();
}

void HmiServer::publish(std::string status_json) {
  // Checked here, on the caller's thread, so that a browser never receives a document its
  // JSON.parse rejects. The controller publishes about once a second, so the parse is cheap.
  if (!is_json_object(status_json)) {
    core::log::write_limited(core::log::Level::error, "hmi", "publish.invalid",
                             "publish: the status document is not a JSON object; ignored");
    return;
  }
  auto doc = std::make_shared<const std::string>(std::move(status_json));
  boost::asio::post(impl_->ioc, [state = impl_->state, doc = std::move(doc)]() mutable {
    if (!state->is_stopped()) {
      state->publish(std::move(doc));
    }
  });
}

}  // namespace coldsort::hmi
