#pragma once
// What the writer keeps in memory while the disk refuses writes (full, read-only, I/O
// errors), bounded, with the order in which records are given up when it overflows.
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "record.hpp"

namespace coldsort::store::detail {

// Drop order, first to last: sensor samples come back every poll cycle and the hourly
// rollup already has their summary; a fruit is one of millions; parcels, orders, lots, the
// audit trail, alarm changes, excursions and plans are what people are paid or judged on.
enum class RecordClass : std::size_t { sample = 0, fruit = 1, record = 2 };
constexpr std::size_t kRecordClasses = 3;
using ClassCounts = std::array<std::uint64_t, kRecordClasses>;

RecordClass class_of(const Record& record);

// Records in append order, split by class so that the oldest record of the cheapest class
// can be dropped in O(1) and the rest still taken back out in their original order.
// Thread safety: none; the store's writer thread owns it.
class PendingBuffer {
 public:
  explicit PendingBuffer(std::size_t max_records) : max_records_(max_records) {}

  // Appends `record` as the newest, then drops (oldest first, cheapest class first) until
  // the buffer is within its bound; returns what was dropped, per class.
  ClassCounts add(Record record);
  // Moves up to `rows` of the oldest records, in append order, into `batch`.
  void take(std::size_t rows, std::vector<Record>& batch);
  // Puts back, as the oldest again, exactly what the last take() moved out (a failed
  // commit). `batch` is left empty.
  void give_back(std::vector<Record>& batch);
  // Empties the buffer; returns what it held, per class.
  ClassCounts clear();

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct Entry {
    Record record;
    std::uint64_t order = 0;
  };
  std::deque<Entry>& queue_of(RecordClass c) { return by_class_[static_cast<std::size_t>(c)]; }

  std::size_t max_records_;
  std::size_t size_ = 0;
  std::uint64_t next_order_ = 0;
  std::array<std::deque<Entry>, kRecordClasses> by_class_;
  std::vector<std::pair<RecordClass, std::uint64_t>> taken_;  // for give_back, in take order
};

}  // namespace coldsort::store::detail
