#include "pending_buffer.hpp"

#include <limits>
#include <type_traits>

namespace coldsort::store::detail {

RecordClass class_of(const Record& record) {
  return std::visit(
      [](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, SensorSample>) return RecordClass::sample;
        if constexpr (std::is_same_v<T, core::Fruit>) return RecordClass::fruit;
        return RecordClass::record;
      },
      record);
}

ClassCounts PendingBuffer::add(Record record) {
  const RecordClass c = class_of(record);
  queue_of(c).push_back(Entry{std::move(record), next_order_++});
  ++size_;
  ClassCounts dropped{};
  while (size_ > max_records_) {
    for (std::size_t k = 0; k < kRecordClasses; ++k) {
      if (by_class_[k].empty()) continue;
      by_class_[k].pop_front();
      --size_;
      ++dropped[k];
      break;
    }
  }
  return dropped;
}

void PendingBuffer::take(std::size_t rows, std::vector<Record>& batch) {
  taken_.clear();
  while (rows-- > 0 && size_ > 0) {
    // The oldest front of the three queues is the oldest record overall.
    std::size_t oldest = kRecordClasses;
    std::uint64_t order = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t k = 0; k < kRecordClasses; ++k) {
      if (!by_class_[k].empty() && by_class_[k].front().order < order) {
        oldest = k;
        order = by_class_[k].front().order;
      }
    }
    batch.push_back(std::move(by_class_[oldest].front().record));
    by_class_[oldest].pop_front();
    --size_;
    taken_.emplace_back(static_cast<RecordClass>(oldest), order);
  }
}

void PendingBuffer::give_back(std::vector<Record>& batch) {
  // Newest first, each to the front of its class: every class queue is in order again.
  for (std::size_t i = taken_.size(); i-- > 0;) {
    auto [c, order] = taken_[i];
    queue_of(c).push_front(Entry{std::move(batch[i]), order});
    ++size_;
  }
  taken_.clear();
  batch.clear();
}

ClassCounts PendingBuffer::clear() {
  ClassCounts held{};
  for (std::size_t k = 0; k < kRecordClasses; ++k) {
    held[k] = by_class_[k].size();
    by_class_[k].clear();
  }
  size_ = 0;
  taken_.clear();
  return held;
}

}  // namespace coldsort::store::detail
