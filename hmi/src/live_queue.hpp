#pragma once
// The outgoing message queue of one WebSocket session, bounded so that a slow client never
// grows the server's memory.
// Thread safety: none; owned by one WebSocketSession on the io_context thread.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace coldsort::hmi {

// Status documents are full snapshots: a newer one supersedes every older one, so they may
// be dropped. Events (none yet; alarm transitions and operator feedback will be) may not.
enum class MessageKind { status, event };

struct LiveMessage {
  std::shared_ptr<const std::string> text;  // shared by every session it goes to
  MessageKind kind = MessageKind::status;
};

enum class PushResult {
  queued,                 // there was room
  dropped_oldest_status,  // the queue was full; its oldest status made room for this one
  overflow,               // full of events: nothing may be dropped, the session must close
};

class LiveQueue {
 public:
  // `max_waiting` bounds the messages waiting behind the one being written (at least 1).
  explicit LiveQueue(std::size_t max_waiting);

  PushResult push(LiveMessage message);
  // Takes the oldest waiting message; nullopt when none waits.
  std::optional<LiveMessage> pop();
  void clear();

  std::size_t size() const { return waiting_.size(); }
  bool empty() const { return waiting_.empty(); }
  std::size_t max_waiting() const { return max_waiting_; }
  // Status documents dropped since construction (a count of skipped updates).
  std::uint64_t dropped_count() const { return dropped_count_; }

 private:
  std::size_t max_waiting_;
  std::deque<LiveMessage> waiting_;
  std::uint64_t dropped_count_ = 0;
};

}  // namespace coldsort::hmi
