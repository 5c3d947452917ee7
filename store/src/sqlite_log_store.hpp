#pragma once
// The SQLite LogStore: a bounded queue in front of one writer thread that commits batches.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "coldsort/store/log_store.hpp"
#include "record.hpp"
#include "table_writer.hpp"

namespace coldsort::store::detail {

// Callers append into a queue under a mutex; the writer thread takes up to batch_rows
// records once that many wait or the oldest has waited batch_ms, and commits them in one
// transaction, retrying with back-off on busy/full/read-only/I/O errors.
// Thread safety: append_*, flush and stats from any thread; destroy from one.
class SqliteLogStore final : public LogStore {
 public:
  // Starts the writer thread; `writer` holds the opened, migrated database.
  SqliteLogStore(TableWriter writer, std::string path, const StoreOptions& options);
  // Commits everything still queued (without waiting for batch_ms), then joins the writer.
  ~SqliteLogStore() override;
  SqliteLogStore(const SqliteLogStore&) = delete;
  SqliteLogStore& operator=(const SqliteLogStore&) = delete;

  void append_fruit(const core::Fruit& fruit) override;
  void append_alarm_event(const core::Alarm& alarm) override;
  void append_sensor_sample(std::string_view device, std::string_view point, double value,
                            core::WallTime at) override;
  void append_alarm_transition(const core::AlarmEvent& event) override;
  void append_excursion(const core::ColdExcursion& excursion) override;
  void append_plan(const core::PlanRecord& plan) override;
  void append_box(const core::BoxRecord& box) override;
  void append_order(const core::OrderUpdate& order) override;
  void append_lot(const core::Lot& lot) override;
  void append_operator_action(const core::OperatorAction& action) override;
  void append_cold_room(const core::ColdRoom& room, core::WallTime at) override;
  void flush() override;
  StoreStats stats() const override;

 private:
  // The writer's deadline is a condition-variable timeout, and only the OS's steady clock
  // can wake a blocked thread; an injected Clock could not.
  using Steady = std::chrono::steady_clock;

  struct Queued {
    Record record;
    std::uint64_t seq = 0;  // 1, 2, 3, ... in append order; flush() waits on it
    Steady::time_point enqueued_at{};
  };
  struct Outcome {
    bool ok = true;
    std::string error;  // why the batch was dropped
  };

  void enqueue(Record record, std::size_t limit);
  void run_writer();
  bool wait_for_batch(std::unique_lock<std::mutex>& lock);
  std::uint64_t take_batch(std::vector<Record>& batch);
  Outcome commit_with_retry(const std::vector<Record>& batch);
  Outcome commit_guarded(const std::vector<Record>& batch);
  void finish_batch(std::size_t rows, std::uint64_t last_seq, const Outcome& outcome);

  TableWriter writer_;  // used by the writer thread only
  const std::string path_;
  const StoreOptions options_;
  const std::size_t batch_rows_;
  const std::size_t record_limit_;  // fruit and alarms are refused when the queue is full...
  const std::size_t sample_limit_;  // ...sensor samples already at 90 % of it

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;  // the writer waits for records, a deadline or stop
  std::condition_variable done_cv_;  // flush() waits for done_seq_
  std::deque<Queued> queue_;
  std::uint64_t appended_seq_ = 0;  // seq of the newest accepted record
  std::uint64_t done_seq_ = 0;      // every record up to this seq is committed or dropped
  bool stopping_ = false;
  StoreStats stats_;
  std::thread thread_;  // last member: starts after everything it touches exists
};

}  // namespace coldsort::store::detail
