#pragma once
// Writes batches of records into the store's tables, one transaction per batch, with
// insert statements prepared once for the life of the connection. The rollups (fruit_minute,
// fruit_hour, box_hour, sensor_hour) are updated in the same transaction as the raw rows.
// Upserts: an order keeps its latest state (packed_ms/shipped_ms: the first time it reached
// that status), a lot its latest fields; in both, an empty optional field keeps the value
// already stored. A box whose box_id is already stored is skipped (and not rolled up).
#include <span>
#include <utility>

#include "coldsort/core/error.hpp"
#include "record.hpp"
#include "rollup_accumulator.hpp"
#include "sqlite_handle.hpp"

namespace coldsort::store::detail {

// Thread safety: none; owned and used by the store's writer thread only.
class TableWriter {
 public:
  // Takes the (migrated) connection and prepares the inserts.
  static core::Result<TableWriter> create(Connection db, SqlError* detail);

  // All of `batch` or none of it: on failure the transaction is rolled back and `detail`
  // says why (its code tells the caller whether retrying can help).
  core::Result<void> commit(std::span<const Record> batch, SqlError* detail);

  // For maintenance between batches on the writer thread (sensor downsampling, checks).
  Connection& connection() { return db_; }

 private:
  explicit TableWriter(RollupAccumulator rollups) : rollups_(std::move(rollups)) {}
  int insert(const Record& record);
  int insert_fruit(const core::Fruit& fruit);
  int insert_alarm(const core::Alarm& alarm);
  int insert_sample(const SensorSample& sample);
  int insert_transition(const core::AlarmEvent& event);
  int insert_excursion(const core::ColdExcursion& excursion);
  int insert_plan(const core::PlanRecord& plan);
  int insert_box(const core::BoxRecord& box);
  int insert_order(const core::OrderUpdate& order);
  int insert_lot(const core::Lot& lot);
  int insert_action(const core::OperatorAction& action);
  int insert_band(const ColdRoomBand& band);

  Connection db_;
  Statement begin_;
  Statement commit_;
  Statement fruit_;
  Statement alarm_;
  Statement sample_;
  Statement transition_;
  Statement excursion_;
  Statement plan_;
  Statement box_;
  Statement order_;
  Statement order_event_;
  Statement lot_;
  Statement action_;
  Statement band_;
  RollupAccumulator rollups_;
};

}  // namespace coldsort::store::detail
