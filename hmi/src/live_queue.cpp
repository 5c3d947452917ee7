#include "live_queue.hpp"

#include <algorithm>
#include <stdexcept>

namespace coldsort::hmi {

LiveQueue::LiveQueue(std::size_t max_waiting) : max_waiting_(max_waiting) {
  if (max_waiting_ == 0) {
    throw std::invalid_argument("LiveQueue: max_waiting must be at least 1");
  }
}

PushResult LiveQueue::push(LiveMessage message) {
  if (waiting_.size() < max_waiting_) {
    waiting_.push_back(std::move(message));
    return PushResult::queued;
  }
  // Full: the oldest status is the least useful message we hold, since the one being pushed
  // (or a later status) carries everything it said.
  const auto oldest_status = std::find_if(waiting_.begin(), waiting_.end(), [](const auto& m) {
    return m.kind == MessageKind::status;
  });
  if (oldest_status == waiting_.end()) {
    return PushResult::overflow;
  }
  waiting_.erase(oldest_status);
  ++dropped_count_;
  waiting_.push_back(std::move(message));
  return PushResult::dropped_oldest_status;
}

std::optional<LiveMessage> LiveQueue::pop() {
  if (waiting_.empty()) {
    return std::nullopt;
  }
  LiveMessage front = std::move(waiting_.front());
  waiting_.pop_front();
  return front;
}

void LiveQueue::clear() { waiting_.clear(); }

}  // namespace coldsort::hmi
