#pragma once
// Cold-chain monitoring of the cold rooms: four temperature alarm levels with delay and
// deadband, humidity, door open too long, probe faults (out of range, stuck, stale, two
// probes disagreeing), chilling-injury advisory, and an excursion record for each span
// beyond a limit. Pure logic: the caller feeds one sample per room per poll with the time,
// and applies what comes back (alarm requests to the AlarmBoard, excursions to the store).
// The rules and their sources are in docs/cold-chain.md.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/core/alarm.hpp"
#include "coldsort/core/clock.hpp"
#include "coldsort/core/cold_room.hpp"

namespace coldsort::app {

// As the bridge reports it: good (fresh, within the map's range), stale (not refreshed:
// kept for display, never judged), bad (the device answered garbage or an exception).
enum class ReadingQuality { good, stale, bad };

struct Reading {
  double value = 0;
  ReadingQuality quality = ReadingQuality::good;
};

// One poll of one room, in engineering units. An empty optional means the room has no
// such point (it is then not monitored); a point that exists but could not be read must
// come as stale, so that its silence is noticed.
struct ColdRoomSample {
  std::optional<Reading> control_c;      // ColdRoom::probes.control_point
  std::optional<Reading> record_c;       // ColdRoom::probes.record_point
  std::optional<Reading> humidity_pct;   // ColdRoom::probes.humidity_point
  std::optional<Reading> door_open;      // non-zero: open
  std::optional<Reading> defrost;        // non-zero: defrosting
  std::optional<Reading> compressor_on;  // non-zero: running; only tells the room is in use
};

struct AlarmRequest {
  enum class Action { raise, clear };
  Action action = Action::raise;
  std::string key;     // "cold.<room id>.temp.high", see docs/cold-chain.md for all keys
  std::string source;  // the room id
  std::string message; // plain words with the value and the limit
  core::AlarmPriority priority = core::AlarmPriority::medium;
};

// What one call produced, in the order it happened.
struct ColdChainOutput {
  std::vector<AlarmRequest> alarms;
  std::vector<core::ColdExcursion> excursions;  // closed excursions, ready to store
  bool empty() const { return alarms.empty() && excursions.empty(); }
};

// A room at a glance, for the HMI.
struct ColdRoomSnapshot {
  std::string room;
  std::optional<double> control_c;  // usable values of the last sample (nullopt: none)
  std::optional<double> record_c;
  std::optional<double> humidity_pct;
  std::optional<double> temp_c;  // the temperature judged: the record probe, else control
  std::string temp_point;        // which point temp_c came from
  bool door_open = false;
  bool defrost = false;
  bool high_alarms_held = false;  // defrost or its recovery time: high alarms wait
  std::vector<std::string> active_alarms;  // keys raised and not cleared
  // Local day (see Options::utc_offset): time with a judged temperature, and the part of
  // it inside [min_c, max_c]. Gaps longer than Options::max_gap count as neither.
  std::chrono::milliseconds measured_today{0};
  std::chrono::milliseconds in_range_today{0};
  int door_openings_today = 0;
  std::chrono::milliseconds below_chilling{0};      // cumulative, since start or reset
  std::vector<core::ColdExcursion> open_excursions;  // end and duration: up to the last sample
};

namespace detail {
class RoomWatch;
}

// Thread safety: none; owned by the controller's thread.
class ColdChainMonitor {
 public:
  struct Options {
    // Where "today" begins; the site is in China Standard Time (UTC+8, no daylight saving).
    std::chrono::minutes utc_offset{8 * 60};
    // Two samples further apart than this leave a gap: its time is not counted anywhere.
    std::chrono::milliseconds max_gap{std::chrono::minutes{10}};
  };

  // Rooms as validated by the config loader (defaults filled in). Throws
  // std::invalid_argument on two rooms with one id (a programmer error: config rejects it).
  explicit ColdChainMonitor(const std::vector<core::ColdRoom>& rooms);
  ColdChainMonitor(const std::vector<core::ColdRoom>& rooms, Options options);
  ~ColdChainMonitor();
  ColdChainMonitor(ColdChainMonitor&&) noexcept;
  ColdChainMonitor& operator=(ColdChainMonitor&&) noexcept;

  // Judges one sample of `room_id` taken at `now` (steady, for durations) / `wall_now`
  // (calendar, for records). Times must not go backwards per room. Throws
  // std::invalid_argument for a room id not given to the constructor.
  ColdChainOutput update(std::string_view room_id, const ColdRoomSample& sample,
                         core::SteadyTime now, core::WallTime wall_now);

  ColdRoomSnapshot snapshot(std::string_view room_id) const;
  std::vector<ColdRoomSnapshot> snapshots() const;

  // The room was emptied and restocked: the chilling time starts again from zero (and
  // its advisory clears).
  ColdChainOutput reset_chilling(std::string_view room_id);
  // Carries a chilling time over a restart (the caller stored snapshot().below_chilling).
  void restore_chilling(std::string_view room_id, std::chrono::milliseconds below);

  // Monitoring stops (shutdown): closes every open excursion as of the last sample so that
  // none is lost, detail "open when monitoring stopped". Alarms are left as they are.
  // A later update starts afresh.
  ColdChainOutput finish();

 private:
  detail::RoomWatch& room(std::string_view room_id) const;

  std::vector<std::unique_ptr<detail::RoomWatch>> rooms_;
};

}  // namespace coldsort::app
