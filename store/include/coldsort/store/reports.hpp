#pragma once
// The manager reports over the throughput log: throughput, grower outturn, packer output,
// giveaway, station utilisation, cold-chain compliance and orders against their cut-offs.
// Each report reads the rollups by default; ReportSource::raw computes the same figures
// from the raw rows (for benchmarks and cross-checks; the two must agree exactly).
// The HMI and the `coldsort report` command both call this; neither writes SQL.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "coldsort/core/error.hpp"

namespace coldsort::store {

// A cell: empty, a count, a measure or a text.
using ReportCell = std::variant<std::monostate, std::int64_t, double, std::string>;

struct ReportColumn {
  std::string name;  // snake_case, stable: CSV headers and JSON keys ("weight_kg")
  std::string unit;  // "kg", "%", "boxes/h", "min", "" for counts and names
  int decimals = 0;  // how many decimals table and CSV print for doubles
};

struct ReportTable {
  std::string report;  // "throughput", ...
  std::string title;   // one line for a person: "Throughput per day, 2026-10-01 to 2026-10-07"
  std::vector<ReportColumn> columns;
  std::vector<std::vector<ReportCell>> rows;  // each as long as `columns`
  std::vector<std::string> notes;  // how the figures are defined, what was left out
};

enum class ReportSource { rollups, raw };

// A shift starts at a local minute of the day and runs to the next shift's start.
struct Shift {
  std::string name;
  int start_min = 0;
};

struct ReportQuery {
  std::int64_t from_ms = 0;  // [from_ms, to_ms), Unix ms; 0 and 0: everything
  std::int64_t to_ms = 0;
  int utc_offset_min = 480;  // local days and shifts (Huili: UTC+8)
  // throughput: hour | shift | day (default day); packers: day | period (default period).
  std::string group_by;
  // packers: one worker, listed box by box; outturn: one lot; cold-chain: one room.
  std::string filter;
  std::vector<Shift> shifts = {{"day", 6 * 60}, {"late", 14 * 60}, {"night", 22 * 60}};
  ReportSource source = ReportSource::rollups;
  std::function<void(double done)> progress;  // 0..1, for long raw runs; may be empty
};

// The report names run() accepts, in the order the CLI lists them.
const std::vector<std::string>& report_names();

// Errors: store_io (cannot open or read), config_invalid (unknown name, bad query; the
// reason is logged). Thread safety: none; one Reports per thread.
class Reports {
 public:
  // Opens an existing database read-only (WAL: it reads while the line writes).
  static core::Result<Reports> open(const std::string& path);
  Reports(Reports&&) noexcept;
  Reports& operator=(Reports&&) noexcept;
  ~Reports();

  core::Result<ReportTable> run(std::string_view name, const ReportQuery& query) const;

 private:
  struct Impl;
  explicit Reports(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

enum class ReportFormat { table, csv, json };
// table: aligned text for a terminal; csv: RFC 4180 with a header row; json: an object
// {report, title, columns:[{name,unit}], rows:[{column: value}], notes}.
std::string format_report(const ReportTable& table, ReportFormat format);

}  // namespace coldsort::store
