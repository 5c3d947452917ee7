#pragma once
// The raw rows of one store table, streamed to a callback (for `coldsort export` and the
// HMI's CSV download): every column as stored, never all rows in memory at once.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/core/error.hpp"
#include "coldsort/store/log_reader.hpp"

namespace coldsort::store {

struct ExportQuery {
  std::int64_t from_ms = 0;  // [from_ms, to_ms) on the table's time column; 0 and 0: all rows
  std::int64_t to_ms = 0;
  std::function<void(double done)> progress;  // 0..1; may be empty (then rows are not counted first)
};

// The tables export_table accepts, and the time column each is ranged on.
struct ExportTable {
  std::string name;
  std::string time_column;
};
const std::vector<ExportTable>& export_tables();

// Calls `header` once with the column names, then `row` once per row (in time order when a
// range is given, else in insertion order). plan is exported without its plan_json.
// Returns the number of rows. Errors: config_invalid (unknown table or bad range),
// store_io / store_busy (cannot open or read).
core::Result<std::int64_t> export_table(const std::string& db_path, std::string_view table,
                                        const ExportQuery& query,
                                        const std::function<void(const std::vector<std::string>&)>& header,
                                        const std::function<void(const std::vector<SqlValue>&)>& row);

}  // namespace coldsort::store
