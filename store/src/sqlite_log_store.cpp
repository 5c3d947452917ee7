#include "sqlite_log_store.hpp"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <utility>

#include "coldsort/core/log.hpp"
#include "schema.hpp"

namespace coldsort::store::detail {
namespace {

constexpr std::string_view kLog = "store";
// Back-off stops growing here: a disk that is still full after a few seconds needs a
// person; the batch then waits in the pending buffer, retried at this period.
constexpr std::chrono::milliseconds kMaxBackoff{5000};
// How often the writer looks for sensor samples to fold (and then folds them in steps).
constexpr std::chrono::minutes kMaintenancePeriod{1};

}  // namespace

SqliteLogStore::SqliteLogStore(TableWriter writer, std::string path, const StoreOptions& options,
                               std::string marker, CommitFault fault)
    : writer_(std::move(writer)),
      path_(std::move(path)),
      options_(options),
      batch_rows_(static_cast<std::size_t>(options.batch_rows)),
      catch_up_rows_(static_cast<std::size_t>(std::max(options.batch_rows, options.catch_up_rows))),
      record_limit_(static_cast<std::size_t>(options.max_queued)),
      // Sensor samples come back every poll cycle; fruit and alarms do not. Refusing the
      // samples first keeps the last tenth of the queue for the records that matter.
      sample_limit_(std::max<std::size_t>(1, record_limit_ * 9 / 10)),
      marker_(std::move(marker)),
      fault_(std::move(fault)),
      pending_(static_cast<std::size_t>(options.max_pending)),
      // The first fold waits a while: a store opened for a short job (a test, the CLI)
      // leaves its samples as written.
      maintenance_at_(Steady::now() + kMaintenancePeriod),
      thread_([this] { run_writer(); }) {}

SqliteLogStore::~SqliteLogStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  thread_.join();
  // Everything is committed (or reported lost): the next open need not check in full.
  if (!marker_.empty()) {
    std::error_code ec;
    std::filesystem::remove(marker_, ec);
  }
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
      ClassCounts dropped{};
      ++dropped[static_cast<std::size_t>(class_of(record))];
      note_dropped_locked(dropped, "write queue for '" + path_ + "' is full; dropping records");
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
    Work work = Work::stop;
    {
      std::unique_lock lock(mutex_);
      work = wait_for_work(lock);
      if (work == Work::batch) last_seq = take_batch(batch);
    }
    if (work == Work::stop) break;
    if (work == Work::batch) {
      handle_batch(batch);
      note_done(last_seq);
    } else if (work == Work::retry) {
      retry_pending();
    } else {
      run_maintenance();
    }
    batch.clear();
  }
  drain_at_stop();
}

// What the writer does next: a batch once batch_rows records wait or the oldest aged
// batch_ms (or at once when stopping); a retry of the pending records when due; a step of
// maintenance when nothing else is due; stop when stopping with the queue empty.
SqliteLogStore::Work SqliteLogStore::wait_for_work(std::unique_lock<std::mutex>& lock) {
  const std::chrono::milliseconds batch_age{options_.batch_ms};
  const bool folds = options_.sensor_raw_max_age.count() > 0;
  for (;;) {
    const auto now = Steady::now();
    auto wake_at = Steady::time_point::max();
    if (!queue_.empty()) {
      if (stopping_ || queue_.size() >= batch_rows_) return Work::batch;
      const auto deadline = queue_.front().enqueued_at + batch_age;
      if (now >= deadline) return Work::batch;
      wake_at = deadline;
    } else if (stopping_) {
      return Work::stop;
    }
    if (!pending_.empty()) {
      if (now >= retry_at_) return Work::retry;
      wake_at = std::min(wake_at, retry_at_);
    } else if (folds) {
      if (now >= maintenance_at_) return Work::maintenance;
      wake_at = std::min(wake_at, maintenance_at_);
    }
    if (wake_at == Steady::time_point::max()) {
      work_cv_.wait(lock);
    } else {
      work_cv_.wait_until(lock, wake_at);  // a bounded wait; the loop re-checks why it woke
    }
  }
}

// Moves up to batch_rows records out of the queue, or up to catch_up_rows when more wait;
// returns the seq of the last one.
std::uint64_t SqliteLogStore::take_batch(std::vector<Record>& batch) {
  const std::size_t rows = std::min(queue_.size(), catch_up_rows_);
  std::uint64_t last_seq = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    batch.push_back(std::move(queue_.front().record));
    last_seq = queue_.front().seq;
    queue_.pop_front();
  }
  return last_seq;
}

