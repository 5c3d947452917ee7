#include "shared_state.hpp"

#include <vector>

#include "http_session.hpp"
#include "websocket_session.hpp"

namespace coldsort::hmi {

SharedState::SharedState(HmiOptions options)
    : options_(std::move(options)),
      status_(std::make_shared<const std::string>(R"({"running_state":"starting"})")) {}

void SharedState::publish(std::shared_ptr<const std::string> status_json) {
  status_ = std::move(status_json);
  // send() only queues and starts an asynchronous write, so no session can leave (and
  // invalidate the iteration) from inside this loop.
  for (WebSocketSession* session : live_sessions_) {
    session->send(status_);
  }
}

bool SharedState::join(HttpSession& session) {
  if (stopped_) {
    return false;
  }
  http_sessions_.insert(&session);
  return true;
}

void SharedState::leave(HttpSession& session) { http_sessions_.erase(&session); }

bool SharedState::join(WebSocketSession& session) {
  if (stopped_) {
    return false;
  }
  live_sessions_.insert(&session);
  return true;
}

void SharedState::leave(WebSocketSession& session) { live_sessions_.erase(&session); }

void SharedState::stop() {
  stopped_ = true;
  // close() cancels I/O and may make a session leave later, from a completion handler; copy
  // the sets so that a leave can never disturb the loop.
  const std::vector<HttpSession*> http(http_sessions_.begin(), http_sessions_.end());
  const std::vector<WebSocketSession*> live(live_sessions_.begin(), live_sessions_.end());
  for (HttpSession* session : http) {
    session->close();
  }
  for (WebSocketSession* session : live) {
    session->close();
  }
}

}  // namespace coldsort::hmi
