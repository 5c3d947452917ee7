#pragma once
// The SQLite LogStore: a bounded queue in front of one writer thread that commits batches,
// and a bounded pending buffer for what the disk refuses.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "coldsort/store/log_store.hpp"
#include "pending_buffer.hpp"
#include "record.hpp"
#include "sensor_downsample.hpp"
#include "table_writer.hpp"

namespace coldsort::store::detail {

// A test seam (fail the Nth commit, a disk that fills and empties): called before each
// commit attempt; returning true fails the attempt with the error it fills in, as if
// SQLite had returned it. Called on the writer thread.
using CommitFault = std::function<bool(SqlError*)>;

// Callers append into a queue under a mutex; the writer thread takes up to batch_rows
// records once that many wait or the oldest has waited batch_ms, and commits them in one
// transaction, retrying with back-off on busy/full/read-only/I/O errors. A batch that still
// fails is kept in the PendingBuffer; from then on every record goes through that buffer,
// which is retried every few seconds and committed in order once the disk takes writes.
// Between batches the writer folds old raw sensor samples (SensorDownsampler).
// Thread safety: append_*, flush and stats from any thread; destroy from one.
class SqliteLogStore final : public LogStore {
 public:
  // Starts the writer thread; `writer` holds the opened, migrated database. `marker` (may
  // be empty) is the file whose presence says the store is open; removed on a clean close.
  SqliteLogStore(TableWriter writer, std::string path, const StoreOptions& options,
                 std::string marker = {}, CommitFault fault = {});
  // Commits everything still queued or pending (without waiting for batch_ms; what the
  // disk still refuses is dropped and logged), then joins the writer.
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
  // The writer's deadlines are condition-variable timeouts, and only the OS's steady clock
  // can wake a blocked thread; an injected Clock could not.
  using Steady = std::chrono::steady_clock;

  struct Queued {
    Record record;
    std::uint64_t seq = 0;  // 1, 2, 3, ... in append order; flush() waits on it
    Steady::time_point enqueued_at{};
  };
  struct Outcome {
    bool ok = true;
    bool retryable = false;  // the disk may take it later (full, read-only, I/O, busy)
    std::string error;       // the whole story, for the log and last_error
    std::string reason;      // "cannot write to 'PATH': SQLite's message", for the alarm
  };
  enum class Work { stop, batch, retry, maintenance };

  void enqueue(Record record, std::size_t limit);
  void run_writer();
  Work wait_for_work(std::unique_lock<std::mutex>& lock);
  std::uint64_t take_batch(std::vector<Record>& batch);
  void handle_batch(std::vector<Record>& batch);
  void retry_pending();
  void run_maintenance();
  void drain_at_stop();
  Outcome commit_with_retry(const std::vector<Record>& batch, int attempts);
  Outcome commit_guarded(const std::vector<Record>& batch, int attempts);
  void keep_pending(std::vector<Record>& batch, const Outcome& outcome);
  void note_committed(std::size_t rows);
  void note_dropped(const ClassCounts& dropped, const std::string& why);
  void note_dropped_locked(const ClassCounts& dropped, const std::string& why);  // mutex_ held
  void note_done(std::uint64_t last_seq);

  TableWriter writer_;  // used by the writer thread only
  const std::string path_;
  const StoreOptions options_;
  const std::size_t batch_rows_;
  const std::size_t catch_up_rows_;  // >= batch_rows_
  const std::size_t record_limit_;  // fruit and alarms are refused when the queue is full...
  const std::size_t sample_limit_;  // ...sensor samples already at 90 % of it
  const std::string marker_;
  const CommitFault fault_;

  // Writer thread only.
  PendingBuffer pending_;
  std::chrono::milliseconds retry_delay_{};
  Steady::time_point retry_at_{};
  SensorDownsampler downsampler_;
  Steady::time_point maintenance_at_{};

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;  // the writer waits for records, a deadline or stop
  std::condition_variable done_cv_;  // flush() waits for done_seq_
  std::deque<Queued> queue_;
  std::uint64_t appended_seq_ = 0;  // seq of the newest accepted record
  std::uint64_t done_seq_ = 0;      // every record up to this seq is committed, dropped or pending
  bool stopping_ = false;
  StoreStats stats_;
  std::thread thread_;  // last member: starts after everything it touches exists
};

// open_sqlite_store with a CommitFault, for tests of the failure paths.
core::Result<std::unique_ptr<LogStore>> open_sqlite_store_with_fault(const std::string& path,
                                                                     const StoreOptions& options,
                                                                     CommitFault fault);

}  // namespace coldsort::store::detail
