#include "sim_sorter.hpp"

#include <cmath>
#include <map>
#include <stdexcept>

#include "coldsort/bridge/point_group.hpp"
#include "coldsort/bridge/sorter_plc.hpp"

namespace coldsort::bridge::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr int stopped = static_cast<int>(RunState::stopped);
constexpr int running = static_cast<int>(RunState::running);
constexpr int faulted = static_cast<int>(RunState::faulted);
// fault_bits bit 0: the PC heartbeat stalled for longer than heartbeat_timeout_ms.
constexpr std::uint16_t fault_watchdog = 0x0001;
// The PLC toggles its own heartbeat every 100 ms of running time, so a master polling at
// 10 Hz or faster sees it move on (nearly) every poll.
constexpr milliseconds plc_heartbeat_period{100};

}  // namespace

SorterModel::Points SorterModel::find_points(const core::DeviceConfig& device) {
  Points p;
  p.encoder_count = &require_point(device, "encoder_count");
  p.cup_at_camera = &require_point(device, "cup_at_camera");
  p.belt_speed = &require_point(device, "belt_speed_cups_per_s");
  p.run_state = &require_point(device, "run_state");
  p.plc_heartbeat = &require_point(device, "plc_heartbeat");
  p.fault_bits = device.map.find("fault_bits");
  p.undecided_cups = device.map.find("undecided_cups");
  p.ejections = &require_point(device, "ejections");
  p.pc_heartbeat = &require_point(device, "pc_heartbeat");
  p.run_command = &require_point(device, "run_command");
  p.speed_setpoint = device.map.find("belt_speed_setpoint");
  p.heartbeat_timeout = device.map.find("heartbeat_timeout_ms");
  p.outlet_table = &require_point(device, "outlet_table");
  return p;
}

SorterModel::SorterModel(const core::DeviceConfig& device, const core::LineConfig& line,
                         const std::vector<core::Outlet>& outlets, RegisterBank& bank,
                         core::SteadyTime start)
    : points_(find_points(device)),
      nominal_speed_cups_per_s_(line.belt_speed_cups_per_s),
      lanes_(line.lanes),
      table_slots_(line.outlet_table_slots),
      last_(start),
      pc_heartbeat_changed_(start) {
  if (points_.outlet_table->count < lanes_ * table_slots_ * 2)
    throw std::invalid_argument("sorter outlet_table is smaller than slots x lanes x 2");
  std::map<int, std::vector<int>> by_position;
  for (const core::Outlet& o : outlets) by_position[o.position_cups].push_back(o.number);
  for (auto& [position, numbers] : by_position) stages_.push_back({position, std::move(numbers)});
  // Cups in flight between the first and the last outlet, per lane.
  const int span =
      stages_.empty() ? 1 : stages_.back().position_cups - stages_.front().position_cups + 1;
  in_flight_.assign(static_cast<std::size_t>(lanes_),
                    std::vector<CupState>(static_cast<std::size_t>(span)));
  ejection_counts_.assign(static_cast<std::size_t>(points_.ejections->count), 0);

  bank_set(bank, *points_.run_command, 1);
  if (points_.speed_setpoint) bank_set(bank, *points_.speed_setpoint, nominal_speed_cups_per_s_);
  speed_cups_per_s_ = nominal_speed_cups_per_s_;
  publish(bank);
}

std::vector<Ejection> SorterModel::take_ejections() {
  std::vector<Ejection> out(records_.begin(), records_.end());
  records_.clear();
  return out;
}

void SorterModel::step(core::SteadyTime now, RegisterBank& bank) {
  if (now <= last_) return;
  const bool was_faulted = run_state_ == faulted;
  const nanoseconds running_for = update_run_state(now, bank);
  move_belt(running_for, bank);
  // Tripped in this step: the belt has run out to where it stopped; everything on it now
  // carries a decision from a controller that went silent.
  if (!was_faulted && run_state_ == faulted) distrust_through_ = cup_;
  since_heartbeat_ += now - last_;
  if (since_heartbeat_ >= plc_heartbeat_period) {
    ++plc_heartbeat_;
    since_heartbeat_ = nanoseconds{0};
  }
  last_ = now;
  publish(bank);
}

// Notes when pc_heartbeat last changed; returns the watchdog timeout (0 = disabled).
milliseconds SorterModel::track_heartbeat(core::SteadyTime now, const RegisterBank& bank) {
  const auto heartbeat = static_cast<std::uint16_t>(bank_get(bank, *points_.pc_heartbeat));
  if (heartbeat != pc_heartbeat_seen_) {
    pc_heartbeat_seen_ = heartbeat;
    pc_heartbeat_changed_ = now;
  }
  const auto timeout_ms =
      points_.heartbeat_timeout
          ? static_cast<std::uint32_t>(bank_get(bank, *points_.heartbeat_timeout))
          : 0u;
  // The watchdog counts from the moment it is enabled, not from the last heartbeat before.
  if (timeout_ms != 0 && timeout_ms_seen_ == 0) pc_heartbeat_changed_ = now;
  timeout_ms_seen_ = timeout_ms;
  return milliseconds{timeout_ms};
}

