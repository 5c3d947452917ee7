#include "schema.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <string>

#include "coldsort/core/log.hpp"
#include "coldsort/store/log_store.hpp"

namespace coldsort::store::detail {
namespace {

constexpr std::string_view kLog = "store";

// How long a statement waits for another connection's lock before SQLITE_BUSY. WAL readers
// never block the writer, so only a second writer (the CLI, a migration) or a checkpoint
// can hold it; two seconds covers those and stays far below the PLC's watchdog period.
constexpr int kBusyTimeoutMs = 2000;

struct Migration {
  int version;      // the user_version the database has after this step
  const char* sql;  // applied in one transaction with the version stamp
};

// Append only: a released step is never edited, a change is a new step. Empty text
// (a fruit without lot, size or product) is stored as NULL so that COUNT(column) and
// GROUP BY in the reports skip it; measurements are nullable because SQLite stores NaN
// as NULL.
constexpr std::array kMigrations{
    Migration{1, R"sql(
CREATE TABLE fruit (
  id INTEGER PRIMARY KEY,
  t_ms INTEGER NOT NULL,
  lane INTEGER NOT NULL,
  cup INTEGER NOT NULL,
  lot_id TEXT,
  diameter_mm REAL,
  minor_diameter_mm REAL,
  area_mm2 REAL,
  weight_g REAL,
  hue_deg REAL,
  defect_share REAL,
  confidence REAL,
  grade TEXT NOT NULL,
  size_code TEXT,
  product_id TEXT,
  outlet INTEGER NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX fruit_t_ms ON fruit (t_ms);
CREATE TABLE alarm_event (
  id INTEGER PRIMARY KEY,
  t_ms INTEGER NOT NULL,
  alarm_key TEXT NOT NULL,
  source TEXT NOT NULL,
  message TEXT NOT NULL,
  priority TEXT NOT NULL,
  state TEXT NOT NULL
);
CREATE INDEX alarm_event_t_ms ON alarm_event (t_ms);
CREATE TABLE sensor_sample (
  id INTEGER PRIMARY KEY,
  t_ms INTEGER NOT NULL,
  device TEXT NOT NULL,
  point TEXT NOT NULL,
  value REAL
);
CREATE INDEX sensor_sample_device_point_t_ms ON sensor_sample (device, point, t_ms);
)sql"},
    // The vision issue: weight and volume side by side (fruit light for its size hints at
    // internal rot), defects in mm2 as well as share of the surface (markets grade on
    // either), defect kinds, colour, how many views, and why a fruit was doubted.
    Migration{2, R"sql(
ALTER TABLE fruit ADD COLUMN volume_cm3 REAL;
ALTER TABLE fruit ADD COLUMN defect_mm2 REAL;
ALTER TABLE fruit ADD COLUMN largest_defect_mm2 REAL;
ALTER TABLE fruit ADD COLUMN defect_kinds TEXT;
ALTER TABLE fruit ADD COLUMN colour_share REAL;
ALTER TABLE fruit ADD COLUMN colour_class TEXT;
ALTER TABLE fruit ADD COLUMN views INTEGER;
ALTER TABLE fruit ADD COLUMN doubt TEXT;
)sql"},
    // Cold-chain issue: ISA-18.2 alarm journal (from which state, by whom, why; `active`
    // tells a raise from a clear beneath a shelf), and cold-room excursions for the HACCP
    // record (EN 12830 / GB 31605-2020 reports: start, end, peak, duration per room).
    // Excursions are queried by the time span they overlap; peak and limit are NULL when
    // they have no value (a stale probe's fault).
    Migration{3, R"sql(
ALTER TABLE alarm_event ADD COLUMN from_state TEXT;
ALTER TABLE alarm_event ADD COLUMN active INTEGER;
ALTER TABLE alarm_event ADD COLUMN actor TEXT;
ALTER TABLE alarm_event ADD COLUMN reason TEXT;
CREATE TABLE cold_excursion (
  id INTEGER PRIMARY KEY,
  room TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  peak REAL,
  limit_value REAL,
  alarmed INTEGER NOT NULL,
  defrost INTEGER NOT NULL,
  probe TEXT,
  detail TEXT
);
CREATE INDEX cold_excursion_start_ms ON cold_excursion (start_ms);
CREATE INDEX cold_excursion_room_start_ms ON cold_excursion (room, start_ms);
)sql"},
    // Scheduler issue: every published packing plan, so the HMI shows the current one and a
    // manager can see how re-plans moved the day.
    Migration{4, R"sql(
CREATE TABLE plan (
  id INTEGER PRIMARY KEY,
  t_ms INTEGER NOT NULL,
  method TEXT NOT NULL,
  instance TEXT,
  made_at_min INTEGER NOT NULL,
  parcels_demanded INTEGER NOT NULL,
  parcels_on_time INTEGER NOT NULL,
  parcels_late INTEGER NOT NULL,
  parcels_unplanned INTEGER NOT NULL,
  changes INTEGER NOT NULL,
  plan_json TEXT NOT NULL
);
CREATE INDEX plan_t_ms ON plan (t_ms);
)sql"},
    // Store issue: the packing floor (parcels with their check-weigh, orders and their
    // status history, grower lots, the audit trail, the band each room is judged against)
    // and the rollups reports read instead of raw rows. Rollups are kept by the writer in
    // the same transaction as the rows they count, so they never disagree with them; their
    // keys use '' (not NULL) for a missing lot, size or product because a primary key of a
    // WITHOUT ROWID table cannot hold NULL. Times are Unix ms; a bucket is the ms at its
    // start (UTC; a UTC+8 day starts on a whole hour, so hours roll up into local days).
    // Raw sensor samples older than the configured age are folded into one row per
    // minute (value = mean, n readings, min and max); a raw row has n, min, max NULL.
    Migration{5, R"sql(
CREATE TABLE lot (
  lot_id TEXT PRIMARY KEY,
  grower TEXT NOT NULL,
  variety TEXT,
  intake_kg REAL,
  intake_ms INTEGER,
  cold_room TEXT
);
CREATE TABLE customer_order (
  order_id TEXT PRIMARY KEY,
  product_id TEXT,
  box_type TEXT,
  boxes INTEGER NOT NULL,
  courier TEXT,
  cutoff_ms INTEGER NOT NULL,
  arrived_ms INTEGER,
  priority INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_ms INTEGER NOT NULL,
  packed_ms INTEGER,
  shipped_ms INTEGER
);
CREATE INDEX customer_order_cutoff_ms ON customer_order (cutoff_ms);
CREATE TABLE order_event (
  id INTEGER PRIMARY KEY,
  t_ms INTEGER NOT NULL,
  order_id TEXT NOT NULL,
  status TEXT NOT NULL,
  actor TEXT
);
CREATE INDEX order_event_order_id ON order_event (order_id, t_ms);
CREATE TABLE box (
  id INTEGER PRIMARY KEY,
  box_id TEXT NOT NULL UNIQUE,
  order_id TEXT,
  station TEXT NOT NULL,
  worker TEXT NOT NULL,
  product_id TEXT,
  box_type TEXT NOT NULL,
  lot_id TEXT,
  fruit_count INTEGER NOT NULL,
  weight_g REAL NOT NULL,
  nominal_g REAL NOT NULL,
  pack_s REAL NOT NULL,
  packed_ms INTEGER NOT NULL,
  into_cold_ms INTEGER
);
CREATE INDEX box_packed_ms ON box (packed_ms);
CREATE INDEX box_worker_packed_ms ON box (worker, packed_ms);
CREATE TABLE operator_action (
  id INTEGER PRIMARY KEY,
  t_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  role TEXT,
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT,
  allowed INTEGER NOT NULL,
  outcome TEXT
);
CREATE INDEX operator_action_t_ms ON operator_action (t_ms);
CREATE TABLE cold_room_band (
  id INTEGER PRIMARY KEY,
  t_ms INTEGER NOT NULL,
  room TEXT NOT NULL,
  name TEXT,
  device TEXT NOT NULL,
  point TEXT NOT NULL,
  min_c REAL NOT NULL,
  max_c REAL NOT NULL
);
CREATE INDEX cold_room_band_room_t_ms ON cold_room_band (room, t_ms);
ALTER TABLE sensor_sample ADD COLUMN n INTEGER;
ALTER TABLE sensor_sample ADD COLUMN min_value REAL;
ALTER TABLE sensor_sample ADD COLUMN max_value REAL;
CREATE TABLE fruit_minute (
  minute_ms INTEGER NOT NULL,
  lane INTEGER NOT NULL,
  grade TEXT NOT NULL,
  n INTEGER NOT NULL,
  weight_g REAL NOT NULL,
  PRIMARY KEY (minute_ms, lane, grade)
) WITHOUT ROWID;
CREATE TABLE fruit_hour (
  hour_ms INTEGER NOT NULL,
  lane INTEGER NOT NULL,
  lot_id TEXT NOT NULL,
  grade TEXT NOT NULL,
  size_code TEXT NOT NULL,
  outlet INTEGER NOT NULL,
  n INTEGER NOT NULL,
  weight_g REAL NOT NULL,
  PRIMARY KEY (hour_ms, lane, lot_id, grade, size_code, outlet)
) WITHOUT ROWID;
CREATE INDEX fruit_hour_lot_id ON fruit_hour (lot_id);
CREATE TABLE box_hour (
  hour_ms INTEGER NOT NULL,
  worker TEXT NOT NULL,
  station TEXT NOT NULL,
  box_type TEXT NOT NULL,
  product_id TEXT NOT NULL,
  boxes INTEGER NOT NULL,
  fruit INTEGER NOT NULL,
  weight_g REAL NOT NULL,
  nominal_g REAL NOT NULL,
  pack_s REAL NOT NULL,
  PRIMARY KEY (hour_ms, worker, station, box_type, product_id)
) WITHOUT ROWID;
CREATE INDEX box_hour_worker ON box_hour (worker, hour_ms);
CREATE TABLE sensor_hour (
  device TEXT NOT NULL,
  point TEXT NOT NULL,
  hour_ms INTEGER NOT NULL,
  n INTEGER NOT NULL,
  sum_value REAL NOT NULL,
  min_value REAL NOT NULL,
  max_value REAL NOT NULL,
  PRIMARY KEY (device, point, hour_ms)
) WITHOUT ROWID;
)sql"},
};

core::Result<void> fail(const std::string& path, std::string_view what, const SqlError& e,
                        core::errc code = core::errc::store_io) {
  core::log::error(kLog, "cannot " + std::string(what) + " '" + path + "': " + e.message +
                             " (SQLite code " + std::to_string(e.code) + ")");
  return core::make_error_code(code);
}

// Stops a statement once its deadline has passed (sqlite3_progress_handler: a non-zero
// answer interrupts it with SQLITE_INTERRUPT).
int past_deadline(void* deadline) {
  return std::chrono::steady_clock::now() >= *static_cast<std::chrono::steady_clock::time_point*>(deadline)
             ? 1
             : 0;
}

// PRAGMA quick_check answers one row "ok", or up to 100 rows describing damage. Bounded:
// interrupted at the deadline, which counts as passed (the log says how far it got).
core::Result<void> check_integrity(Connection& db, const std::string& path, IntegrityCheck check) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBoundedCheckMs);
  // Every 10,000 virtual-machine steps: a few microseconds apart, far below the bound.
  if (check == IntegrityCheck::bounded) sqlite3_progress_handler(db.get(), 10000, past_deadline, &deadline);
  SqlError e;
  auto stmt = Statement::prepare(db, "PRAGMA quick_check", &e);
  const int rc = stmt ? stmt->step() : SQLITE_ERROR;
  const std::string first = rc == SQLITE_ROW ? stmt->column_text(0) : std::string();
  if (stmt) stmt->reset();
  sqlite3_progress_handler(db.get(), 0, nullptr, nullptr);
  if (!stmt) return fail(path, "check", e);
  if ((rc & 0xff) == SQLITE_INTERRUPT) {
    core::log::info(kLog, "'" + path + "' closed cleanly last time; quick_check stopped after " +
                              std::to_string(kBoundedCheckMs) + " ms (coldsort db check runs the full check)");
    return {};
  }
  if (rc != SQLITE_ROW) return fail(path, "check", db.error(rc));
  if (first == "ok") return {};
  return fail(path, "use damaged database", SqlError{SQLITE_CORRUPT, "quick_check: " + first});
}

core::Result<void> configure_writer(Connection& db, const std::string& path) {
  SqlError e;
  // WAL: readers (reports, HMI) never block the writer and the writer never blocks them.
  auto mode = Statement::prepare(db, "PRAGMA journal_mode=WAL", &e);
  if (!mode) return fail(path, "open", e);
  int rc = mode->step();
  if (rc != SQLITE_ROW) return fail(path, "open", db.error(rc));
  if (mode->column_text(0) != "wal") {
    core::log::warn(kLog, "'" + path + "' stays in journal mode " + mode->column_text(0) +
                              " (the file system does not support WAL)");
  }
  // synchronous=FULL in WAL mode syncs the log at every commit (sqlite.org/pragma.html
  // #pragma_synchronous), so a power cut loses only the batch not yet committed: the
  // records of the last batch_ms, at most batch_rows a batch (plus anything held pending
  // while the disk refused writes). NORMAL would sync only at checkpoints and could lose
  // every commit since the last one (up to the 1000-page auto-checkpoint, ~4 MB, ~40,000
  // fruit). Measured on this project's machine (WAL, 500-row batches): FULL ~270 commits/s
  // (~130,000 rows/s), NORMAL ~2,200 commits/s; single-row commits ~2,000/s vs ~32,000/s.
  // A line of 8 lanes x 8 cups/s commits 4 batches a second (batch_ms 250): FULL costs
  // ~1 % of the writer thread; a backlog is caught up with larger batches (batch_rows). A
  // kill -9 of the process loses nothing committed in either mode.
  if (!db.exec("PRAGMA synchronous=FULL", &e)) return fail(path, "configure", e);
  return {};
}

core::Result<void> apply(Connection& db, const std::string& path, const Migration& step) {
  SqlError e;
  // IMMEDIATE takes the write lock at once, so two processes opening the same new file
  // cannot both apply a step: the second re-reads the version inside its own transaction.
  if (!db.exec("BEGIN IMMEDIATE", &e)) return fail(path, "migrate", e);
  auto version = db.query_int("PRAGMA user_version", &e);
  bool ok = version.has_value();
  if (ok && *version < step.version) {
    std::string stamp = "PRAGMA user_version = " + std::to_string(step.version);
    ok = db.exec(step.sql, &e) && db.exec(stamp.c_str(), &e);
  }
  if (ok && db.exec("COMMIT", &e)) return {};
  db.exec("ROLLBACK");  // fails harmlessly when SQLite already rolled back
  return fail(path, "migrate to schema version " + std::to_string(step.version) + " in", e);
}

}  // namespace

