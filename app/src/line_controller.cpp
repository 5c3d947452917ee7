#include "coldsort/app/line_controller.hpp"

#include <algorithm>

#include "coldsort/core/log.hpp"

namespace coldsort::app {
namespace {

using namespace std::chrono_literals;

// Reconnect back-off: fast enough to recover within a second of a PLC reboot, capped so a
// dead link costs one failed connect every 5 s.
constexpr auto kMinBackoff = 100ms;
constexpr auto kMaxBackoff = 5000ms;
// The PLC's watchdog stops the belt when our heartbeat stalls this long.
constexpr std::uint16_t kHeartbeatTimeoutMs = 2000;
constexpr auto kHeartbeatPeriod = 100ms;
// A cold-room reading older than this many poll periods is stale.
constexpr int kStalePolls = 5;

const core::DeviceConfig& sorter_device(const core::Config& config) {
  const core::DeviceConfig* d = config.first_device(core::DeviceKind::sorter_plc);
  if (d == nullptr) throw std::invalid_argument("config has no sorter_plc device");
  return *d;
}

}  // namespace

LineController::LineController(const core::Config& config, bridge::FieldBus& bus,
                               vision::CameraSource& camera, const vision::Grader& grader,
                               store::LogStore& store, const core::Clock& clock)
    : config_(config),
      plc_device_(sorter_device(config)),
      bus_(bus),
      camera_(camera),
      grader_(grader),
      store_(store),
      clock_(clock),
      allocation_(config),
      plc_(bus, plc_device_, config.line.lanes, config.line.outlet_table_slots) {
  for (const core::ColdRoom& room : config.cold_rooms) {
    const core::DeviceConfig* device = config.find_device(room.device);
    // Only controllers on the sorter's link are polled here; other links get their own
    // I/O thread with the bridge issue.
    cold_room_drivers_.push_back(device != nullptr && device->link == plc_device_.link
                                     ? std::make_unique<bridge::ColdRoomController>(bus, *device)
                                     : nullptr);
    cold_rooms_.emplace_back();
  }
  nearest_outlet_cups_ = config.line.outlet_table_slots;
  for (const core::Outlet& o : config.outlets)
    nearest_outlet_cups_ = std::min(nearest_outlet_cups_, o.position_cups);
  counters_.per_lane.assign(static_cast<std::size_t>(config.line.lanes), 0);
  started_ = clock.now();
  rate_window_start_ = started_;
}

void LineController::raise(const std::string& key, const std::string& source,
                           const std::string& message, core::AlarmPriority priority) {
  if (alarms_.raise(key, source, message, priority, clock_.wall_now())) {
    core::log::warn("alarm", key + ": " + message);
    for (const core::Alarm& a : alarms_.visible())
      if (a.key == key) store_.append_alarm_event(a);
  }
}

void LineController::clear(const std::string& key) {
  if (!alarms_.clear(key, clock_.wall_now())) return;
  core::log::info("alarm", key + ": returned to normal");
  core::Alarm cleared;
  cleared.key = key;
  cleared.state = core::AlarmState::normal;
  cleared.changed_at = clock_.wall_now();
  for (const core::Alarm& a : alarms_.visible())
    if (a.key == key) cleared = a;
  store_.append_alarm_event(cleared);
}

void LineController::link_failed(core::SteadyTime now, const boost::system::error_code& ec,
                                 const char* what) {
  bus_.close();
  link_up_ = false;
  last_status_.reset();
  next_connect_ = now + backoff_;
  backoff_ = std::min(backoff_ * 2, std::chrono::duration_cast<std::chrono::milliseconds>(kMaxBackoff));
  raise("link." + plc_device_.id + ".down", plc_device_.id,
        std::string("sorter PLC unreachable (") + what + ": " + ec.message() +
            "); retrying with back-off",
        core::AlarmPriority::high);
}

bool LineController::ensure_link(core::SteadyTime now) {
  if (link_up_) return true;
  if (now < next_connect_) return false;
  if (auto r = bus_.connect(); !r) {
    link_failed(now, r.error(), "connect");
    return false;
  }
  if (auto r = plc_.write_heartbeat_timeout(kHeartbeatTimeoutMs); !r) {
    link_failed(now, r.error(), "set watchdog");
    return false;
  }
  link_up_ = true;
  backoff_ = kMinBackoff;
  clear("link." + plc_device_.id + ".down");
  core::log::info("line", "sorter PLC link up");
  return true;
}

void LineController::step(core::SteadyTime now) {
  if (ensure_link(now)) {
    auto status = plc_.read_status();
    if (!status) {
      link_failed(now, status.error(), "read status");
    } else {
      last_status_ = *status;
      if (now >= next_heartbeat_) {
        next_heartbeat_ = now + kHeartbeatPeriod;
        if (auto r = plc_.write_heartbeat(++heartbeat_); !r) link_failed(now, r.error(), "heartbeat");
      }
      if (status->run_state == bridge::RunState::faulted)
        raise("sorter.faulted", plc_device_.id, "sorter PLC is faulted (fault bits " +
                                                    std::to_string(status->fault_bits) + ")",
              core::AlarmPriority::urgent);
      else
        clear("sorter.faulted");
      if (link_up_) process_cups(*status, now);
    }
  }
  if (link_up_) poll_cold_rooms(now);
  if (now - rate_window_start_ >= 5s) {
    double seconds = std::chrono::duration<double>(now - rate_window_start_).count();
    fruit_per_s_ = static_cast<double>(counters_.fruit_total - rate_window_fruit_) / seconds;
    rate_window_start_ = now;
    rate_window_fruit_ = counters_.fruit_total;
  }
}

void LineController::process_cups(const bridge::SorterStatus& status, core::SteadyTime now) {
  const std::uint64_t at_camera = status.cup_at_camera;
  if (!next_cup_ || *next_cup_ > at_camera + 1) next_cup_ = at_camera;  // first read, or PLC reset
  // A decision must be in the table `decision_margin_cups` before the nearest outlet.
  const std::uint64_t latest_usable = static_cast<std::uint64_t>(
      std::max(0, nearest_outlet_cups_ - config_.line.decision_margin_cups));
  std::vector<int> outlets(static_cast<std::size_t>(config_.line.lanes));
  for (std::uint64_t cup = *next_cup_; cup <= at_camera; ++cup) {
    const bool late = at_camera - cup > latest_usable;
    for (int lane = 0; lane < config_.line.lanes; ++lane)
      outlets[static_cast<std::size_t>(lane)] = decide(lane, cup, now, late);
    next_cup_ = cup + 1;
    if (late) continue;  // the PLC lets undecided cups ride to the end of the line
    if (auto r = plc_.write_decisions(cup, outlets); !r) {
      link_failed(now, r.error(), "write outlet table");
      return;
    }
  }
}

// All K views of the cup (the rollers turn the fruit between them). A lost view leaves the
// fruit partly unseen: the grader then treats it as doubtful, never as clean.
vision::GradeResult LineController::grade_cup(int lane, std::uint64_t cup, core::SteadyTime now,
                                              std::vector<vision::Frame>& frames) {
  const int views = std::max(1, config_.camera.views_per_fruit);
  frames.reserve(static_cast<std::size_t>(views));
  for (int view = 0; view < views; ++view)
    if (auto frame = camera_.capture(lane, cup, view, now); frame) frames.push_back(std::move(*frame));
  if (frames.empty()) {
    vision::GradeResult lost;
    lost.reason = core::DecisionReason::camera_drop;
    lost.measured.doubt = core::Doubt::lost_frame;
    return lost;
  }
  vision::GradeResult graded = grader_.grade_views(frames);
  if (static_cast<int>(frames.size()) < views && graded.reason != core::DecisionReason::empty_cup) {
    graded.grade = core::Grade::unknown;
    graded.size_code.clear();
    graded.reason = core::DecisionReason::uncertain;
    graded.measured.doubt = core::Doubt::lost_frame;
  }
  return graded;
}

int LineController::decide(int lane, std::uint64_t cup, core::SteadyTime now, bool late) {
  core::Fruit fruit;
  fruit.at = {lane, cup};
  fruit.seen_at = clock_.wall_now();
  fruit.lot_id = config_.current_lot;
  std::vector<vision::Frame> frames;
  vision::GradeResult graded = grade_cup(lane, cup, now, frames);
  fruit.measured = graded.measured;
  fruit.grade = graded.grade;
  fruit.size_code = graded.size_code;
  scheduler::OutletChoice choice = allocation_.choose(graded.grade, graded.size_code, graded.reason);
  fruit.product_id = choice.product_id;
  fruit.outlet = late ? 0 : choice.outlet;
  fruit.reason = late && choice.reason != core::DecisionReason::empty_cup
                     ? core::DecisionReason::late
                     : choice.reason;
  if (fruit.reason == core::DecisionReason::empty_cup) {
    ++counters_.empty_cups;
  } else {
    ++counters_.fruit_total;
    ++counters_.per_lane[static_cast<std::size_t>(lane)];
    ++counters_.per_outlet[fruit.outlet];
    ++counters_.per_grade[fruit.grade];
    store_.append_fruit(fruit);
  }
  if (archive_ != nullptr && fruit.reason != core::DecisionReason::empty_cup) {
    ArchiveFruit kept{fruit, config_.grading.id + "@" + config_.grading.version, {}};
    for (const vision::Frame& f : frames) kept.views.push_back(f.image);
    archive_->offer(std::move(kept));
  }
  if (on_decision_) on_decision_(fruit);
  return fruit.outlet;
}

void LineController::poll_cold_rooms(core::SteadyTime now) {
  for (std::size_t i = 0; i < cold_rooms_.size(); ++i) {
    ColdRoomState& state = cold_rooms_[i];
    const core::ColdRoom& room = config_.cold_rooms[i];
    if (!cold_room_drivers_[i] || now < state.next_poll) continue;
    const core::DeviceConfig* device = config_.find_device(room.device);
    auto period = std::chrono::milliseconds(device->poll_period_ms);
    state.next_poll = now + period;
    auto reading = cold_room_drivers_[i]->read();
    if (reading) {
      state.reading = *reading;
      state.last_good = now;
      store_.append_sensor_sample(room.device, "air_temp_c", reading->air_temp_c, clock_.wall_now());
      check_cold_room(room, *reading);
      clear("coldroom." + room.id + ".comm");
    } else if (now - state.last_good > period * kStalePolls) {
      raise("coldroom." + room.id + ".comm", room.device,
            room.name + ": no reading (" + reading.error().message() + ")",
            core::AlarmPriority::medium);
    }
  }
}

void LineController::check_cold_room(const core::ColdRoom& room, const bridge::ColdRoomReading& r) {
  const std::string key = "coldroom." + room.id + ".temp";
  if (r.air_temp_c > room.max_c || r.air_temp_c < room.min_c) {
    char text[160];
    std::snprintf(text, sizeof text, "%s: %.1f °C outside %.1f..%.1f °C", room.name.c_str(),
                  r.air_temp_c, room.min_c, room.max_c);
    raise(key, room.device, text, core::AlarmPriority::high);
  } else {
    clear(key);
  }
}

}  // namespace coldsort::app
