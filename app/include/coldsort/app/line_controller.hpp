#pragma once
// The controller of one sorting line: reads the sorter PLC's encoder over the field bus,
// grades the fruit in every cup that reaches the camera, maps it to an outlet and writes the
// decision into the PLC's outlet table before the cup reaches its outlet; polls the cold
// rooms; records every fruit in the log store; raises and clears alarms.
// Steppable: step(now) does one cycle and never sleeps; run loops call it on a timer and
// tests call it with a fake clock.
// Thread safety: none. One thread (the line thread) owns it; status_json() returns a copy
// that may be handed to other threads.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coldsort/app/image_archive.hpp"
#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/bridge/sorter_plc.hpp"
#include "coldsort/core/alarm.hpp"
#include "coldsort/core/clock.hpp"
#include "coldsort/core/config.hpp"
#include "coldsort/scheduler/outlet_allocation.hpp"
#include "coldsort/store/log_store.hpp"
#include "coldsort/vision/camera_source.hpp"
#include "coldsort/vision/grader.hpp"

namespace coldsort::app {

struct ColdRoomState {
  std::optional<bridge::ColdRoomReading> reading;
  core::SteadyTime last_good{};
  core::SteadyTime next_poll{};
};

struct LineCounters {
  std::uint64_t fruit_total = 0;
  std::uint64_t empty_cups = 0;
  std::vector<std::uint64_t> per_lane;
  std::map<int, std::uint64_t> per_outlet;  // by outlet number
  std::map<core::Grade, std::uint64_t> per_grade;
};

class LineController {
 public:
  LineController(const core::Config& config, bridge::FieldBus& bus,
                 vision::CameraSource& camera, const vision::Grader& grader,
                 store::LogStore& store, const core::Clock& clock);

  void step(core::SteadyTime now);

  // Called with every fruit decision (including empty cups), on the line thread.
  void on_decision(std::function<void(const core::Fruit&)> callback) {
    on_decision_ = std::move(callback);
  }
  // Every decided fruit's views go to `archive` (it keeps rejects, doubtful fruit and a
  // sample of the rest); nullptr stops archiving. The archive must outlive the controller.
  void archive_images_to(ImageArchive* archive) { archive_ = archive; }
  std::string status_json() const;
  const core::AlarmBoard& alarms() const { return alarms_; }
  const LineCounters& counters() const { return counters_; }
  bool is_plc_link_up() const { return link_up_; }

 private:
  bool ensure_link(core::SteadyTime now);
  void link_failed(core::SteadyTime now, const boost::system::error_code& ec, const char* what);
  void process_cups(const bridge::SorterStatus& status, core::SteadyTime now);
  int decide(int lane, std::uint64_t cup, core::SteadyTime now, bool late);
  vision::GradeResult grade_cup(int lane, std::uint64_t cup, core::SteadyTime now,
                                std::vector<vision::Frame>& frames);
  void poll_cold_rooms(core::SteadyTime now);
  void check_cold_room(const core::ColdRoom& room, const bridge::ColdRoomReading& r);
  void raise(const std::string& key, const std::string& source, const std::string& message,
             core::AlarmPriority priority);
  void clear(const std::string& key);

  const core::Config& config_;
  const core::DeviceConfig& plc_device_;
  bridge::FieldBus& bus_;
  vision::CameraSource& camera_;
  const vision::Grader& grader_;
  store::LogStore& store_;
  const core::Clock& clock_;
  scheduler::OutletAllocation allocation_;
  bridge::SorterPlc plc_;
  std::vector<std::unique_ptr<bridge::ColdRoomController>> cold_room_drivers_;
  std::vector<ColdRoomState> cold_rooms_;
  core::AlarmBoard alarms_;
  std::function<void(const core::Fruit&)> on_decision_;
  ImageArchive* archive_ = nullptr;

  bool link_up_ = false;
  core::SteadyTime next_connect_{};
  std::chrono::milliseconds backoff_{100};
  core::SteadyTime next_heartbeat_{};
  std::uint16_t heartbeat_ = 0;
  std::optional<std::uint64_t> next_cup_;
  std::optional<bridge::SorterStatus> last_status_;
  int nearest_outlet_cups_ = 0;
  LineCounters counters_;
  core::SteadyTime started_{};
  core::SteadyTime rate_window_start_{};
  std::uint64_t rate_window_fruit_ = 0;
  double fruit_per_s_ = 0;
};

}  // namespace coldsort::app