core::Result<Connection> open_database(const std::string& path, OpenMode mode,
                                       IntegrityCheck check) {
  // NOMUTEX: each connection is used by one thread at a time (the writer thread, or the
  // reader's owner), so SQLite's per-connection mutex would only cost time.
  int flags =
      SQLITE_OPEN_NOMUTEX | (mode == OpenMode::writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                                      : SQLITE_OPEN_READONLY);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection db(raw);  // owns the handle even when the open failed
  if (rc != SQLITE_OK) return fail(path, "open", db.error(rc)).error();
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  if (mode == OpenMode::writer) {
    if (auto r = configure_writer(db, path); !r) return r.error();
    if (auto r = check_integrity(db, path, check); !r) return r.error();
  }
  return db;
}

core::Result<void> migrate(Connection& db, const std::string& path) {
  SqlError e;
  auto version = db.query_int("PRAGMA user_version", &e);
  if (!version) return fail(path, "read the schema version of", e);
  const int current = current_schema_version();
  if (*version > current) {
    core::log::error(kLog, "'" + path + "' has schema version " + std::to_string(*version) +
                               " but this build knows versions up to " + std::to_string(current) +
                               "; refusing to write to it");
    return core::make_error_code(core::errc::config_invalid);
  }
  if (*version == current) return {};
  core::log::info(kLog, "migrating '" + path + "' from schema version " + std::to_string(*version) +
                            " to " + std::to_string(current));
  for (const Migration& step : kMigrations) {
    if (step.version <= *version) continue;
    if (auto r = apply(db, path, step); !r) return r;
  }
  return {};
}

