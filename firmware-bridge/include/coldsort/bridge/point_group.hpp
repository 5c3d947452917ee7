#pragma once
// Reading and writing named register points over a FieldBus. A PointGroup plans the fewest
// read requests that cover a set of points: points in the same table whose addresses lie
// close together are read as one block, so a status poll is one round trip, not ten.
// Thread safety: PointGroup and PointValues are immutable after construction and safe to
// share; the read/write calls use the bus and so belong to the bus's I/O thread.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/bridge/point_codec.hpp"

namespace coldsort::bridge {

// One read request.
struct ReadBlock {
  core::RegisterTable table = core::RegisterTable::holding_register;
  std::uint16_t address = 0;
  std::uint16_t count = 0;
};

// The words read for a group, looked up by point.
class PointValues {
 public:
  PointValues(std::vector<ReadBlock> blocks, std::vector<std::vector<std::uint16_t>> data);
  // The words of the whole point (every element). std::invalid_argument if the point was not
  // in the group that produced these values.
  std::span<const std::uint16_t> words(const core::RegisterPoint& point) const;
  // Element `index`, scaled and range-checked. Errors: bad_register_value.
  core::Result<double> value(const core::RegisterPoint& point, int index = 0) const;
  core::Result<std::vector<double>> values(const core::RegisterPoint& point) const;

 private:
  std::vector<ReadBlock> blocks_;
  std::vector<std::vector<std::uint16_t>> data_;
};

class PointGroup {
 public:
  // Null entries are skipped (optional points absent from a map). Points whose gap is at most
  // `max_gap_words` are merged while the block stays within one request (125 registers or
  // 2000 bits, Modbus Application Protocol v1.1b3 §6.1-6.4).
  explicit PointGroup(std::vector<const core::RegisterPoint*> points, int max_gap_words = 8);
  const std::vector<ReadBlock>& blocks() const { return blocks_; }
  // One request per block. Errors: whatever the bus returns.
  core::Result<PointValues> read(FieldBus& bus, int unit_id) const;

 private:
  std::vector<ReadBlock> blocks_;
};

// The named point of a device's map. Throws std::invalid_argument naming the device and the
// point when the map lacks it (a config error, found at start-up).
const core::RegisterPoint& require_point(const core::DeviceConfig& device, std::string_view name);

// Reads every element of one point in one request (or the fewest the bus can do).
core::Result<std::vector<double>> read_point(FieldBus& bus, int unit_id,
                                             const core::RegisterPoint& point);
// Encodes and writes one element. Errors: bad_register_value (nothing written), bus errors.
core::Result<void> write_point(FieldBus& bus, int unit_id, const core::RegisterPoint& point,
                               double value, int index = 0);

}  // namespace coldsort::bridge
