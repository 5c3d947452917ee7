#include "sqlite_log_store.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "coldsort/core/log.hpp"
#include "schema.hpp"

namespace coldsort::store::detail {
namespace {

constexpr std::string_view kLog = "store";
// Back-off stops growing here: a disk that is still full after a few seconds needs a
// person, and the bounded retry count then drops the batch rather than stall the queue.
constexpr std::chrono::milliseconds kMaxBackoff{5000};

}  // namespace

SqliteLogStore::SqliteLogStore(TableWriter writer, std::string path, const StoreOptions& options)
    : writer_(std::move(writer)),
      path_(std::move(path)),
      options_(options),
      batch_rows_(static_cast<std::size_t>(options.batch_rows)),
      record_limit_(static_cast<std::size_t>(options.max_queued)),
      // Sensor samples come back every poll cycle; fruit and alarms do not. Refusing the
      // samples first keeps the last tenth of the queue for the records that matter.
      sample_limit_(std::max<std::size_t>(1, record_limit_ * 9 / 10)),
      thread_([this] { run_writer(); }) {}

SqliteLogStore::~SqliteLogStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  thread_.join();
}

void SqliteLogStore::append_fruit(const core::Fruit& fruit) {
  enqueue(Record{fruit}, record_limit_);
}

void SqliteLogStore::append_alarm_event(const core::Alarm& alarm) {
  enqueue(Record{alarm}, record_limit_);
}

void SqliteLogStore::append_sensor_sample(std::string_view device, std::string_view point,
                                          double value, core::WallTime at) {
  enqueue(Record{SensorSample{std::string(device), std::string(point), value, at}}, sample_limit_);
}

// Alarm changes and excursions are compliance records: they share the full queue with
// fruit and alarms, never the sample limit.
void SqliteLogStore::append_alarm_transition(const core::AlarmEvent& event) {
  enqueue(Record{event}, record_limit_);
}

void SqliteLogStore::append_excursion(const core::ColdExcursion& excursion) {
  enqueue(Record{excursion}, record_limit_);
}

void SqliteLogStore::append_plan(const core::PlanRecord& plan) { enqueue(Record{plan}, record_limit_); }

// Parcels, orders, lots and the audit trail are records people are paid or judged on:
// they share the full queue, never the sample limit.
void SqliteLogStore::append_box(const core::BoxRecord& box) { enqueue(Record{box}, record_limit_); }

void SqliteLogStore::append_order(const core::OrderUpdate& order) {
  enqueue(Record{order}, record_limit_);
}

void SqliteLogStore::append_lot(const core::Lot& lot) { enqueue(Record{lot}, record_limit_); }

void SqliteLogStore::append_operator_action(const core::OperatorAction& action) {
  enqueue(Record{action}, record_limit_);
}

void SqliteLogStore::append_cold_room(const core::ColdRoom& room, core::WallTime at) {
  // The recording probe if the room has one, else the control probe (see ColdRoomProbes).
  const core::ColdRoomProbes& p = room.probes;
  ColdRoomBand band{room.id, room.name, p.record_device.empty() ? room.device : p.record_device,
                    p.record_point.empty() ? p.control_point : p.record_point,
                    room.min_c, room.max_c, at};
  enqueue(Record{std::move(band)}, record_limit_);
}

void SqliteLogStore::enqueue(Record record, std::size_t limit) {
  const auto now = Steady::now();
  bool accepted = false;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    accepted = queue_.size() < limit;
    if (accepted) {
      queue_.push_back(Queued{std::move(record), ++appended_seq_, now});
      ++stats_.queued;
      // The writer's decision changes only when its timer must start or a batch is full.
      wake = queue_.size() == 1 || queue_.size() == batch_rows_;
    } else {
      ++stats_.dropped;
    }
  }
  if (wake) work_cv_.notify_one();
  if (!accepted) {
    core::log::write_limited(core::log::Level::warn, kLog, "store.queue_full",
                             "write queue for '" + path_ + "' is full; dropping records");
  }
}

void SqliteLogStore::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = appended_seq_;
  done_cv_.wait(lock, [&] { return done_seq_ >= target; });
}

StoreStats SqliteLogStore::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void SqliteLogStore::run_writer() {
  std::vector<Record> batch;  // keeps its capacity from batch to batch
  for (;;) {
    std::uint64_t last_seq = 0;
    {
      std::unique_lock lock(mutex_);
      if (!wait_for_batch(lock)) return;
      last_seq = take_batch(batch);
    }
    Outcome outcome = commit_guarded(batch);
    finish_batch(batch.size(), last_seq, outcome);
    batch.clear();
  }
}

