#pragma once
// Maintenance of a store database beside the running line: an online backup and the full
// integrity check (`coldsort db backup`, `coldsort db check`).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "coldsort/core/error.hpp"

namespace coldsort::store {

struct BackupResult {
  std::int64_t bytes = 0;   // size of the copy
  double elapsed_s = 0;
};

// Copies the database at `src` into a new file `dst` while coldsortd may be writing to it.
// The copy is one read transaction (VACUUM INTO): a consistent snapshot holding everything
// committed when it began, compacted, in rollback-journal mode, synced to the disk before it
// is renamed into place (a failed backup leaves no `dst`). The writer is never blocked (WAL).
// `progress` (may be empty) gets 0..1 now and then, on the calling thread.
// Errors: config_invalid (`dst` exists), store_io (cannot read `src` or write `dst`; logged).
// Thread safety: any thread; it uses its own connection.
core::Result<BackupResult> backup_database(const std::string& src, const std::string& dst,
                                           const std::function<void(double)>& progress = {});

// PRAGMA integrity_check in full on a read-only connection: the problems SQLite lists, or
// none when the file is sound. Minutes on a season database (it reads every page and every
// index). Errors: store_io when the file cannot be opened or is not a database.
core::Result<std::vector<std::string>> check_database(const std::string& path);

}  // namespace coldsort::store
