#include "coldsort/bridge/sorter_plc.hpp"

#include <stdexcept>
#include <string>

#include "coldsort/bridge/point_group.hpp"

namespace coldsort::bridge {
namespace {

using core::errc;

void check_outlet_table(const core::DeviceConfig& device, int lanes, int table_slots) {
  const core::RegisterPoint& table = require_point(device, "outlet_table");
  if (lanes < 1 || table_slots < 1)
    throw std::invalid_argument("sorter needs at least one lane and one table slot");
  // Two registers (tag, outlet) per slot and lane; see docs/register-maps.md.
  const int needed = lanes * table_slots * 2;
  if (table.table != core::RegisterTable::holding_register || table.words_per_value() != 1 ||
      table.count < needed)
    throw std::invalid_argument("device \"" + device.id + "\": outlet_table must be " +
                                std::to_string(needed) + " u16 holding registers");
}

}  // namespace

SorterPlc::SorterPlc(const core::DeviceConfig& device, int lanes, int table_slots)
    : device_(device), lanes_(lanes), table_slots_(table_slots) {
  check_outlet_table(device, lanes, table_slots);
  for (const char* name : {"encoder_count", "cup_at_camera", "belt_speed_cups_per_s", "run_state",
                           "plc_heartbeat", "ejections", "pc_heartbeat", "run_command",
                           "heartbeat_timeout_ms"})
    require_point(device, name);
}

core::Result<SorterStatus> SorterPlc::status(const DeviceValues& values) {
  // fault_bits and undecided_cups are optional in a map (a PLC without them reports 0).
  auto get = [&](const char* name, bool optional) -> core::Result<double> {
    const PointReading* r = values.find(name);
    if (r == nullptr && optional && device_.map.find(name) == nullptr) return 0.0;
    if (r == nullptr || r->quality == Quality::stale || r->values.empty()) return errc::link_down;
    if (r->quality == Quality::bad) return errc::bad_register_value;
    return r->values.front();
  };
  auto encoder = get("encoder_count", false);
  auto cup = get("cup_at_camera", false);
  auto speed = get("belt_speed_cups_per_s", false);
  auto state = get("run_state", false);
  auto heartbeat = get("plc_heartbeat", false);
  auto faults = get("fault_bits", true);
  auto undecided = get("undecided_cups", true);
  for (const auto* r : {&encoder, &cup, &speed, &state, &heartbeat, &faults, &undecided})
    if (!*r) return r->error();
  if (*state != 0 && *state != 1 && *state != 2) return errc::bad_register_value;

  const auto cup_raw = static_cast<std::uint32_t>(*cup);
  // A drop of more than half the range is the 32-bit counter wrapping, not the belt reversing.
  if (last_cup_raw_ && cup_raw < *last_cup_raw_ && *last_cup_raw_ - cup_raw > 0x80000000u)
    cup_epoch_ += std::uint64_t{1} << 32;
  last_cup_raw_ = cup_raw;

  SorterStatus status;
  status.encoder_count = static_cast<std::uint32_t>(*encoder);
  status.cup_at_camera = cup_epoch_ + cup_raw;
  status.belt_speed_cups_per_s = *speed;
  status.run_state = static_cast<RunState>(static_cast<int>(*state));
  status.plc_heartbeat = static_cast<std::uint16_t>(*heartbeat);
  status.fault_bits = static_cast<std::uint16_t>(*faults);
  status.undecided_cups = static_cast<std::uint64_t>(*undecided);
  return status;
}

std::vector<PointWrite> SorterPlc::decisions(std::uint64_t cup,
                                             std::span<const int> outlet_per_lane) const {
  if (outlet_per_lane.size() != static_cast<std::size_t>(lanes_))
    throw std::invalid_argument("decisions needs one outlet per lane (" + std::to_string(lanes_) + ")");
  // Slot layout (docs/register-maps.md): slot s = cup % slots; lane l of slot s starts at
  // element (s * lanes + l) * 2 of the table: {tag, outlet}. A slot is contiguous over all
  // lanes, so the whole decision is one FC16 write.
  const auto slot = static_cast<int>(cup % static_cast<std::uint64_t>(table_slots_));
  std::vector<PointWrite> writes;
  writes.reserve(static_cast<std::size_t>(lanes_) * 2);
  int index = slot * lanes_ * 2;
  for (int outlet : outlet_per_lane) {
    writes.push_back({"outlet_table", index++, double(outlet_slot_tag(cup))});
    writes.push_back({"outlet_table", index++, double(outlet)});
  }
  return writes;
}

std::vector<std::uint32_t> SorterPlc::ejections(const DeviceValues& values) const {
  const PointReading* r = values.find("ejections");
  std::vector<std::uint32_t> counts;
  if (r == nullptr || r->quality != Quality::good) return counts;
  counts.reserve(r->values.size());
  for (double v : r->values) counts.push_back(static_cast<std::uint32_t>(v));
  return counts;
}

}  // namespace coldsort::bridge
