#pragma once
// Thin RAII owners of SQLite handles and the mapping of SQLite result codes into the
// coldsort error space. The only header besides the .cpp files that includes sqlite3.h.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "coldsort/core/error.hpp"

namespace coldsort::store::detail {

// A failed SQLite call: the primary result code and SQLite's own message.
struct SqlError {
  int code = SQLITE_OK;
  std::string message;
};

// SQLITE_BUSY/SQLITE_LOCKED mean "try later"; everything else is an I/O-class failure.
core::errc to_errc(int sqlite_code);
// True for the codes a commit may survive by waiting: busy, locked, full, read-only, I/O.
bool is_retryable(int sqlite_code);

// Owns one sqlite3 connection. Thread safety: none; one thread at a time.
class Connection {
 public:
  Connection() = default;
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection();
  Connection(Connection&& other) noexcept : db_(other.release()) {}
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* get() const { return db_; }
  sqlite3* release();
  // The error SQLite reports for the last failed call on this connection.
  SqlError error(int code) const;
  // Runs one or more statements that return no rows we need.
  core::Result<void> exec(const char* sql, SqlError* detail = nullptr);
  // Runs a statement whose first column of the first row is an integer (a PRAGMA, a COUNT).
  core::Result<std::int64_t> query_int(const char* sql, SqlError* detail = nullptr);
  // Rows inserted, changed or deleted by the last INSERT/UPDATE/DELETE (sqlite3_changes64):
  // 0 after an INSERT that ON CONFLICT DO NOTHING skipped.
  std::int64_t changes() const { return sqlite3_changes64(db_); }

 private:
  sqlite3* db_ = nullptr;
};

// Owns one prepared statement. Thread safety: none; belongs to its connection's thread.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept : stmt_(other.stmt_), bind_error_(other.bind_error_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  static core::Result<Statement> prepare(const Connection& db, const char* sql,
                                         SqlError* detail = nullptr);
  sqlite3_stmt* get() const { return stmt_; }

  // Binders take 1-based parameter indices, as SQLite does.
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view text);               // copied by SQLite (SQLITE_TRANSIENT)
  void bind_text_or_null(int index, std::string_view text);  // empty text -> NULL

  // One sqlite3_step: SQLITE_ROW, SQLITE_DONE or an error code. A bind that failed
  // (SQLITE_RANGE, SQLITE_NOMEM) is reported here instead of stepping with a NULL.
  int step();
  // Resets after a step and clears bindings; keeps the statement prepared for reuse.
  void reset();

  std::int64_t column_int(int index) const;
  double column_double(int index) const;     // NULL reads as 0
  std::string column_text(int index) const;  // NULL reads as ""

 private:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  void note_bind(int code);
  sqlite3_stmt* stmt_ = nullptr;
  int bind_error_ = SQLITE_OK;
};

}  // namespace coldsort::store::detail
