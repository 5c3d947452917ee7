#pragma once
// The season generator's cold rooms: 1-minute samples of each room's recording probe and
// humidity around the clock (setpoint, controller cycling, defrosts, door openings in
// working hours, a few real faults a season), and the excursion records and alarms derived
// from those very samples, so that the HACCP record agrees with the raw readings.
#include <cstdint>
#include <string>
#include <vector>

#include "seed_calendar.hpp"
#include "seed_common.hpp"

namespace coldsort::store::detail {

// A disturbance over absolute season minutes [from_min, to_min).
struct RoomEvent {
  enum class Kind { door, long_door, trip, overcool, defrost } kind = Kind::door;
  std::int64_t from_min = 0;
  std::int64_t to_min = 0;
};

// Thread safety: none; one per seed run.
class ColdSeeder {
 public:
  ColdSeeder(const SeedOptions& options, const SeasonCalendar& calendar);
  // The raw stores lots wait in (room ids).
  std::vector<std::string> raw_rooms() const;
  // One band per room, stamped at the start of day 0.
  void add_bands(DayRecords& out) const;
  // Appends day `day`'s samples, closed excursions, alarm changes and acknowledgements.
  void generate_day(int day, DayRecords& out);

  // One alarm of a room through its ISA-18.2 states: raised after the delay, acknowledged
  // by the operator on shift 3-20 min later, cleared when the excursion closes.
  struct AlarmSlot {
    std::string key;
    std::string message;
    bool raised = false;
    bool acked = false;
    bool cleared = false;
    std::int64_t ack_ms = 0;
  };

  struct Room {
    std::string id, name, device;
    bool staging = false;
    double setpoint_c = 6, min_c = 5, max_c = 8;
    double cycle_min = 30;          // the controller's on/off period
    std::vector<RoomEvent> faults;  // the season's real excursions (sorted)
    // State carried from minute to minute (and day to day).
    double rise_c = 0;    // air temperature above what the controller holds
    double dry_pct = 0;   // humidity drawn down by open doors
    bool beyond = false;  // inside a run of samples beyond the band
    bool high = false;
    std::int64_t run_start_ms = 0;
    double run_peak = 0;
    bool run_defrost = false;
    bool run_alarmed = false;
    int run_cause = 0;    // the strongest disturbance seen during the run (see cause_text)
    bool door_open = false;
    bool door_long = false;
    std::int64_t door_start_ms = 0;
    double door_peak = 0;
    AlarmSlot temp_alarm;
    AlarmSlot door_alarm;
  };

 private:
  std::vector<RoomEvent> day_events(std::size_t room, int day, Rng& rng) const;
  void step_room(Room& room, const std::vector<RoomEvent>& events, std::int64_t abs_min,
                 std::int64_t t_ms, Rng& rng, DayRecords& out);
  void track_band(Room& room, double value, bool defrost, int cause, std::int64_t t_ms, Rng& rng,
                  DayRecords& out);
  void track_door(Room& room, bool open, bool long_open, double value, std::int64_t t_ms,
                  Rng& rng, DayRecords& out);
  void raise(const Room& room, AlarmSlot& slot, std::int64_t t_ms, Rng& rng, DayRecords& out);
  void clear(const Room& room, AlarmSlot& slot, std::int64_t t_ms, DayRecords& out);
  void poll_ack(const Room& room, AlarmSlot& slot, std::int64_t t_ms, DayRecords& out);

  const SeedOptions& options_;
  const SeasonCalendar& calendar_;
  std::vector<Room> rooms_;
};

}  // namespace coldsort::store::detail
