#include "sqlite_handle.hpp"

#include <utility>

namespace coldsort::store::detail {

core::errc to_errc(int sqlite_code) {
  switch (sqlite_code & 0xff) {  // primary code; the high bits are the extended detail
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return core::errc::store_busy;
    default:
      return core::errc::store_io;
  }
}

bool is_retryable(int sqlite_code) {
  switch (sqlite_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
      return true;
    default:
      return false;
  }
}

Connection::~Connection() {
  // sqlite3_close_v2 defers the close if a statement is still alive, so the order in
  // which owners are destroyed cannot leak the connection.
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = other.release();
  }
  return *this;
}

sqlite3* Connection::release() { return std::exchange(db_, nullptr); }

SqlError Connection::error(int code) const {
  std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
  return SqlError{code, std::move(message)};
}

core::Result<void> Connection::exec(const char* sql, SqlError* detail) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return {};
  if (detail != nullptr) *detail = error(rc);
  return core::make_error_code(to_errc(rc));
}

core::Result<std::int64_t> Connection::query_int(const char* sql, SqlError* detail) {
  auto stmt = Statement::prepare(*this, sql, detail);
  if (!stmt) return stmt.error();
  int rc = stmt->step();
  if (rc == SQLITE_ROW) return stmt->column_int(0);
  if (rc == SQLITE_DONE) rc = SQLITE_MISMATCH;  // the statement returned no row at all
  if (detail != nullptr) *detail = error(rc);
  return core::make_error_code(to_errc(rc));
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = other.bind_error_;
  }
  return *this;
}

core::Result<Statement> Statement::prepare(const Connection& db, const char* sql,
                                           SqlError* detail) {
  sqlite3_stmt* stmt = nullptr;
  // SQLITE_PREPARE_PERSISTENT: these statements live as long as the connection and are
  // reused for every row, so SQLite may keep them out of its short-lived lookaside memory.
  int rc = sqlite3_prepare_v3(db.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (detail != nullptr) *detail = db.error(rc);
    return core::make_error_code(to_errc(rc));
  }
  return Statement(stmt);
}

void Statement::note_bind(int code) {
  if (code != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = code;
}

void Statement::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value));
}

void Statement::bind(int index, double value) {
  note_bind(sqlite3_bind_double(stmt_, index, value));
}

void Statement::bind(int index, std::string_view text) {
  note_bind(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Statement::bind_text_or_null(int index, std::string_view text) {
  if (text.empty()) {
    note_bind(sqlite3_bind_null(stmt_, index));
  } else {
    bind(index, text);
  }
}

int Statement::step() {
  if (bind_error_ != SQLITE_OK) return bind_error_;
  return sqlite3_step(stmt_);
}

void Statement::reset() {
  sqlite3_reset(stmt_);  // returns the last step's error again; step() already reported it
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

double Statement::column_double(int index) const { return sqlite3_column_double(stmt_, index); }

std::string Statement::column_text(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  int size = sqlite3_column_bytes(stmt_, index);  // after column_text, as SQLite advises
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

}  // namespace coldsort::store::detail