core::Result<std::vector<std::string>> integrity_problems(Connection& db, const std::string& path) {
  SqlError e;
  auto stmt = Statement::prepare(db, "PRAGMA integrity_check", &e);
  if (!stmt) {
    fail(path, "check", e);
    return core::make_error_code(to_errc(e.code));
  }
  std::vector<std::string> problems;
  int rc = SQLITE_ROW;
  while ((rc = stmt->step()) == SQLITE_ROW) problems.push_back(stmt->column_text(0));
  if (rc != SQLITE_DONE) {
    fail(path, "check", db.error(rc));
    return core::make_error_code(to_errc(rc));
  }
  if (problems.size() == 1 && problems[0] == "ok") problems.clear();
  return problems;
}

core::Result<void> cap_size(Connection& db, const std::string& path, std::int64_t max_bytes) {
  if (max_bytes <= 0) return {};
  SqlError e;
  auto page_bytes = db.query_int("PRAGMA page_size", &e);
  if (!page_bytes) return fail(path, "configure", e);
  std::int64_t pages = std::max<std::int64_t>(1, max_bytes / *page_bytes);
  std::string sql = "PRAGMA max_page_count = " + std::to_string(pages);
  if (!db.query_int(sql.c_str(), &e)) return fail(path, "configure", e);
  return {};
}

}  // namespace coldsort::store::detail

namespace coldsort::store {

int current_schema_version() { return detail::kMigrations.back().version; }

}  // namespace coldsort::store
