#pragma once
// The pack-day simulator's event queue: events ordered by (time, sequence number), so two
// events at the same minute always run in the order they were scheduled and a run is
// repeatable to the bit.
// Thread safety: not thread-safe; one per simulated day.
#include <cstddef>
#include <cstdint>
#include <queue>
#include <vector>

namespace coldsort::scheduler::pack_day {

enum class EventKind {
  order_arrives,    // subject: order
  order_cancelled,  // subject: order
  worker_absent,    // subject: worker (revealed at `absent_from_min`)
  worker_leaves,    // subject: worker (break starts, shift ends)
  station_down,     // subject: station, index: down window
  station_up,       // subject: station, index: down window
  period_starts,    // subject: period
  parcel_done,      // subject: worker
  wake,             // subject: worker, token: the worker's wake token when scheduled
  replan,           // a re-plan asked for by a trigger (one per minute at most)
  periodic_replan,  // token: stale once another plan was made
  day_ends,
};

struct Event {
  double time_min = 0;
  std::uint64_t seq = 0;
  EventKind kind = EventKind::day_ends;
  std::size_t subject = 0;
  std::size_t index = 0;
  std::uint64_t token = 0;
};

class EventQueue {
 public:
  void push(double time_min, EventKind kind, std::size_t subject = 0, std::size_t index = 0,
            std::uint64_t token = 0) {
    queue_.push(Event{time_min, next_seq_++, kind, subject, index, token});
  }
  bool empty() const { return queue_.empty(); }
  Event pop() {
    Event e = queue_.top();
    queue_.pop();
    return e;
  }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time_min != b.time_min ? a.time_min > b.time_min : a.seq > b.seq;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace coldsort::scheduler::pack_day