// True when a batch is ready: batch_rows records, the oldest aged batch_ms, or stopping
// (then whatever is queued goes at once). False when stopping with nothing left.
bool SqliteLogStore::wait_for_batch(std::unique_lock<std::mutex>& lock) {
  const std::chrono::milliseconds batch_age{options_.batch_ms};
  for (;;) {
    if (queue_.empty()) {
      if (stopping_) return false;
      work_cv_.wait(lock);
      continue;
    }
    if (stopping_ || queue_.size() >= batch_rows_) return true;
    const auto deadline = queue_.front().enqueued_at + batch_age;
    if (Steady::now() >= deadline) return true;
    work_cv_.wait_until(lock, deadline);  // a bounded wait; the loop re-checks why it woke
  }
}

// Moves up to batch_rows records out of the queue; returns the seq of the last one.
std::uint64_t SqliteLogStore::take_batch(std::vector<Record>& batch) {
  const std::size_t rows = std::min(queue_.size(), batch_rows_);
  std::uint64_t last_seq = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    batch.push_back(std::move(queue_.front().record));
    last_seq = queue_.front().seq;
    queue_.pop_front();
  }
  return last_seq;
}

// The writer thread's boundary: nothing thrown in here may end the thread, or flush()
// would wait forever.
SqliteLogStore::Outcome SqliteLogStore::commit_guarded(const std::vector<Record>& batch) {
  try {
    return commit_with_retry(batch);
  } catch (const std::exception& e) {
    return Outcome{false, std::string("commit failed: ") + e.what()};
  }
}

SqliteLogStore::Outcome SqliteLogStore::commit_with_retry(const std::vector<Record>& batch) {
  std::chrono::milliseconds backoff{options_.retry_backoff_ms};
  for (int attempt = 1;; ++attempt) {
    SqlError e;
    if (writer_.commit(batch, &e)) return {};
    std::string message = "commit of " + std::to_string(batch.size()) + " records to '" + path_ +
                          "' failed (attempt " + std::to_string(attempt) + " of " +
                          std::to_string(options_.retry_attempts) + "): " + e.message;
    core::log::write_limited(core::log::Level::warn, kLog, "store.commit", message);
    if (!is_retryable(e.code) || attempt >= options_.retry_attempts) {
      return Outcome{false, std::move(message)};
    }
    std::unique_lock lock(mutex_);
    stats_.last_error = message;
    // A bounded wait rather than a sleep: shutting down cuts the back-off short (the
    // remaining attempts still run, each bounded by SQLite's busy timeout).
    work_cv_.wait_for(lock, backoff, [this] { return stopping_; });
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

void SqliteLogStore::finish_batch(std::size_t rows, std::uint64_t last_seq,
                                  const Outcome& outcome) {
  {
    std::lock_guard lock(mutex_);
    if (outcome.ok) {
      stats_.committed += rows;
      ++stats_.batches;
      stats_.last_error.clear();
    } else {
      stats_.dropped += rows;
      stats_.last_error = outcome.error;
    }
    done_seq_ = last_seq;
  }
  done_cv_.notify_all();
  if (!outcome.ok) {
    core::log::write_limited(core::log::Level::error, kLog, "store.drop",
                             "dropped " + std::to_string(rows) + " records: " + outcome.error);
  }
}

}  // namespace coldsort::store::detail

namespace coldsort::store {
namespace {

// The name and value of the first out-of-range option, or an empty string.
std::string first_bad_option(const StoreOptions& o) {
  const std::pair<const char*, std::int64_t> positive[] = {
      {"batch_rows", o.batch_rows},
      {"batch_ms", o.batch_ms},
      {"max_queued", o.max_queued},
      {"retry_attempts", o.retry_attempts},
      {"retry_backoff_ms", o.retry_backoff_ms},
  };
  for (auto [name, value] : positive) {
    if (value <= 0) return std::string(name) + " = " + std::to_string(value) + " (must be > 0)";
  }
  if (o.max_db_bytes < 0) {
    return "max_db_bytes = " + std::to_string(o.max_db_bytes) + " (must be >= 0)";
  }
  return {};
}

}  // namespace

core::Result<std::unique_ptr<LogStore>> open_sqlite_store(const std::string& path,
                                                          const StoreOptions& options) {
  if (std::string bad = first_bad_option(options); !bad.empty()) {
    core::log::error(detail::kLog, "store options for '" + path + "': " + bad);
    return core::make_error_code(core::errc::config_invalid);
  }
  auto db = detail::open_database(path, detail::OpenMode::writer);
  if (!db) return db.error();
  if (auto r = detail::migrate(*db, path); !r) return r.error();
  if (auto r = detail::cap_size(*db, path, options.max_db_bytes); !r) return r.error();
  detail::SqlError e;
  auto writer = detail::TableWriter::create(std::move(*db), &e);
  if (!writer) {
    core::log::error(detail::kLog, "cannot prepare inserts for '" + path + "': " + e.message);
    return writer.error();
  }
  return std::unique_ptr<LogStore>(
      std::make_unique<detail::SqliteLogStore>(std::move(*writer), path, options));
}

}  // namespace coldsort::store
