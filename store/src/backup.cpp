// backup_database and check_database (coldsort/store/maintenance.hpp).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <system_error>

#include "coldsort/core/log.hpp"
#include "coldsort/store/maintenance.hpp"
#include "schema.hpp"

namespace coldsort::store {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kLog = "store";

// sqlite3_backup_step with a page count restarts whenever another connection writes the
// source, so on a line that logs every fruit it might never finish; step(-1) or VACUUM INTO
// copy in one read transaction instead. VACUUM INTO also drops free pages and needs only a
// read-only source connection.
struct Progress {
  const std::function<void(double)>* report = nullptr;
  std::string partial;
  double expected_bytes = 1;
};

// Called by SQLite every few thousand VM steps: the partial file's size against the
// source's used pages is a fair fraction (VACUUM writes each used page about once).
int report_progress(void* context) {
  auto* p = static_cast<Progress*>(context);
  std::error_code ec;
  const auto bytes = fs::file_size(p->partial, ec);
  if (!ec) (*p->report)(std::min(0.99, static_cast<double>(bytes) / p->expected_bytes));
  return 0;
}

// fsync the file (and then its folder, for the rename): a backup taken before a power cut
// must be there after it.
bool sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

core::Result<BackupResult> fail(const std::string& what) {
  core::log::error(kLog, what);
  return core::make_error_code(core::errc::store_io);
}

double used_bytes(detail::Connection& db) {
  auto pages = db.query_int("PRAGMA page_count");
  auto free_pages = db.query_int("PRAGMA freelist_count");
  auto page_bytes = db.query_int("PRAGMA page_size");
  if (!pages || !free_pages || !page_bytes) return 1;
  return std::max(1.0, static_cast<double>((*pages - *free_pages) * *page_bytes));
}

}  // namespace

core::Result<BackupResult> backup_database(const std::string& src, const std::string& dst,
                                           const std::function<void(double)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  if (fs::exists(dst, ec)) {
    core::log::error(kLog, "backup target " + dst + " exists; refusing to overwrite it");
    return core::make_error_code(core::errc::config_invalid);
  }
  auto db = detail::open_database(src, detail::OpenMode::read_only);
  if (!db) return db.error();
  Progress p{&progress, dst + ".partial", used_bytes(*db)};
  fs::remove(p.partial, ec);  // left over from a backup that was killed
  if (progress) {
    progress(0);
    sqlite3_progress_handler(db->get(), 20000, report_progress, &p);
  }
  detail::SqlError e;
  auto vacuum = detail::Statement::prepare(*db, "VACUUM INTO ?1", &e);
  if (!vacuum) return fail("cannot back up '" + src + "': " + e.message);
  vacuum->bind(1, std::string_view(p.partial));
  const int rc = vacuum->step();
  sqlite3_progress_handler(db->get(), 0, nullptr, nullptr);
  if (rc != SQLITE_DONE) {
    const std::string message = db->error(rc).message;
    fs::remove(p.partial, ec);
    return fail("cannot back up '" + src + "' into '" + p.partial + "': " + message);
  }
  const std::string folder = fs::absolute(dst).parent_path().string();
  if (!sync_path(p.partial, false)) return fail("cannot sync " + p.partial);
  fs::rename(p.partial, dst, ec);
  if (ec) return fail("cannot rename " + p.partial + " to " + dst + ": " + ec.message());
  if (!sync_path(folder, true)) return fail("cannot sync folder " + folder);
  if (progress) progress(1);
  BackupResult result;
  result.bytes = static_cast<std::int64_t>(fs::file_size(dst, ec));
  result.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

core::Result<std::vector<std::string>> check_database(const std::string& path) {
  auto db = detail::open_database(path, detail::OpenMode::read_only);
  if (!db) return db.error();
  return detail::integrity_problems(*db, path);
}

}  // namespace coldsort::store
