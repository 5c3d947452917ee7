#include "coldsort/app/line_controller.hpp"

#include <algorithm>

#include "coldsort/core/log.hpp"
#include "coldsort/scheduler/plan_json.hpp"
#include "field_device_views.hpp"

namespace coldsort::app {
namespace {

using namespace std::chrono_literals;
using bridge::BridgeEvent;

const core::DeviceConfig& sorter_device(const core::Config& config) {
  const core::DeviceConfig* d = config.first_device(core::DeviceKind::sorter_plc);
  if (d == nullptr) throw std::invalid_argument("config has no sorter_plc device");
  return *d;
}

}  // namespace

LineController::LineController(const core::Config& config, bridge::DeviceHub& hub,
                               vision::CameraSource& camera, const vision::Grader& grader,
                               store::LogStore& store, const core::Clock& clock)
    : config_(config),
      plc_device_(sorter_device(config)),
      hub_(hub),
      camera_(camera),
      grader_(grader),
      store_(store),
      clock_(clock),
      allocation_(config),
      plc_(plc_device_, config.line.lanes, config.line.outlet_table_slots),
      cold_chain_(config.cold_rooms),
      field_devices_(std::make_unique<FieldDeviceViews>(config)) {
  nearest_outlet_cups_ = config.line.outlet_table_slots;
  for (const core::Outlet& o : config.outlets)
    nearest_outlet_cups_ = std::min(nearest_outlet_cups_, o.position_cups);
  counters_.per_lane.assign(static_cast<std::size_t>(config.line.lanes), 0);
  started_ = clock.now();
  rate_window_start_ = started_;
  // The PLC's watchdog: held, so it is written again whenever the link comes back (a PLC that
  // restarted has it disabled).
  hub_.hold(plc_device_.id, plc_.watchdog(std::chrono::milliseconds(config.line.watchdog_ms)));
}

LineController::~LineController() = default;

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

void LineController::step(core::SteadyTime now) {
  handle_bridge_events();
  beat(now);
  update_outlet_availability();
  follow_plan_allocation(now);
  follow_plc(now);
  watch_cold_rooms(now);
  check_drives();
  check_store();
  alarms_.expire_shelves(clock_.wall_now());
  store_alarm_events();
  if (now - rate_window_start_ >= 5s) {
    double seconds = std::chrono::duration<double>(now - rate_window_start_).count();
    fruit_per_s_ = static_cast<double>(counters_.fruit_total - rate_window_fruit_) / seconds;
    rate_window_start_ = now;
    rate_window_fruit_ = counters_.fruit_total;
  }
}

void LineController::follow_plan(std::shared_ptr<const scheduler::Plan> plan, core::WallTime day_start) {
  plan_ = std::move(plan);
  plan_day_start_ = day_start;
  plan_minute_ = -1;
  plan_products_.clear();
  allocation_ = scheduler::OutletAllocation(config_);
  next_plan_check_ = {};
}

// Once a second is plenty: plan windows are whole minutes, and a fruit decided a second
// before a product changes outlet is still one the outgoing product's packers can use.
void LineController::follow_plan_allocation(core::SteadyTime now) {
  if (!plan_ || now < next_plan_check_) return;
  next_plan_check_ = now + 1s;
  const auto since_start = clock_.wall_now() - plan_day_start_;
  const int minute = static_cast<int>(std::chrono::floor<std::chrono::minutes>(since_start).count());
  auto products = minute >= 0 ? scheduler::outlet_products_at(*plan_, minute) : std::map<std::string, std::string>{};
  if (products == plan_products_) return;  // empty exactly while the config's allocation applies
  plan_products_ = std::move(products);
  if (plan_products_.empty()) {
    plan_minute_ = -1;
    allocation_ = scheduler::OutletAllocation(config_);
    core::log::info("line", "no plan allocation at minute " + std::to_string(minute) + "; outlets as configured");
    return;
  }
  plan_minute_ = minute;
  allocation_ = scheduler::OutletAllocation(config_, plan_products_);
  core::log::info("line", "outlets follow plan " + plan_->method + " at minute " + std::to_string(minute) + ": " +
                              std::to_string(allocation_.products_by_outlet().size()) + " product outlets");
  for (const std::string& skipped : allocation_.unknown())
    core::log::warn("line", "plan allocation " + skipped + " is not a product outlet and product of this line; skipped");
}

// Link and device transitions from the I/O threads become alarms (and clear them).
void LineController::handle_bridge_events() {
  for (const BridgeEvent& e : hub_.take_events()) {
    switch (e.kind) {
      case BridgeEvent::Kind::link_down:
        raise("link." + e.link + ".down", e.link, e.message + "; retrying with back-off",
              core::AlarmPriority::high);
        break;
      case BridgeEvent::Kind::link_up:
        clear("link." + e.link + ".down");
        break;
      case BridgeEvent::Kind::device_offline:
        raise("device." + e.device + ".offline", e.device, e.message, core::AlarmPriority::medium);
        break;
      case BridgeEvent::Kind::device_online:
        clear("device." + e.device + ".offline");
        break;
      case BridgeEvent::Kind::write_refused:
        core::log::warn("bridge", e.message);
        break;
    }
  }
}

// Our heartbeat: a new value every period, held in the PLC by the sorter's link worker. It
// comes from this (the line) thread, so a stuck controller stops it even while the I/O
// thread still runs, and the PLC's watchdog stops the belt.
void LineController::beat(core::SteadyTime now) {
  if (now < next_heartbeat_) return;
  next_heartbeat_ = now + std::chrono::milliseconds(config_.line.heartbeat_period_ms);
  hub_.hold(plc_device_.id, plc_.heartbeat(++heartbeat_));
}

void LineController::follow_plc(core::SteadyTime now) {
  auto values = hub_.values(plc_device_.id);
  auto status = values ? plc_.status(*values) : core::Result<bridge::SorterStatus>(core::errc::link_down);
  if (!status) {
    plc_ok_ = false;
    last_status_.reset();
    // A few polls without usable status are noise; longer is an alarm, whatever the cause
    // (link, exceptions, values out of range). The link's own alarm says more when it is down.
    if (!plc_unusable_since_) plc_unusable_since_ = now;
    if (now - *plc_unusable_since_ > std::chrono::milliseconds(config_.line.plc_heartbeat_timeout_ms))
      raise("sorter.status", plc_device_.id,
            "no usable status from the sorter PLC (" + status.error().message() +
                "): no decisions reach it, fruit rides to recirculation",
            core::AlarmPriority::high);
    return;
  }
  plc_unusable_since_.reset();
  clear("sorter.status");
  last_status_ = *status;
  check_plc_heartbeat(*status, now);
  if (status->run_state == bridge::RunState::faulted)
    raise("sorter.faulted", plc_device_.id,
          "sorter PLC is faulted (fault bits " + std::to_string(status->fault_bits) + ")",
          core::AlarmPriority::urgent);
  else
    clear("sorter.faulted");
  if (plc_ok_) process_cups(*status, now);
}

// The PLC's heartbeat must keep changing: a PLC whose program stopped may still answer Modbus
// from its communication processor, with frozen values. A stall is a fault: no decisions are
// sent (the PLC would not act on them), and the alarm says why.
void LineController::check_plc_heartbeat(const bridge::SorterStatus& status, core::SteadyTime now) {
  if (!plc_beat_ || *plc_beat_ != status.plc_heartbeat) {
    plc_beat_ = status.plc_heartbeat;
    plc_beat_changed_ = now;
  }
  const auto timeout = std::chrono::milliseconds(config_.line.plc_heartbeat_timeout_ms);
  const bool stalled = now - plc_beat_changed_ > timeout;
  if (stalled)
    raise("sorter.heartbeat", plc_device_.id,
          "sorter PLC heartbeat has not changed for more than " +
              std::to_string(config_.line.plc_heartbeat_timeout_ms) +
              " ms: PLC program stopped? Decisions withheld",
          core::AlarmPriority::urgent);
  else
    clear("sorter.heartbeat");
  plc_ok_ = !stalled;
}

// An outlet whose devices (its take-away conveyor's drive, say) are offline cannot take fruit.
void LineController::update_outlet_availability() {
  for (const core::Outlet& o : config_.outlets) {
    if (o.devices.empty()) continue;
    std::string lost;
    for (const std::string& d : o.devices) {
      auto v = hub_.values(d);
      if (!v || v->state == bridge::DeviceState::offline) lost = d;
    }
    const std::string key = "outlet." + o.id + ".unavailable";
    if (!lost.empty()) {
      if (unavailable_outlets_.insert(o.number).second)
        raise(key, o.id, "outlet " + o.id + " diverted to reject: device " + lost + " lost",
              core::AlarmPriority::high);
    } else if (unavailable_outlets_.erase(o.number) != 0) {
      clear(key);
    }
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
    hub_.hold(plc_device_.id, plc_.decisions(cup, outlets));
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
  if (!late && fruit.outlet != 0 && unavailable_outlets_.count(fruit.outlet) != 0) {
    // The outlet cannot take fruit now (its take-away conveyor's drive is lost, say): reject,
    // or let it ride to the end when the reject outlet is unavailable too.
    const int reject = config_.outlet_of_kind(core::OutletKind::reject).number;
    fruit.outlet = unavailable_outlets_.count(reject) == 0 ? reject : 0;
    fruit.reason = core::DecisionReason::outlet_unavailable;
  }
  if (late && fruit.reason == core::DecisionReason::late) ++counters_.late_decisions;
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

// A drive that reports its own fault (overcurrent, overvoltage, ...) is an alarm; the code
// is the vendor's, see the drive's manual (docs/devices.md).
void LineController::check_drives() {
  for (const auto& [id, vfd] : field_devices_->drives()) {
    auto v = hub_.values(id);
    if (!v) continue;
    const bridge::VfdStatus s = vfd.status(*v);
    if (s.quality != bridge::Quality::good) continue;  // offline: the device alarm says so
    const std::string key = "vfd." + id + ".fault";
    if (s.faulted)
      raise(key, id, "drive " + id + " tripped (fault code " + std::to_string(s.fault_code) + ")",
            core::AlarmPriority::high);
    else
      clear(key);
  }
}

// A log store that cannot write (disk full, read-only, I/O errors) keeps records in memory
// and drops sensor samples first; the line keeps sorting, and a person must free the disk.
// The reason names the file and SQLite's error; it stays the same while the fault lasts,
// so the alarm is raised once. stats() is a copy under a mutex: cheap at the step rate.
void LineController::check_store() {
  const store::StoreStats stats = store_.stats();
  if (stats.degraded)
    raise("store.write", "store", "log store degraded: " + stats.degraded_reason, core::AlarmPriority::high);
  else
    clear("store.write");
}

// Every ISA-18.2 state change (raise, acknowledge, return, shelve) goes to the audit trail.
void LineController::store_alarm_events() {
  for (const core::AlarmEvent& e : alarms_.take_events()) store_.append_alarm_transition(e);
}

namespace {

std::optional<Reading> reading_of(const std::optional<bridge::DeviceValues>& v, const std::string& point) {
  if (point.empty()) return std::nullopt;
  // The device does not have it: not monitored. Unreachable device: stale, so it is noticed.
  if (!v) return Reading{0, ReadingQuality::stale};
  const bridge::PointReading* r = v->find(point);
  if (r == nullptr || r->values.empty()) return std::nullopt;
  const ReadingQuality q = r->quality == bridge::Quality::good    ? ReadingQuality::good
                           : r->quality == bridge::Quality::bad   ? ReadingQuality::bad
                                                                  : ReadingQuality::stale;
  return Reading{r->values.front(), q};
}

}  // namespace

ColdRoomSample LineController::sample_of(const core::ColdRoom& room) const {
  auto values_of = [&](const std::string& device) {
    return hub_.values(device.empty() ? room.device : device);
  };
  const auto main = values_of(room.device);
  ColdRoomSample s;
  s.control_c = reading_of(main, room.probes.control_point);
  s.record_c = reading_of(values_of(room.probes.record_device), room.probes.record_point);
  s.humidity_pct = reading_of(values_of(room.probes.humidity_device), room.probes.humidity_point);
  s.door_open = reading_of(main, "door_open");
  s.defrost = reading_of(main, "defrost");
  s.compressor_on = reading_of(main, "compressor_on");
  return s;
}

// Judges each room once per poll of its controller (ColdChainMonitor: levels with delay and
// deadband, door, probe faults, chilling), applies its alarms and stores its excursions and
// the probe readings.
void LineController::watch_cold_rooms(core::SteadyTime now) {
  for (const core::ColdRoom& room : config_.cold_rooms) {
    const core::DeviceConfig* device = config_.find_device(room.device);
    if (device == nullptr) continue;
    auto& due = next_room_check_[room.id];
    if (now < due) continue;
    due = now + std::chrono::milliseconds(device->poll_period_ms);
    const ColdRoomSample sample = sample_of(room);
    ColdChainOutput out = cold_chain_.update(room.id, sample, now, clock_.wall_now());
    for (const AlarmRequest& a : out.alarms) {
      if (a.action == AlarmRequest::Action::raise)
        raise(a.key, a.source, a.message, a.priority);
      else
        clear(a.key);
    }
    for (const core::ColdExcursion& e : out.excursions) store_.append_excursion(e);
    for (const auto& [point, reading] : {std::pair{room.probes.control_point, sample.control_c},
                                         std::pair{room.probes.record_point, sample.record_c}})
      if (reading && reading->quality == ReadingQuality::good)
        store_.append_sensor_sample(room.device, point, reading->value, clock_.wall_now());
  }
}

}  // namespace coldsort::app
