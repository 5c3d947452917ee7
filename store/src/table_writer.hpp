#pragma once
// Writes batches of records into the store's tables, one transaction per batch, with
// insert statements prepared once for the life of the connection.
#include <span>

#include "coldsort/core/error.hpp"
#include "record.hpp"
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
  TableWriter() = default;
  int insert_fruit(const core::Fruit& fruit);
  int insert_alarm(const core::Alarm& alarm);
  int insert_sample(const SensorSample& sample);
  int insert_transition(const core::AlarmEvent& event);
  int insert_excursion(const core::ColdExcursion& excursion);
  int insert_plan(const core::PlanRecord& plan);

  Connection db_;
  Statement begin_;
  Statement commit_;
  Statement fruit_;
  Statement alarm_;
  Statement sample_;
  Statement transition_;
  Statement excursion_;
  Statement plan_;
};

}  // namespace coldsort::store::detail