// Applies run_command and the watchdog; returns how long the belt ran in (last_, now].
nanoseconds SorterModel::update_run_state(core::SteadyTime now, const RegisterBank& bank) {
  const milliseconds timeout = track_heartbeat(now, bank);
  const bool live = timeout.count() == 0 || now - pc_heartbeat_changed_ < timeout;
  const bool run_command = bank_get(bank, *points_.run_command) != 0;

  speed_cups_per_s_ = speed_setpoint(bank);
  if (run_state_ == faulted) {
    // Restart needs a deliberate 0 -> 1 on run_command while the PC is alive again.
    if (!run_command) {
      restart_armed_ = true;
    } else if (restart_armed_ && live) {
      run_state_ = running;
      fault_bits_ = static_cast<std::uint16_t>(fault_bits_ & ~fault_watchdog);
      restart_armed_ = false;
    }
  } else {
    run_state_ = run_command ? running : stopped;
  }
  if (run_state_ != faulted && !live) {
    // The belt ran until the moment the watchdog expired, then stopped.
    const core::SteadyTime tripped = std::max(last_, pc_heartbeat_changed_ + timeout);
    const bool was_running = run_state_ == running;
    run_state_ = faulted;
    fault_bits_ |= fault_watchdog;
    restart_armed_ = false;
    return was_running ? tripped - last_ : nanoseconds{0};
  }
  return run_state_ == running ? now - last_ : nanoseconds{0};
}

double SorterModel::speed_setpoint(const RegisterBank& bank) const {
  if (points_.speed_setpoint == nullptr) return nominal_speed_cups_per_s_;
  return std::max(0.0, bank_get(bank, *points_.speed_setpoint));
}

void SorterModel::move_belt(nanoseconds running_for, const RegisterBank& bank) {
  // Speed in whole counts per second: 0.01 cup/s resolution, the speed register's own step.
  const auto counts_per_s = std::llround(speed_cups_per_s_ * counts_per_cup);
  constexpr std::int64_t ns_per_s = 1'000'000'000;
  partial_count_ns_ += counts_per_s * running_for.count();
  counts_ += static_cast<std::uint64_t>(partial_count_ns_ / ns_per_s);
  partial_count_ns_ %= ns_per_s;
  const std::uint64_t new_cup = counts_ / counts_per_cup;
  for (std::uint64_t c = cup_ + 1; c <= new_cup; ++c) pass_cup(c, bank);
  cup_ = new_cup;
}

// The cup index under the camera became `cup_at_camera`: every ejector station acts on the
// cup now in front of it, furthest station (oldest cup) first.
void SorterModel::pass_cup(std::uint64_t cup_at_camera, const RegisterBank& bank) {
  for (int lane = 0; lane < lanes_; ++lane) {
    for (std::size_t i = stages_.size(); i-- > 0;) {
      const auto position = static_cast<std::uint64_t>(stages_[i].position_cups);
      if (cup_at_camera < position) continue;
      handle_stage(lane, cup_at_camera - position, stages_[i], i + 1 == stages_.size(), bank);
    }
  }
}

void SorterModel::handle_stage(int lane, std::uint64_t cup, const Stage& stage, bool last,
                               const RegisterBank& bank) {
  auto& ring = in_flight_[static_cast<std::size_t>(lane)];
  CupState& state = ring[cup % ring.size()];
  const auto [tag, outlet] = read_slot(lane, cup, bank);
  const bool distrusted = distrust_through_ && cup <= *distrust_through_;
  const bool tag_ok = tag == outlet_slot_tag(cup) && !distrusted;
  if (!state.valid || state.cup != cup) {
    // First outlet position: the decision should be in the table by now.
    state = CupState{cup, true, false, tag_ok};
    if (!tag_ok) ++undecided_;
  }
  if (distrusted) state.had_decision = false;  // its decision no longer counts
  if (!state.ejected && tag_ok) {
    for (int number : stage.outlet_numbers) {
      if (outlet != number) continue;
      state.ejected = true;
      record(Ejection{lane, cup, number, true});
      const auto index = static_cast<std::size_t>(number - 1);
      if (index < ejection_counts_.size()) ++ejection_counts_[index];
      break;
    }
  }
  if (last) {
    // Past the last ejector: the fruit falls onto the recirculation conveyor.
    if (!state.ejected) record(Ejection{lane, cup, 0, state.had_decision});
    state.valid = false;
  }
}

std::pair<std::uint16_t, std::uint16_t> SorterModel::read_slot(int lane, std::uint64_t cup,
                                                               const RegisterBank& bank) const {
  const auto slot = static_cast<int>(cup % static_cast<std::uint64_t>(table_slots_));
  const auto at =
      static_cast<std::size_t>(points_.outlet_table->address + (slot * lanes_ + lane) * 2);
  return {bank.holding_registers[at], bank.holding_registers[at + 1]};
}

void SorterModel::record(const Ejection& e) {
  records_.push_back(e);
  if (records_.size() > max_records) records_.pop_front();
}

void SorterModel::publish(RegisterBank& bank) const {
  // 32-bit wire counters wrap; the master extends them (SorterPlc::read_status).
  constexpr std::uint64_t wrap = std::uint64_t{1} << 32;
  bank_set(bank, *points_.encoder_count, static_cast<double>(counts_ % wrap));
  bank_set(bank, *points_.cup_at_camera, static_cast<double>(cup_ % wrap));
  bank_set(bank, *points_.belt_speed, run_state_ == running ? speed_cups_per_s_ : 0.0);
  bank_set(bank, *points_.run_state, run_state_);
  bank_set(bank, *points_.plc_heartbeat, plc_heartbeat_);
  if (points_.fault_bits) bank_set(bank, *points_.fault_bits, fault_bits_);
  if (points_.undecided_cups)
    bank_set(bank, *points_.undecided_cups, static_cast<double>(undecided_ % wrap));
  for (std::size_t i = 0; i < ejection_counts_.size(); ++i)
    bank_set(bank, *points_.ejections, ejection_counts_[i], static_cast<int>(i));
}

}  // namespace coldsort::bridge::sim
