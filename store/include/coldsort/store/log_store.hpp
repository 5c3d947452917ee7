#pragma once
// The throughput log: every fruit, parcel, order change, lot, alarm change, sensor sample
// and operator action the controller records.
// Writers never wait on the disk: append_* queue the record and return; one writer thread
// commits batched transactions bounded by rows and by time.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "coldsort/core/alarm.hpp"
#include "coldsort/core/clock.hpp"
#include "coldsort/core/cold_room.hpp"
#include "coldsort/core/error.hpp"
#include "coldsort/core/fruit.hpp"
#include "coldsort/core/pack_records.hpp"
#include "coldsort/core/people.hpp"
#include "coldsort/core/plan_record.hpp"

namespace coldsort::store {

// Every field must be positive (max_db_bytes and sensor_raw_max_age: zero or positive);
// open_sqlite_store refuses anything else with config_invalid. Sensor samples are refused
// from 90 % of max_queued on, so that a flood of them cannot crowd out fruit and alarms.
//
// Durability bound (synchronous=FULL in WAL mode, see schema.cpp): a commit is on the disk
// when it returns, so a kill -9 or a power cut loses only what was not yet committed: the
// records of the last batch_ms (at most batch_rows per batch still being written, plus
// whatever waits in the queue) and anything kept pending while the disk refused writes.
struct StoreOptions {
  int batch_rows = 500;  // commit when this many records are queued...
  int batch_ms = 250;    // ...or when the oldest queued record is this old
  // When more than batch_rows wait (a burst, or the backlog after a stalled disk), one
  // transaction takes up to this many: each commit syncs the disk once (synchronous=FULL),
  // so a backlog is caught up at bulk speed instead of at batch_rows per sync. Values
  // below batch_rows count as batch_rows.
  int catch_up_rows = 10000;
  int max_queued = 200000;  // beyond this, records are dropped (and counted), never blocking
  int retry_attempts = 5;     // tries per batch on busy/full/read-only/I/O errors...
  int retry_backoff_ms = 50;  // wait before the first retry; doubles after each one
  std::int64_t max_db_bytes = 0;  // 0: no cap; else commits beyond it fail as on a full disk
  // ...then the batch is kept in a pending buffer of at most this many records (about
  // 300 bytes each), retried every few seconds and committed in order when the disk takes
  // writes again. Over the bound, sensor samples are dropped first (oldest first), then
  // fruit, and parcels, orders, lots, audit, alarm changes, excursions and plans last.
  int max_pending = 500000;
  // Raw sensor samples older than this are folded into one row per device, point and
  // minute by the writer thread between batches (sensor_downsample.hpp); 0 keeps them raw.
  std::chrono::milliseconds sensor_raw_max_age = std::chrono::hours(24 * 7);
};

struct StoreStats {
  std::uint64_t queued = 0;     // records accepted by append_*
  std::uint64_t committed = 0;  // records durably committed
  std::uint64_t dropped = 0;    // records lost (the sum of the three below)
  std::uint64_t dropped_samples = 0;  // sensor samples lost to a full queue or buffer
  std::uint64_t dropped_fruit = 0;    // fruit lost likewise
  std::uint64_t dropped_records = 0;  // everything else (parcels, orders, alarms, audit, ...)
  std::uint64_t pending = 0;    // records kept in memory because the disk refused them
  std::uint64_t batches = 0;    // transactions committed
  std::string last_error;       // empty when the last commit succeeded
  // True while records are pending or being dropped; `degraded_reason` names the file and
  // SQLite's error ("database or disk is full"). Both clear once the backlog is committed.
  bool degraded = false;
  std::string degraded_reason;
};

// Thread safety: append_*, flush and stats may be called from any thread.
class LogStore {
 public:
  virtual ~LogStore() = default;
  virtual void append_fruit(const core::Fruit& fruit) = 0;
  virtual void append_alarm_event(const core::Alarm& alarm) = 0;
  virtual void append_sensor_sample(std::string_view device, std::string_view point,
                                    double value, core::WallTime at) = 0;
  // One AlarmBoard state change (AlarmBoard::take_events), with from/to, who and why.
  virtual void append_alarm_transition(const core::AlarmEvent& event) = 0;
  // A closed cold-room excursion from the cold-chain monitor (kept for the HACCP record).
  virtual void append_excursion(const core::ColdExcursion& excursion) = 0;
  // A packing plan as it was published (kept for the HMI and for re-plan history).
  virtual void append_plan(const core::PlanRecord& plan) = 0;
  // A packed parcel (piece-rate pay, giveaway and utilisation are counted from these).
  virtual void append_box(const core::BoxRecord& box) = 0;
  // An order's current state; the latest per order_id wins, every update is history.
  virtual void append_order(const core::OrderUpdate& order) = 0;
  // A grower lot at intake; appending the same id again updates it.
  virtual void append_lot(const core::Lot& lot) = 0;
  // The audit trail: every control action and setting change, allowed or refused.
  virtual void append_operator_action(const core::OperatorAction& action) = 0;
  // The band a room is judged against from `at` on (written at start and on change).
  virtual void append_cold_room(const core::ColdRoom& room, core::WallTime at) = 0;
  // Blocks until every record appended before the call is committed, dropped or (the disk
  // refusing writes) kept pending. It does not hurry the writer: expect up to batch_ms plus
  // the commit (and any retries).
  virtual void flush() = 0;
  virtual StoreStats stats() const = 0;
};

// Opens (creating if needed) the SQLite database at `path`, runs migrations, checks
// integrity (PRAGMA quick_check in full after an unclean shutdown, else within a time
// bound: see schema.hpp) and starts the writer thread. Errors: store_io (cannot
// create/open/migrate, or damaged; the message is in the log), config_invalid (a newer
// schema than this build knows).
core::Result<std::unique_ptr<LogStore>> open_sqlite_store(const std::string& path,
                                                          const StoreOptions& options);

// The schema version this build writes (PRAGMA user_version).
int current_schema_version();

}  // namespace coldsort::store
