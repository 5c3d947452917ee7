#pragma once
// The controller of one sorting line: follows the sorter PLC's cup counter through the field
// devices' hub, grades the fruit in every cup that reaches the camera, maps it to an outlet and
// hands the decision to the sorter's link worker well before the cup reaches its outlet;
// keeps the heartbeat both ways; watches the cold rooms; records every fruit in the log
// store; raises and clears alarms. It never waits on a device: the hub's I/O threads do the
// Modbus work and the controller reads their latest values.
// Steppable: step(now) does one cycle and never sleeps; run loops call it on a timer and
// tests call it with a fake clock (stepping the hub inline before it).
// Thread safety: none. One thread (the line thread) owns it; status_json() returns a copy
// that may be handed to other threads.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "coldsort/app/cold_chain_monitor.hpp"
#include "coldsort/app/image_archive.hpp"
#include "coldsort/bridge/device_hub.hpp"
#include "coldsort/bridge/scada_image.hpp"
#include "coldsort/bridge/sorter_plc.hpp"
#include "coldsort/core/alarm.hpp"
#include "coldsort/core/clock.hpp"
#include "coldsort/core/config.hpp"
#include "coldsort/scheduler/outlet_allocation.hpp"
#include "coldsort/scheduler/plan.hpp"
#include "coldsort/store/log_store.hpp"
#include "coldsort/vision/camera_source.hpp"
#include "coldsort/vision/grader.hpp"

namespace coldsort::app {

class FieldDeviceViews;

struct LineCounters {
  std::uint64_t fruit_total = 0;
  std::uint64_t empty_cups = 0;
  std::uint64_t late_decisions = 0;  // cups decided too late to reach the PLC in time
  std::vector<std::uint64_t> per_lane;
  std::map<int, std::uint64_t> per_outlet;  // by outlet number
  std::map<core::Grade, std::uint64_t> per_grade;
};

class LineController {
 public:
  // Holds the PLC watchdog setting in the sorter at once (written when its link is up).
  // Throws std::invalid_argument when a device's map does not fit its driver (config error).
  LineController(const core::Config& config, bridge::DeviceHub& hub,
                 vision::CameraSource& camera, const vision::Grader& grader,
                 store::LogStore& store, const core::Clock& clock);
  ~LineController();

  void step(core::SteadyTime now);

  // Called with every fruit decision (including empty cups), on the line thread.
  void on_decision(std::function<void(const core::Fruit&)> callback) {
    on_decision_ = std::move(callback);
  }
  // Every decided fruit's views go to `archive` (it keeps rejects, doubtful fruit and a
  // sample of the rest); nullptr stops archiving. The archive must outlive the controller.
  void archive_images_to(ImageArchive* archive) { archive_ = archive; }
  // Follows a published plan's outlet allocation: at each minute of the plan's day (minute 0
  // at `day_start`) the outlets carry the plan's products; before and after the plan's
  // windows, the config's allocation applies. nullptr goes back to the config's. Call it on
  // the line thread (or before the line thread starts).
  void follow_plan(std::shared_ptr<const scheduler::Plan> plan, core::WallTime day_start);
  std::string status_json() const;
  // What plant SCADA sees (bridge::ScadaServer); a copy, like status_json().
  bridge::ScadaImage scada_image() const;
  const core::AlarmBoard& alarms() const { return alarms_; }
  const ColdChainMonitor& cold_chain() const { return cold_chain_; }
  const LineCounters& counters() const { return counters_; }
  // The PLC answers with fresh status and its heartbeat is alive.
  bool is_plc_link_up() const { return plc_ok_; }
  // Outlet numbers currently diverted to reject because a device they need is lost.
  const std::set<int>& unavailable_outlets() const { return unavailable_outlets_; }

 private:
  void handle_bridge_events();
  void beat(core::SteadyTime now);
  void follow_plc(core::SteadyTime now);
  void check_plc_heartbeat(const bridge::SorterStatus& status, core::SteadyTime now);
  void update_outlet_availability();
  void process_cups(const bridge::SorterStatus& status, core::SteadyTime now);
  int decide(int lane, std::uint64_t cup, core::SteadyTime now, bool late);
  vision::GradeResult grade_cup(int lane, std::uint64_t cup, core::SteadyTime now,
                                std::vector<vision::Frame>& frames);
  void watch_cold_rooms(core::SteadyTime now);
  void follow_plan_allocation(core::SteadyTime now);
  ColdRoomSample sample_of(const core::ColdRoom& room) const;
  void store_alarm_events();
  void check_drives();
  void check_store();
  void raise(const std::string& key, const std::string& source, const std::string& message,
             core::AlarmPriority priority);
  void clear(const std::string& key);

  const core::Config& config_;
  const core::DeviceConfig& plc_device_;
  bridge::DeviceHub& hub_;
  vision::CameraSource& camera_;
  const vision::Grader& grader_;
  store::LogStore& store_;
  const core::Clock& clock_;
  scheduler::OutletAllocation allocation_;
  std::shared_ptr<const scheduler::Plan> plan_;
  core::WallTime plan_day_start_{};
  int plan_minute_ = -1;  // the plan minute the allocation was last taken at; -1: config's
  std::map<std::string, std::string> plan_products_;
  core::SteadyTime next_plan_check_{};
  bridge::SorterPlc plc_;
  core::AlarmBoard alarms_;
  ColdChainMonitor cold_chain_;
  std::unique_ptr<FieldDeviceViews> field_devices_;
  std::map<std::string, core::SteadyTime> next_room_check_;  // room id -> next sample due
  std::function<void(const core::Fruit&)> on_decision_;
  ImageArchive* archive_ = nullptr;

  bool plc_ok_ = false;
  core::SteadyTime next_heartbeat_{};
  std::uint16_t heartbeat_ = 0;
  std::optional<core::SteadyTime> plc_unusable_since_;
  std::optional<std::uint16_t> plc_beat_;  // last PLC heartbeat seen, and when it changed
  core::SteadyTime plc_beat_changed_{};
  std::optional<std::uint64_t> next_cup_;
  std::optional<bridge::SorterStatus> last_status_;
  std::set<int> unavailable_outlets_;
  int nearest_outlet_cups_ = 0;
  LineCounters counters_;
  core::SteadyTime started_{};
  core::SteadyTime rate_window_start_{};
  std::uint64_t rate_window_fruit_ = 0;
  double fruit_per_s_ = 0;
};

}  // namespace coldsort::app