// While records are pending, new ones queue behind them, so that the log keeps its order.
void SqliteLogStore::handle_batch(std::vector<Record>& batch) {
  if (!pending_.empty()) {
    keep_pending(batch, Outcome{});
    return;
  }
  Outcome outcome = commit_guarded(batch, options_.retry_attempts);
  if (outcome.ok) {
    note_committed(batch.size());
  } else if (outcome.retryable) {
    keep_pending(batch, outcome);
  } else {
    // A batch SQLite refuses for what it holds (not for the disk) would fail forever.
    ClassCounts dropped{};
    for (const Record& r : batch) ++dropped[static_cast<std::size_t>(class_of(r))];
    note_dropped(dropped, outcome.error);
  }
}

// One attempt on the oldest batch_rows pending records; after a success the next batch
// follows at once, after a failure the delay doubles up to kMaxBackoff.
void SqliteLogStore::retry_pending() {
  std::vector<Record> batch;
  pending_.take(batch_rows_, batch);
  Outcome outcome = commit_guarded(batch, 1);
  if (outcome.ok) {
    note_committed(batch.size());
    retry_delay_ = std::chrono::milliseconds{options_.retry_backoff_ms};
    retry_at_ = Steady::now();
    return;
  }
  pending_.give_back(batch);
  retry_delay_ = std::min(retry_delay_ * 2, std::chrono::milliseconds{kMaxBackoff});
  retry_at_ = Steady::now() + retry_delay_;
  std::lock_guard lock(mutex_);
  stats_.last_error = outcome.error;
}

void SqliteLogStore::keep_pending(std::vector<Record>& batch, const Outcome& outcome) {
  ClassCounts dropped{};
  const bool was_empty = pending_.empty();
  for (Record& r : batch) {
    const ClassCounts d = pending_.add(std::move(r));
    for (std::size_t k = 0; k < kRecordClasses; ++k) dropped[k] += d[k];
  }
  if (was_empty) {
    retry_delay_ = std::chrono::milliseconds{options_.retry_backoff_ms};
    retry_at_ = Steady::now() + retry_delay_;
    core::log::error(kLog, outcome.reason + "; keeping up to " +
                               std::to_string(options_.max_pending) + " records in memory");
  }
  std::lock_guard lock(mutex_);
  stats_.pending = pending_.size();
  if (was_empty) {
    stats_.last_error = outcome.error;
    stats_.degraded = true;
    stats_.degraded_reason = outcome.reason;
  }
  if (dropped != ClassCounts{}) {
    note_dropped_locked(dropped, stats_.degraded_reason);
  }
}

// Between batches: one bounded step of folding old sensor samples.
void SqliteLogStore::run_maintenance() {
  const auto now = Steady::now();
  const std::int64_t cutoff_ms =
      core::to_unix_ms(core::SystemClock{}.wall_now()) - options_.sensor_raw_max_age.count();
  SqlError e;
  auto step = downsampler_.step(writer_.connection(), cutoff_ms, &e);
  if (!step) {
    core::log::write_limited(core::log::Level::warn, kLog, "store.downsample",
                             "folding old sensor samples in '" + path_ + "' failed: " + e.message);
    maintenance_at_ = now + kMaintenancePeriod;
    return;
  }
  maintenance_at_ = step->more ? now : now + kMaintenancePeriod;
}

// Stopping: the pending records get one more chance, batch by batch; what the disk still
// refuses is lost, and said so.
void SqliteLogStore::drain_at_stop() {
  while (!pending_.empty()) {
    std::vector<Record> batch;
    pending_.take(batch_rows_, batch);
    Outcome outcome = commit_guarded(batch, 1);
    if (!outcome.ok) {
      pending_.give_back(batch);
      note_dropped(pending_.clear(), "closing '" + path_ + "' with records the disk refused: " +
                                          outcome.error);
      return;
    }
    note_committed(batch.size());
  }
}

// The writer thread's boundary: nothing thrown in here may end the thread, or flush()
// would wait forever.
SqliteLogStore::Outcome SqliteLogStore::commit_guarded(const std::vector<Record>& batch,
                                                       int attempts) {
  try {
    return commit_with_retry(batch, attempts);
  } catch (const std::exception& e) {
    return Outcome{false, false, std::string("commit failed: ") + e.what(),
                   "cannot write to '" + path_ + "': " + e.what()};
  }
}

