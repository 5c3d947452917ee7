#pragma once
// Opening a store database and bringing its schema up to date.
#include <cstdint>
#include <string>
#include <vector>

#include "coldsort/core/error.hpp"
#include "sqlite_handle.hpp"

namespace coldsort::store::detail {

enum class OpenMode {
  writer,     // read-write, created if missing, WAL, integrity-checked
  read_only,  // for reports and the CLI; never creates or changes the file
};

// How a writer checks the file at open (a read-only open never does).
enum class IntegrityCheck {
  // PRAGMA quick_check to the end: after an unclean shutdown. O(file): measured on this
  // project's machine at ~1 s for 545 MB with a warm cache and ~9 s cold, so ~4-35 s for a
  // 2 GB season.
  quick,
  // quick_check stopped after kBoundedCheckMs when the last shutdown was clean: a small
  // database is still checked in full, a season-sized one starts at once (`coldsort db
  // check` runs the full integrity_check when wanted).
  bounded,
};
constexpr int kBoundedCheckMs = 500;

// Opens `path` and configures the connection for `mode`. Every failure is logged with the
// path and SQLite's message. Errors: store_io (cannot create/open, not a database, damaged).
core::Result<Connection> open_database(const std::string& path, OpenMode mode,
                                       IntegrityCheck check = IntegrityCheck::quick);

// PRAGMA integrity_check in full: the problems SQLite lists (empty when the file is ok).
// Errors: store_io / store_busy when the check itself cannot run.
core::Result<std::vector<std::string>> integrity_problems(Connection& db, const std::string& path);

// Applies the missing migrations, one transaction each. Errors: config_invalid (the file
// has a newer schema than this build knows), store_io (a migration failed; rolled back).
core::Result<void> migrate(Connection& db, const std::string& path);

// Caps the file at about `max_bytes` (0 = no cap): past it, commits fail with SQLITE_FULL
// as on a full disk, which the writer handles like one.
core::Result<void> cap_size(Connection& db, const std::string& path, std::int64_t max_bytes);

}  // namespace coldsort::store::detail
