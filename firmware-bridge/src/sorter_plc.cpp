#include "coldsort/bridge/sorter_plc.hpp"

#include <stdexcept>
#include <string>

namespace coldsort::bridge {
namespace {

using core::errc;

// The status block: everything read_status() reports. fault_bits and undecided_cups are
// optional in a map (a PLC without them reports 0).
std::vector<const core::RegisterPoint*> status_points(const core::DeviceConfig& device) {
  std::vector<const core::RegisterPoint*> points;
  for (const char* name :
       {"encoder_count", "cup_at_camera", "belt_speed_cups_per_s", "run_state", "plc_heartbeat"})
    points.push_back(&require_point(device, name));
  points.push_back(device.map.find("fault_bits"));
  points.push_back(device.map.find("undecided_cups"));
  return points;
}

const core::RegisterPoint& checked_outlet_table(const core::DeviceConfig& device, int lanes,
                                                int table_slots) {
  const core::RegisterPoint& table = require_point(device, "outlet_table");
  if (lanes < 1 || table_slots < 1)
    throw std::invalid_argument("sorter needs at least one lane and one table slot");
  // Two registers (tag, outlet) per slot and lane; see docs/register-maps.md.
  const int needed = lanes * table_slots * 2;
  if (table.table != core::RegisterTable::holding_register || table.words_per_value() != 1 ||
      table.count < needed)
    throw std::invalid_argument("device \"" + device.id + "\": outlet_table must be " +
                                std::to_string(needed) + " u16 holding registers");
  return table;
}

}  // namespace

SorterPlc::SorterPlc(FieldBus& bus, const core::DeviceConfig& device, int lanes, int table_slots)
    : bus_(bus),
      device_(device),
      lanes_(lanes),
      table_slots_(table_slots),
      outlet_table_(&checked_outlet_table(device, lanes, table_slots)),
      status_group_(status_points(device)) {
  for (const char* name : {"ejections", "pc_heartbeat", "run_command"}) require_point(device, name);
}

const core::RegisterPoint& SorterPlc::point(const char* name) const {
  return require_point(device_, name);
}

core::Result<SorterStatus> SorterPlc::read_status() {
  auto values = status_group_.read(bus_, device_.unit_id);
  if (!values) return values.error();
  auto get = [&](const char* name) -> core::Result<double> {
    const core::RegisterPoint* p = device_.map.find(name);
    return p == nullptr ? core::Result<double>(0.0) : values->value(*p);
  };
  auto encoder = get("encoder_count");
  auto cup = get("cup_at_camera");
  auto speed = get("belt_speed_cups_per_s");
  auto state = get("run_state");
  auto heartbeat = get("plc_heartbeat");
  auto faults = get("fault_bits");
  auto undecided = get("undecided_cups");
  for (const auto* r : {&encoder, &cup, &speed, &state, &heartbeat, &faults, &undecided})
    if (!*r) return r->error();
  if (*state != 0 && *state != 1 && *state != 2) return errc::bad_register_value;

  const auto cup_raw = static_cast<std::uint32_t>(*cup);
  // A drop of more than half the range is the 32-bit counter wrapping, not the belt reversing.
  if (last_cup_raw_ && cup_raw<*last_cup_raw_&& * last_cup_raw_ - cup_raw> 0x80000000u)
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

core::Result<void> SorterPlc::write_decisions(std::uint64_t cup,
                                              std::span<const int> outlet_per_lane) {
  if (outlet_per_lane.size() != static_cast<std::size_t>(lanes_))
    throw std::invalid_argument("write_decisions needs one outlet per lane (" +
                                std::to_string(lanes_) + ")");
  // Slot layout (docs/register-maps.md): slot s = cup % slots; lane l of slot s starts at word
  // (s * lanes + l) * 2 of the table: {tag, outlet}. One slot is contiguous over all lanes,
  // so the whole decision is one FC16 write.
  const auto slot = static_cast<int>(cup % static_cast<std::uint64_t>(table_slots_));
  std::vector<std::uint16_t> words;
  words.reserve(static_cast<std::size_t>(lanes_) * 2);
  for (int outlet : outlet_per_lane) {
    if (outlet < 0 || outlet > 0xFFFF) return errc::bad_register_value;
    words.push_back(outlet_slot_tag(cup));
    words.push_back(static_cast<std::uint16_t>(outlet));
  }
  const auto address = static_cast<std::uint16_t>(outlet_table_->address + slot * lanes_ * 2);
  return bus_.write(device_.unit_id, core::RegisterTable::holding_register, address, words);
}

core::Result<void> SorterPlc::write_heartbeat(std::uint16_t value) {
  return write_point(bus_, device_.unit_id, point("pc_heartbeat"), value);
}

core::Result<void> SorterPlc::set_running(bool run) {
  return write_point(bus_, device_.unit_id, point("run_command"), run ? 1 : 0);
}

core::Result<std::vector<std::uint32_t>> SorterPlc::read_ejections() {
  auto values = read_point(bus_, device_.unit_id, point("ejections"));
  if (!values) return values.error();
  std::vector<std::uint32_t> counts;
  counts.reserve(values->size());
  for (double v : *values) counts.push_back(static_cast<std::uint32_t>(v));
  return counts;
}

core::Result<void> SorterPlc::write_heartbeat_timeout(std::uint16_t timeout_ms) {
  const core::RegisterPoint& p = point("heartbeat_timeout_ms");
  // 0 (disabled) is below the map's configured minimum on purpose: the range describes the
  // enabled watchdog, so write the raw word directly.
  if (timeout_ms == 0) {
    const std::uint16_t zero = 0;
    return bus_.write(device_.unit_id, p.table, p.address, std::span(&zero, 1));
  }
  return write_point(bus_, device_.unit_id, p, timeout_ms);
}

}  // namespace coldsort::bridge
