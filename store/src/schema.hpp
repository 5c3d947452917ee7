#pragma once
// Opening a store database and bringing its schema up to date.
#include <cstdint>
#include <string>

#include "coldsort/core/error.hpp"
#include "sqlite_handle.hpp"

namespace coldsort::store::detail {

enum class OpenMode {
  writer,     // read-write, created if missing, WAL, integrity-checked
  read_only,  // for reports and the CLI; never creates or changes the file
};

// Opens `path` and configures the connection for `mode`. Every failure is logged with the
// path and SQLite's message. Errors: store_io (cannot create/open, not a database, damaged).
core::Result<Connection> open_database(const std::string& path, OpenMode mode);

// Applies the missing migrations, one transaction each. Errors: config_invalid (the file
// has a newer schema than this build knows), store_io (a migration failed; rolled back).
core::Result<void> migrate(Connection& db, const std::string& path);

// Caps the file at about `max_bytes` (0 = no cap): past it, commits fail with SQLITE_FULL
// as on a full disk, which the writer handles like one.
core::Result<void> cap_size(Connection& db, const std::string& path, std::int64_t max_bytes);

}  // namespace coldsort::store::detail
