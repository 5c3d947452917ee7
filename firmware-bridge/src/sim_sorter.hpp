#pragma once
// The simulated sorter PLC: encoder, cups on every lane, the outlet table ring, ejectors that
// fire from the table, counters, heartbeat and the PC watchdog. Behaviour and register
// layout: docs/register-maps.md.
// Thread safety: none (see DeviceModel).
#include <chrono>
#include <cstdint>
#include <deque>
#include <utility>
#include <optional>
#include <vector>

#include "coldsort/bridge/line_simulator.hpp"
#include "coldsort/core/config.hpp"
#include "sim_device_model.hpp"

namespace coldsort::bridge::sim {

class SorterModel final : public DeviceModel {
 public:
  // Initialises the command registers in `bank` (run_command 1, speed setpoint from the line
  // config, watchdog off) and starts running at `start`. `device` must outlive the model.
  SorterModel(const core::DeviceConfig& device, const core::LineConfig& line,
              const std::vector<core::Outlet>& outlets, RegisterBank& bank, core::SteadyTime start);

  void step(core::SteadyTime now, RegisterBank& bank) override;
  std::uint64_t cup_at_camera() const { return cup_; }
  std::vector<Ejection> take_ejections();

  // Encoder resolution of the simulated PLC.
  static constexpr int counts_per_cup = 100;
  // Bound on unread ejection records (about 2 h of a 4-lane line at 8 cups/s); the oldest are
  // dropped beyond it so an embedding that never reads them cannot grow without limit.
  static constexpr std::size_t max_records = std::size_t{1} << 18;

 private:
  // Outlets sharing one position along the line.
  struct Stage {
    int position_cups = 0;
    std::vector<int> outlet_numbers;
  };
  // A cup between the first and the last outlet position, on one lane.
  struct CupState {
    std::uint64_t cup = 0;
    bool valid = false;
    bool ejected = false;
    bool had_decision = false;
  };

  std::chrono::milliseconds track_heartbeat(core::SteadyTime now, const RegisterBank& bank);
  std::chrono::nanoseconds update_run_state(core::SteadyTime now, const RegisterBank& bank);
  void move_belt(std::chrono::nanoseconds running_for, const RegisterBank& bank);
  void pass_cup(std::uint64_t cup_at_camera, const RegisterBank& bank);
  void handle_stage(int lane, std::uint64_t cup, const Stage& stage, bool last,
                    const RegisterBank& bank);
  // The {tag, outlet} words the table holds for `cup` on `lane`.
  std::pair<std::uint16_t, std::uint16_t> read_slot(int lane, std::uint64_t cup,
                                                    const RegisterBank& bank) const;
  void record(const Ejection& e);
  void publish(RegisterBank& bank) const;
  double speed_setpoint(const RegisterBank& bank) const;

  // The map's points, looked up once; optional ones may be null.
  struct Points {
    const core::RegisterPoint* encoder_count = nullptr;
    const core::RegisterPoint* cup_at_camera = nullptr;
    const core::RegisterPoint* belt_speed = nullptr;
    const core::RegisterPoint* run_state = nullptr;
    const core::RegisterPoint* plc_heartbeat = nullptr;
    const core::RegisterPoint* fault_bits = nullptr;      // optional
    const core::RegisterPoint* undecided_cups = nullptr;  // optional
    const core::RegisterPoint* ejections = nullptr;
    const core::RegisterPoint* pc_heartbeat = nullptr;
    const core::RegisterPoint* run_command = nullptr;
    const core::RegisterPoint* speed_setpoint = nullptr;     // optional
    const core::RegisterPoint* heartbeat_timeout = nullptr;  // optional: no watchdog
    const core::RegisterPoint* outlet_table = nullptr;
  };
  static Points find_points(const core::DeviceConfig& device);

  Points points_;
  double nominal_speed_cups_per_s_;
  int lanes_;
  int table_slots_;
  std::vector<Stage> stages_;                     // by position, nearest the camera first
  std::vector<std::vector<CupState>> in_flight_;  // per lane, ring indexed by cup % size

  core::SteadyTime last_;
  std::uint64_t counts_ = 0;
  // Motion below one count, in count-nanoseconds, carried to the next step: integer
  // arithmetic, so a thousand small steps move the belt exactly as far as one large one.
  std::int64_t partial_count_ns_ = 0;
  std::uint64_t cup_ = 0;
  int run_state_ = 1;
  std::uint16_t fault_bits_ = 0;
  double speed_cups_per_s_ = 0;
  std::uint64_t undecided_ = 0;
  // After a watchdog trip, the decisions for the cups then on the belt come from a controller
  // that stopped: every cup up to this one rides to the end of the line (recirculation).
  std::optional<std::uint64_t> distrust_through_;
  std::vector<std::uint32_t> ejection_counts_;
  std::uint16_t plc_heartbeat_ = 0;
  std::chrono::nanoseconds since_heartbeat_{0};

  // PC watchdog.
  std::uint16_t pc_heartbeat_seen_ = 0;
  core::SteadyTime pc_heartbeat_changed_;
  std::uint32_t timeout_ms_seen_ = 0;
  bool restart_armed_ = false;  // run_command went to 0 while faulted

  std::deque<Ejection> records_;
};

}  // namespace coldsort::bridge::sim
