#pragma once
// Read-only access to a store database, for tests and the CLI. Reports come later; this
// reads rows back as they were written.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "coldsort/core/error.hpp"

namespace coldsort::store {

// One row of the `fruit` table. Times are Unix milliseconds; grade and reason are the
// core::to_string names; text columns that were empty (stored as NULL) read as "".
struct FruitRow {
  std::int64_t id = 0;
  std::int64_t t_ms = 0;
  int lane = 0;
  std::int64_t cup = 0;
  std::string lot_id;
  double diameter_mm = 0;
  double minor_diameter_mm = 0;
  double area_mm2 = 0;
  double weight_g = 0;
  double hue_deg = 0;
  double defect_share = 0;
  double confidence = 0;
  std::string grade;
  std::string size_code;
  std::string product_id;
  int outlet = 0;
  std::string reason;
  double volume_cm3 = 0;
  double defect_mm2 = 0;
  std::string defect_kinds;  // "bruise+crack"; empty for none
  std::string doubt;         // empty unless the fruit was doubted
};

struct AlarmEventRow {
  std::int64_t id = 0;
  std::int64_t t_ms = 0;
  std::string alarm_key;
  std::string source;
  std::string message;
  std::string priority;  // core::to_string(AlarmPriority)
  std::string state;     // core::to_string(AlarmState)
  // From append_alarm_transition only; "" (active: false) for append_alarm_event rows.
  std::string from_state;
  bool active = false;
  std::string actor;   // "system" or a user
  std::string reason;
};

// One row of `cold_excursion` (see core::ColdExcursion). peak and limit are NaN when the
// record has none.
struct ExcursionRow {
  std::int64_t id = 0;
  std::string room;
  std::string kind;  // core::to_string(ExcursionKind)
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::int64_t duration_ms = 0;
  double peak = 0;
  double limit = 0;
  bool alarmed = false;
  bool defrost = false;
  std::string probe;
  std::string detail;
};

// One row of `plan` (see core::PlanRecord).
struct PlanRow {
  std::int64_t id = 0;
  std::int64_t t_ms = 0;
  std::string method;
  std::string instance;
  int made_at_min = 0;
  int parcels_demanded = 0;
  int parcels_on_time = 0;
  int parcels_late = 0;
  int parcels_unplanned = 0;
  int changes = 0;
  std::string plan_json;
};

struct SensorSampleRow {
  std::int64_t id = 0;
  std::int64_t t_ms = 0;
  std::string device;
  std::string point;
  double value = 0;
};

// One value of a query result: NULL, INTEGER, REAL or TEXT (BLOBs read as text).
using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string>;

// Errors: store_io (cannot open, not a database, missing table), store_busy (locked).
// Rows come in insertion (id) order. Thread safety: none; one reader per thread.
class LogReader {
 public:
  // Opens an existing database read-only; never creates, migrates or changes it.
  static core::Result<LogReader> open(const std::string& path);

  LogReader(LogReader&&) noexcept;
  LogReader& operator=(LogReader&&) noexcept;
  ~LogReader();

  core::Result<int> schema_version() const;
  core::Result<std::int64_t> count_fruit() const;
  core::Result<std::vector<FruitRow>> fruit_rows(int limit, int offset = 0) const;
  core::Result<std::vector<AlarmEventRow>> alarm_event_rows(int limit, int offset = 0) const;
  core::Result<std::vector<SensorSampleRow>> sensor_sample_rows(int limit, int offset = 0) const;
  // Excursions that overlap [from_ms, to_ms) (Unix ms), of one room or (room empty) all,
  // ordered by start time. For the cold-chain report.
  core::Result<std::vector<ExcursionRow>> excursion_rows(std::int64_t from_ms, std::int64_t to_ms,
                                                         std::string_view room = {}) const;
  // Any read-only SQL (the connection cannot write), every row of it: for cross-checks of
  // the reports against the raw rows, and for ad-hoc questions. Errors: store_io for SQL
  // that does not prepare (the message is logged).
  core::Result<std::vector<std::vector<SqlValue>>> query(const std::string& sql) const;
  // The newest `limit` published plans, newest first (without their JSON unless `with_json`).
  core::Result<std::vector<PlanRow>> plan_rows(int limit, bool with_json = false) const;

 private:
  struct Impl;
  explicit LogReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace coldsort::store
