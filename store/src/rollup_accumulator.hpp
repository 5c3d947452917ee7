#pragma once
// Keeps the rollup tables (fruit_minute, fruit_hour, box_hour, sensor_hour; schema
// migration 5) in step with the raw rows: a batch's records are summed per key in memory,
// then each touched key is upserted once, inside the batch's own transaction, so a
// rolled-back batch leaves no rollup change behind.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "coldsort/core/error.hpp"
#include "coldsort/core/fruit.hpp"
#include "coldsort/core/pack_records.hpp"
#include "record.hpp"
#include "sqlite_handle.hpp"

namespace coldsort::store::detail {

// A box's weights and pack time are NOT NULL in the schema: a NaN (a faulted check-weigher)
// is stored, and rolled up, as 0 so that one bad parcel cannot fail the batch it rides in.
inline double box_measure(double value) { return value != value ? 0.0 : value; }

// Thread safety: none; owned by the TableWriter on the store's writer thread.
class RollupAccumulator {
 public:
  // Prepares the four upserts on `db` (a migrated connection).
  static core::Result<RollupAccumulator> create(const Connection& db, SqlError* detail);

  // Count one record. The text keys are views into the record, so the record must outlive
  // the next write() or clear() (the batch does: it is alive for the whole commit).
  void add_fruit(const core::Fruit& fruit);
  void add_box(const core::BoxRecord& box);  // only for a box row that was inserted
  void add_sample(const SensorSample& sample);

  // Upserts every touched key once and forgets them all; SQLITE_OK or the failed step's
  // code (then call clear(); the caller rolls the transaction back).
  int write();
  // Forgets what was counted (a failed batch is counted again from scratch on retry).
  void clear();

 private:
  struct FruitMinuteKey {
    std::int64_t minute_ms;
    int lane;
    core::Grade grade;
    friend bool operator==(const FruitMinuteKey&, const FruitMinuteKey&) = default;
  };
  struct FruitHourKey {
    std::int64_t hour_ms;
    int lane;
    int outlet;
    core::Grade grade;
    std::string_view lot_id;
    std::string_view size_code;
    friend bool operator==(const FruitHourKey&, const FruitHourKey&) = default;
  };
  struct BoxHourKey {
    std::int64_t hour_ms;
    std::string_view worker;
    std::string_view station;
    std::string_view box_type;
    std::string_view product_id;
    friend bool operator==(const BoxHourKey&, const BoxHourKey&) = default;
  };
  struct SensorHourKey {
    std::int64_t hour_ms;
    std::string_view device;
    std::string_view point;
    friend bool operator==(const SensorHourKey&, const SensorHourKey&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const FruitMinuteKey& k) const;
    std::size_t operator()(const FruitHourKey& k) const;
    std::size_t operator()(const BoxHourKey& k) const;
    std::size_t operator()(const SensorHourKey& k) const;
  };
  struct FruitSum {
    std::int64_t n = 0;
    double weight_g = 0;
  };
  struct BoxSum {
    std::int64_t boxes = 0;
    std::int64_t fruit = 0;
    double weight_g = 0;
    double nominal_g = 0;
    double pack_s = 0;
  };
  struct SensorSum {
    std::int64_t n = 0;
    double sum = 0;
    double min = 0;
    double max = 0;
  };

  RollupAccumulator();
  int write_fruit_minutes();
  int write_fruit_hours();
  int write_box_hours();
  int write_sensor_hours();

  std::unordered_map<FruitMinuteKey, FruitSum, KeyHash> fruit_minute_;
  std::unordered_map<FruitHourKey, FruitSum, KeyHash> fruit_hour_;
  std::unordered_map<BoxHourKey, BoxSum, KeyHash> box_hour_;
  std::unordered_map<SensorHourKey, SensorSum, KeyHash> sensor_hour_;
  Statement fruit_minute_upsert_;
  Statement fruit_hour_upsert_;
  Statement box_hour_upsert_;
  Statement sensor_hour_upsert_;
};

}  // namespace coldsort::store::detail
