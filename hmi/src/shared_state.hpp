#pragma once
// What every session of one HmiServer shares: the options, the latest status document and
// the sessions that are open (so that a publish reaches every live client and stop() reaches
// every connection).
// Thread safety: none; used only on the io_context thread (HmiServer::publish posts to it).
#include <memory>
#include <string>
#include <unordered_set>

#include "coldsort/hmi/hmi_server.hpp"

namespace coldsort::hmi {

class HttpSession;
class WebSocketSession;

class SharedState {
 public:
  explicit SharedState(HmiOptions options);
  SharedState(const SharedState&) = delete;
  SharedState& operator=(const SharedState&) = delete;

  const HmiOptions& options() const { return options_; }

  // The latest status document; `{"running_state":"starting"}` before the first publish.
  const std::shared_ptr<const std::string>& status() const { return status_; }
  // Replaces the status document and queues it on every accepted WebSocket session.
  void publish(std::shared_ptr<const std::string> status_json);

  // Sessions register while they are open. Registration after stop() is refused (returns
  // false): the session must close itself.
  bool join(HttpSession& session);
  void leave(HttpSession& session);
  bool join(WebSocketSession& session);
  void leave(WebSocketSession& session);

  // Closes every open session and refuses new ones.
  void stop();
  bool is_stopped() const { return stopped_; }

  std::size_t live_session_count() const { return live_sessions_.size(); }

 private:
  HmiOptions options_;
  std::shared_ptr<const std::string> status_;
  std::unordered_set<HttpSession*> http_sessions_;
  std::unordered_set<WebSocketSession*> live_sessions_;
  bool stopped_ = false;
};

}  // namespace coldsort::hmi
