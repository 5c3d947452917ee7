#pragma once
// Parts of bench_bridge_decisions: the ledger that follows every decided cup from hold() to
// the PLC's acknowledgement and to the simulator's ejection record, the FieldBus decorator
// that feeds it, and the two controller loops (a SorterPlc loop, the real LineController).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "bench_bridge_support.hpp"
#include "coldsort/bridge/device_hub.hpp"
#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/bridge/line_simulator.hpp"
#include "coldsort/core/config.hpp"

namespace coldsort::bench {

// Thread safety: every member may be called from any thread (one mutex); the bus decorator
// calls acknowledged() on the link's I/O thread, the controller loop the rest.
class DecisionLedger {
 public:
  struct Counts {
    std::uint64_t cups_decided = 0;       // decisions held, within the measured range
    std::uint64_t cups_skipped_late = 0;  // not decided: the controller saw them too late
    std::uint64_t late_entries = 0;       // acknowledged within the margin, before the outlet
    std::uint64_t missed_entries = 0;     // acknowledged when the cup had reached the outlets
    std::int64_t min_slack_cups = 1 << 30;
    std::uint64_t table_writes = 0;       // outlet-table write requests for measured cups
    std::uint64_t partial_writes = 0;     // ... shorter than one cup's slot (2 x lanes words)
    std::uint64_t multi_cup_writes = 0;   // ... longer than one cup's slot
    std::uint64_t fruit_checked = 0;      // ejection records of measured, decided cups
    std::uint64_t undecided = 0;          // ... that had no valid decision at the outlet
    std::uint64_t skipped_at_outlet = 0;  // ejection records of cups skipped as late
    std::uint64_t wrong_outlet = 0;       // decided, but went to another outlet
  };

  // `plc_cup` returns the simulated PLC's cup at the camera now. Measures `cups_wanted` cups
  // from the first one decided.
  DecisionLedger(const core::DeviceConfig& sorter, const core::LineConfig& line,
                 int nearest_outlet_cups, std::uint64_t cups_wanted,
                 std::function<std::uint64_t()> plc_cup);

  // The bus with a decorator that reports answered outlet-table writes to this ledger.
  std::unique_ptr<bridge::FieldBus> wrap(std::unique_ptr<bridge::FieldBus> bus);

  // Just before hold(): the outlets decided for `cup`, one per lane.
  void decided(std::uint64_t cup, std::span<const int> outlets);
  void skipped_late(std::uint64_t cup);
  void check_ejections(const std::vector<bridge::Ejection>& ejections);
  // An answered write of `words` at holding register `address` of the sorter.
  void acknowledged(std::uint16_t address, std::span<const std::uint16_t> words);

  // The last cup of the measured range, once every cup in it has been decided or skipped.
  std::optional<std::uint64_t> last_cup() const;
  Counts counts() const;
  LatencySummary latency() const;  // hold() to acknowledgement of every lane's tag

 private:
  struct Pending {
    std::uint64_t cup = 0;
    std::chrono::steady_clock::time_point held_at;
    unsigned lanes_acked = 0;  // bit per lane
  };
  bool in_range(std::uint64_t cup) const;
  void note_cup(std::uint64_t cup);

  const core::DeviceConfig& sorter_;
  const core::RegisterPoint& table_;
  int lanes_;
  int slots_;
  int margin_cups_;
  int nearest_outlet_cups_;
  std::uint64_t cups_wanted_;
  std::function<std::uint64_t()> plc_cup_;

  mutable std::mutex mutex_;
  std::optional<std::uint64_t> first_cup_;
  std::uint64_t cups_seen_ = 0;  // decided or skipped, in range
  std::vector<std::int8_t> expected_;  // outlet per (cup - first) * lanes + lane; -1 skipped
  std::unordered_map<std::uint16_t, Pending> pending_;  // by tag
  std::vector<double> latency_us_;
  Counts counts_;
};

// The controller side of the benchmark, stepped every ~2 ms on the main thread.
class DecisionLoop {
 public:
  virtual ~DecisionLoop() = default;
  virtual void step(core::SteadyTime now) = 0;
};

// The outlet for (cup, lane) in the fixed pseudo-random sequence: 0 (no ejection) or an
// outlet number 1..`outlets`.
int sequence_outlet(std::uint64_t cup, int lane, int outlets);

std::unique_ptr<DecisionLoop> make_plc_loop(const core::Config& config, bridge::DeviceHub& hub,
                                            DecisionLedger& ledger);
std::unique_ptr<DecisionLoop> make_controller_loop(const core::Config& config,
                                                   bridge::DeviceHub& hub, DecisionLedger& ledger,
                                                   const core::Clock& clock);

}  // namespace coldsort::bench
