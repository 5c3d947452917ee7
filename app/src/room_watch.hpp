#pragma once
// Everything the cold-chain monitor judges about one room.
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coldsort/app/cold_chain_monitor.hpp"
#include "limit_tracker.hpp"
#include "probe_watch.hpp"

namespace coldsort::app::detail {

// Thread safety: none; owned by the ColdChainMonitor.
class RoomWatch {
 public:
  RoomWatch(const core::ColdRoom& room, const ColdChainMonitor::Options& options);

  const std::string& id() const { return room_.id; }
  void update(const ColdRoomSample& sample, const Stamp& at, ColdChainOutput& out);
  ColdRoomSnapshot snapshot() const;
  void reset_chilling(ColdChainOutput& out);
  void restore_chilling(std::chrono::milliseconds below) { below_chilling_ = below; }
  // Closes the open excursions as of the last sample; the next update starts afresh.
  void finish(ColdChainOutput& out);

 private:
  // Door, defrost and compressor as last read good; a change means the room is in use.
  struct Switches {
    std::optional<bool> door;
    std::optional<bool> defrost;
    std::optional<bool> compressor;
  };

  bool update_switches(const ColdRoomSample& sample, const Stamp& at);
  bool is_high_held(const Stamp& at) const;
  void judge_probes(const ColdRoomSample& sample, bool in_use, const Stamp& at,
                    ColdChainOutput& out);
  void judge_levels(bool held, const Stamp& at, ColdChainOutput& out);
  void update_door(const Stamp& at, ColdChainOutput& out);
  void close_door(const Stamp& at, const std::string& detail, ColdChainOutput& out);
  std::optional<core::ColdExcursion> open_door(const Stamp& at) const;
  void accumulate(const Stamp& at);
  void check_chilling(ColdChainOutput& out);
  void note_alarms(const ColdChainOutput& out, std::size_t from);
  std::string key(const std::string& suffix) const { return "cold." + room_.id + "." + suffix; }

  core::ColdRoom room_;
  ColdChainMonitor::Options options_;
  std::vector<LimitTracker> temp_levels_;      // high_high, high, low, low_low
  std::vector<LimitTracker> humidity_levels_;  // high, low
  LimitTracker disagree_;
  ProbeWatch control_;
  ProbeWatch record_;
  ProbeWatch humidity_;

  std::optional<Stamp> last_at_;
  Switches switches_;
  std::optional<core::SteadyTime> defrost_ended_;
  std::optional<double> raw_control_, raw_record_;  // last good raw values, for "in use"
  std::optional<double> control_c_, record_c_, humidity_pct_, temp_c_;  // judged this sample
  std::string temp_point_;
  std::optional<double> last_temp_c_;  // judged at the previous sample

  bool door_open_ = false;
  Stamp door_since_;
  double door_peak_c_ = 0;
  bool door_has_peak_ = false;
  bool door_alarmed_ = false;

  long long today_ = 0;  // local day number
  std::chrono::milliseconds measured_today_{0};
  std::chrono::milliseconds in_range_today_{0};
  int door_openings_today_ = 0;
  std::chrono::milliseconds below_chilling_{0};
  bool chilling_alarmed_ = false;
  std::set<std::string> active_alarms_;
};

}  // namespace coldsort::app::detail