SqliteLogStore::Outcome SqliteLogStore::commit_with_retry(const std::vector<Record>& batch,
                                                          int attempts) {
  std::chrono::milliseconds backoff{options_.retry_backoff_ms};
  for (int attempt = 1;; ++attempt) {
    SqlError e;
    const bool faulted = fault_ && fault_(&e);
    if (!faulted && writer_.commit(batch, &e)) return {};
    std::string message = "commit of " + std::to_string(batch.size()) + " records to '" + path_ +
                          "' failed (attempt " + std::to_string(attempt) + " of " +
                          std::to_string(attempts) + "): " + e.message;
    core::log::write_limited(core::log::Level::warn, kLog, "store.commit", message);
    const bool retryable = is_retryable(e.code);
    if (!retryable || attempt >= attempts) {
      return Outcome{false, retryable, std::move(message),
                     "cannot write to '" + path_ + "': " + e.message};
    }
    std::unique_lock lock(mutex_);
    stats_.last_error = message;
    // A bounded wait rather than a sleep: shutting down cuts the back-off short (the
    // remaining attempts still run, each bounded by SQLite's busy timeout).
    work_cv_.wait_for(lock, backoff, [this] { return stopping_; });
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

void SqliteLogStore::note_committed(std::size_t rows) {
  std::lock_guard lock(mutex_);
  stats_.committed += rows;
  ++stats_.batches;
  stats_.last_error.clear();
  stats_.pending = pending_.size();
  if (pending_.empty() && stats_.degraded) {
    stats_.degraded = false;
    stats_.degraded_reason.clear();
    core::log::info(kLog, "'" + path_ + "' takes writes again; nothing is pending");
  }
}

void SqliteLogStore::note_dropped(const ClassCounts& dropped, const std::string& why) {
  std::uint64_t rows = 0;
  for (std::uint64_t n : dropped) rows += n;
  {
    std::lock_guard lock(mutex_);
    stats_.pending = pending_.size();
    note_dropped_locked(dropped, why);
  }
  core::log::write_limited(core::log::Level::error, kLog, "store.drop",
                           "dropped " + std::to_string(rows) + " records: " + why);
}

void SqliteLogStore::note_dropped_locked(const ClassCounts& dropped, const std::string& why) {
  const auto& [samples, fruit, records] = dropped;
  stats_.dropped_samples += samples;
  stats_.dropped_fruit += fruit;
  stats_.dropped_records += records;
  stats_.dropped += samples + fruit + records;
  if (!stats_.degraded) {
    stats_.degraded = true;
    stats_.degraded_reason = why;
  }
}

void SqliteLogStore::note_done(std::uint64_t last_seq) {
  {
    std::lock_guard lock(mutex_);
    done_seq_ = last_seq;
  }
  done_cv_.notify_all();
}

}  // namespace coldsort::store::detail

namespace coldsort::store {
namespace {

// The name and value of the first out-of-range option, or an empty string.
std::string first_bad_option(const StoreOptions& o) {
  const std::pair<const char*, std::int64_t> positive[] = {
      {"batch_rows", o.batch_rows},
      {"batch_ms", o.batch_ms},
      {"catch_up_rows", o.catch_up_rows},
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
  if (o.max_pending <= 0) {
    return "max_pending = " + std::to_string(o.max_pending) + " (must be > 0)";
  }
  if (o.sensor_raw_max_age.count() < 0) {
    return "sensor_raw_max_age = " + std::to_string(o.sensor_raw_max_age.count()) +
           " ms (must be >= 0)";
  }
  return {};
}

// Present while a writer has the database open: found at open, the last writer did not
// close cleanly (kill -9, power cut, crash) and the integrity check runs in full.
std::string open_marker(const std::string& path) { return path + "-running"; }

}  // namespace

namespace detail {

core::Result<std::unique_ptr<LogStore>> open_sqlite_store_with_fault(const std::string& path,
                                                                     const StoreOptions& options,
                                                                     CommitFault fault) {
  if (std::string bad = first_bad_option(options); !bad.empty()) {
    core::log::error(kLog, "store options for '" + path + "': " + bad);
    return core::make_error_code(core::errc::config_invalid);
  }
  const std::string marker = open_marker(path);
  std::error_code ec;
  const bool unclean = std::filesystem::exists(marker, ec);
  if (unclean) {
    core::log::warn(kLog, "'" + path + "' was not closed cleanly; checking it in full");
  }
  auto db = open_database(path, OpenMode::writer,
                          unclean ? IntegrityCheck::quick : IntegrityCheck::bounded);
  if (!db) return db.error();
  if (auto r = migrate(*db, path); !r) return r.error();
  if (auto r = cap_size(*db, path, options.max_db_bytes); !r) return r.error();
  SqlError e;
  auto writer = TableWriter::create(std::move(*db), &e);
  if (!writer) {
    core::log::error(kLog, "cannot prepare inserts for '" + path + "': " + e.message);
    return writer.error();
  }
  if (!std::ofstream(marker).good()) {
    core::log::warn(kLog, "cannot create " + marker + "; the next start checks in full only "
                          "if this one does not close cleanly and it can be created then");
  }
  return std::unique_ptr<LogStore>(std::make_unique<SqliteLogStore>(
      std::move(*writer), path, options, marker, std::move(fault)));
}

}  // namespace detail

core::Result<std::unique_ptr<LogStore>> open_sqlite_store(const std::string& path,
                                                          const StoreOptions& options) {
  return detail::open_sqlite_store_with_fault(path, options, {});
}

}  // namespace coldsort::store
