#include "coldsort/bridge/point_group.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace coldsort::bridge {
namespace {

bool is_bit_table(core::RegisterTable table) {
  return table == core::RegisterTable::coil || table == core::RegisterTable::discrete_input;
}

// Largest read in one request: 125 registers (FC03/FC04) or 2000 bits (FC01/FC02),
// Modbus Application Protocol v1.1b3 §6.1-6.4.
int max_per_request(core::RegisterTable table) { return is_bit_table(table) ? 2000 : 125; }

}  // namespace

PointValues::PointValues(std::vector<ReadBlock> blocks,
                         std::vector<std::vector<std::uint16_t>> data)
    : blocks_(std::move(blocks)), data_(std::move(data)) {}

std::span<const std::uint16_t> PointValues::words(const core::RegisterPoint& point) const {
  const int first = point.address;
  const int end = first + point.total_words();
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    const ReadBlock& b = blocks_[i];
    if (b.table == point.table && first >= b.address && end <= b.address + b.count)
      return std::span<const std::uint16_t>(data_[i]).subspan(
          static_cast<std::size_t>(first - b.address),
          static_cast<std::size_t>(point.total_words()));
  }
  throw std::invalid_argument("point \"" + point.name + "\" was not read");
}

core::Result<double> PointValues::value(const core::RegisterPoint& point, int index) const {
  if (index < 0 || index >= point.count)
    throw std::out_of_range("point \"" + point.name + "\" has no element " + std::to_string(index));
  return decode_value(point,
                      words(point).subspan(static_cast<std::size_t>(element_offset(point, index))));
}

core::Result<std::vector<double>> PointValues::values(const core::RegisterPoint& point) const {
  return decode_values(point, words(point));
}

PointGroup::PointGroup(std::vector<const core::RegisterPoint*> points, int max_gap_words) {
  std::erase(points, nullptr);
  std::sort(points.begin(), points.end(), [](const auto* a, const auto* b) {
    return a->table != b->table ? a->table < b->table : a->address < b->address;
  });
  for (const core::RegisterPoint* p : points) {
    const int end = p->address + p->total_words();
    if (!blocks_.empty()) {
      ReadBlock& last = blocks_.back();
      const int last_end = last.address + last.count;
      const int merged = std::max(end, last_end) - last.address;
      if (last.table == p->table && p->address - last_end <= max_gap_words &&
          merged <= max_per_request(p->table)) {
        last.count = static_cast<std::uint16_t>(merged);
        continue;
      }
    }
    blocks_.push_back({p->table, p->address, static_cast<std::uint16_t>(p->total_words())});
  }
}

core::Result<PointValues> PointGroup::read(FieldBus& bus, int unit_id) const {
  std::vector<std::vector<std::uint16_t>> data;
  data.reserve(blocks_.size());
  for (const ReadBlock& b : blocks_) {
    auto words = bus.read(unit_id, b.table, b.address, b.count);
    if (!words) return words.error();
    data.push_back(std::move(*words));
  }
  return PointValues(blocks_, std::move(data));
}

const core::RegisterPoint& require_point(const core::DeviceConfig& device, std::string_view name) {
  if (const core::RegisterPoint* p = device.map.find(name)) return *p;
  throw std::invalid_argument("device \"" + device.id + "\": register map \"" + device.map.model +
                              "\" has no point \"" + std::string(name) + "\"");
}

core::Result<std::vector<double>> read_point(FieldBus& bus, int unit_id,
                                             const core::RegisterPoint& point) {
  auto words = bus.read(unit_id, point.table, point.address,
                        static_cast<std::uint16_t>(point.total_words()));
  if (!words) return words.error();
  return decode_values(point, *words);
}

core::Result<void> write_point(FieldBus& bus, int unit_id, const core::RegisterPoint& point,
                               double value, int index) {
  if (index < 0 || index >= point.count)
    throw std::out_of_range("point \"" + point.name + "\" has no element " + std::to_string(index));
  std::vector<std::uint16_t> words(static_cast<std::size_t>(point.words_per_value()));
  auto encoded = encode_value(point, value, words);
  if (!encoded) return encoded.error();
  const auto address = static_cast<std::uint16_t>(point.address + element_offset(point, index));
  return bus.write(unit_id, point.table, address, words);
}

}  // namespace coldsort::bridge
