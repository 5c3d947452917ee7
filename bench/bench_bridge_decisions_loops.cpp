// The controller side of bench_bridge_decisions: a bare SorterPlc loop, or the real
// app::LineController with a stub camera and grader and the real log store.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "bench_bridge_decisions_parts.hpp"
#include "coldsort/app/line_controller.hpp"
#include "coldsort/bridge/sorter_plc.hpp"

namespace coldsort::bench {
namespace {

const core::DeviceConfig& sorter_of(const core::Config& config) {
  const core::DeviceConfig* d = config.first_device(core::DeviceKind::sorter_plc);
  if (d == nullptr) throw std::invalid_argument("config has no sorter_plc device");
  return *d;
}

int nearest_outlet(const core::Config& config) {
  int nearest = config.line.outlet_table_slots;
  for (const core::Outlet& o : config.outlets) nearest = std::min(nearest, o.position_cups);
  return nearest;
}

// SplitMix64 (Steele, Lea, Flood 2014): a fixed, well-mixed sequence from the cup index.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// What the controller does with a sorter, without vision: follow the cup counter, hold a
// decision for every new cup (outlets from the sequence), beat, and hold the watchdog.
class PlcLoop final : public DecisionLoop {
 public:
  PlcLoop(const core::Config& config, bridge::DeviceHub& hub, DecisionLedger& ledger)
      : config_(config),
        device_(sorter_of(config)),
        hub_(hub),
        ledger_(ledger),
        plc_(device_, config.line.lanes, config.line.outlet_table_slots),
        latest_usable_(static_cast<std::uint64_t>(
            std::max(0, nearest_outlet(config) - config.line.decision_margin_cups))) {
    hub_.hold(device_.id, {plc_.watchdog(std::chrono::milliseconds(config.line.watchdog_ms)),
                           plc_.run(true)});
    for (const core::Outlet& o : config.outlets) outlets_ = std::max(outlets_, o.number);
  }

  void step(core::SteadyTime now) override {
    if (now >= next_beat_) {
      next_beat_ = now + std::chrono::milliseconds(config_.line.heartbeat_period_ms);
      hub_.hold(device_.id, plc_.heartbeat(++beat_));
    }
    auto values = hub_.values(device_.id);
    if (!values) return;
    auto status = plc_.status(*values);
    if (!status || status->run_state != bridge::RunState::running) return;
    const std::uint64_t at = status->cup_at_camera;
    if (!next_cup_ || *next_cup_ > at + 1) next_cup_ = at;
    std::vector<int> outlets(static_cast<std::size_t>(config_.line.lanes));
    for (std::uint64_t cup = *next_cup_; cup <= at; ++cup) {
      if (at - cup > latest_usable_) {
        ledger_.skipped_late(cup);
        continue;
      }
      for (int lane = 0; lane < config_.line.lanes; ++lane)
        outlets[static_cast<std::size_t>(lane)] = sequence_outlet(cup, lane, outlets_);
      ledger_.decided(cup, outlets);
      hub_.hold(device_.id, plc_.decisions(cup, outlets));
    }
    next_cup_ = at + 1;
  }

 private:
  const core::Config& config_;
  const core::DeviceConfig& device_;
  bridge::DeviceHub& hub_;
  DecisionLedger& ledger_;
  bridge::SorterPlc plc_;
  std::uint64_t latest_usable_;
  int outlets_ = 1;
  core::SteadyTime next_beat_{};
  std::uint16_t beat_ = 0;
  std::optional<std::uint64_t> next_cup_;
};

// A camera that always delivers an (empty) frame: the grader stub does not look at pixels.
class StubCamera final : public vision::CameraSource {
 public:
  core::Result<vision::Frame> capture(int lane, std::uint64_t cup, int view,
                                      core::SteadyTime now) override {
    return vision::Frame{lane, cup, view, now, {}};
  }
};

// Grades from the sequence: extra/class I/class II in sizes A-D, with now and then an
// out-of-grade fruit. Thread safety: immutable.
class StubGrader final : public vision::Grader {
 public:
  vision::GradeResult grade(const vision::Frame& frame) const override {
    const std::uint64_t h = mix(frame.cup * 64 + static_cast<std::uint64_t>(frame.lane));
    vision::GradeResult r;
    constexpr std::array grades{core::Grade::extra, core::Grade::class_i, core::Grade::class_ii,
                                core::Grade::out_of_grade};
    r.grade = grades[h % 16 == 0 ? 3 : (h >> 8) % 3];
    r.size_code = std::string(1, static_cast<char>('A' + (h >> 16) % 4));
    r.reason = r.grade == core::Grade::out_of_grade ? core::DecisionReason::out_of_grade
                                                    : core::DecisionReason::graded;
    r.measured.confidence = 1;
    return r;
  }
  vision::GradeResult grade_views(std::span<const vision::Frame> frames) const override {
    return grade(frames.front());
  }
};

// The real SQLite log store in a fresh temporary directory (removed afterwards), as the
// controller would write it in production: a fruit row per lane and cup.
class TempStore {
 public:
  TempStore() {
    char pattern[] = "/tmp/bench_bridge_decisions.XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("cannot create a temporary directory");
    dir_ = pattern;
    auto opened = store::open_sqlite_store(dir_ + "/bench.db", store::StoreOptions{});
    if (!opened) throw std::runtime_error("cannot open the log store in " + dir_);
    store_ = std::move(*opened);
  }
  ~TempStore() {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;
  store::LogStore& get() { return *store_; }

 private:
  std::string dir_;
  std::unique_ptr<store::LogStore> store_;
};

// The real controller; its per-fruit callback tells the ledger what it decided. The hold()
// follows the last lane's callback within microseconds (same call, no I/O in between).
class ControllerLoop final : public DecisionLoop {
 public:
  ControllerLoop(const core::Config& config, bridge::DeviceHub& hub, DecisionLedger& ledger,
                 const core::Clock& clock)
      : lanes_(config.line.lanes),
        ledger_(ledger),
        controller_(config, hub, camera_, grader_, store_.get(), clock) {
    outlets_.assign(static_cast<std::size_t>(lanes_), 0);
    controller_.on_decision([this](const core::Fruit& f) { on_fruit(f); });
  }
  void step(core::SteadyTime now) override { controller_.step(now); }

 private:
  void on_fruit(const core::Fruit& f) {
    outlets_[static_cast<std::size_t>(f.at.lane)] = f.outlet;
    if (f.at.lane + 1 != lanes_) return;
    if (f.reason == core::DecisionReason::late) ledger_.skipped_late(f.at.cup);
    else ledger_.decided(f.at.cup, outlets_);
  }

  int lanes_;
  DecisionLedger& ledger_;
  StubCamera camera_;
  StubGrader grader_;
  TempStore store_;
  std::vector<int> outlets_;
  app::LineController controller_;
};

}  // namespace

int sequence_outlet(std::uint64_t cup, int lane, int outlets) {
  return static_cast<int>(mix(cup * 64 + static_cast<std::uint64_t>(lane)) %
                          static_cast<std::uint64_t>(outlets + 1));
}

std::unique_ptr<DecisionLoop> make_plc_loop(const core::Config& config, bridge::DeviceHub& hub,
                                            DecisionLedger& ledger) {
  return std::make_unique<PlcLoop>(config, hub, ledger);
}

std::unique_ptr<DecisionLoop> make_controller_loop(const core::Config& config,
                                                   bridge::DeviceHub& hub, DecisionLedger& ledger,
                                                   const core::Clock& clock) {
  return std::make_unique<ControllerLoop>(config, hub, ledger, clock);
}

}  // namespace coldsort::bench
