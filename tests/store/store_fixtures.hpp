#pragma once
// Helpers shared by the store tests: deterministic records, a log capture, raw file edits.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <memory>

#include "coldsort/core/fruit.hpp"
#include "coldsort/core/log.hpp"
#include "coldsort/store/log_reader.hpp"
#include "coldsort/store/log_store.hpp"

namespace coldsort::test {

// Opens a store the test needs; failing to open is a test failure, not a case to handle.
inline std::unique_ptr<store::LogStore> open_store(const std::string& path,
                                                   const store::StoreOptions& options = {}) {
  auto opened = store::open_sqlite_store(path, options);
  REQUIRE(opened.has_value());
  return std::move(*opened);
}

inline store::LogReader open_reader(const std::string& path) {
  auto reader = store::LogReader::open(path);
  REQUIRE(reader.has_value());
  return std::move(*reader);
}

// A fixed wall-clock origin so that stored times are known exactly.
inline core::WallTime test_epoch() {
  return core::WallTime{std::chrono::milliseconds{1'700'000'000'000}};
}

// Fruit number `i`: every field derived from i, so any row can be checked on its own.
inline core::Fruit make_fruit(std::uint64_t i) {
  static constexpr core::Grade kGrades[] = {core::Grade::extra, core::Grade::class_i,
                                            core::Grade::class_ii, core::Grade::out_of_grade};
  core::Fruit f;
  f.at = core::CupRef{static_cast<int>(i % 4), 1000 + i};
  f.seen_at = test_epoch() + std::chrono::milliseconds{static_cast<std::int64_t>(i * 7)};
  f.lot_id = "lot-" + std::to_string(i % 3);
  const double k = static_cast<double>(i % 50);
  f.measured.diameter_mm = 70.0 + k * 0.5;
  f.measured.minor_diameter_mm = 65.0 + k * 0.25;
  f.measured.area_mm2 = 3800.0 + k;
  f.measured.weight_g = 250.0 + k * 2;
  f.measured.mean_hue_deg = 10.0 + k;
  f.measured.defect_share = k / 100.0;
  f.measured.confidence = 0.5 + k / 100.0;
  f.measured.volume_cm3 = 300.0 + k;
  f.measured.defect_area_mm2 = k * 3;
  f.measured.defect_kinds = i % 3 == 0 ? 0 : core::bit(core::DefectKind::bruise) | core::bit(core::DefectKind::crack);
  f.measured.doubt = i % 7 == 0 ? core::Doubt::blurred : core::Doubt::none;
  f.grade = kGrades[i % 4];
  f.size_code = i % 5 == 0 ? "" : "S" + std::to_string(i % 5);
  f.product_id = i % 5 == 0 ? "" : "P" + std::to_string(i % 7);
  f.outlet = static_cast<int>(i % 12);
  f.reason = i % 5 == 0 ? core::DecisionReason::unplanned_product : core::DecisionReason::graded;
  return f;
}

// Collects log messages while alive (from any thread) and restores the previous sink.
class LogCapture {
 public:
  LogCapture() : previous_level_(core::log::level()) {
    core::log::set_level(core::log::Level::debug);
    previous_ =
        core::log::set_sink([this](core::log::Level, std::string_view, std::string_view message) {
          std::lock_guard lock(mutex_);
          lines_.emplace_back(message);
        });
  }
  ~LogCapture() {
    core::log::set_sink(previous_);
    core::log::set_level(previous_level_);
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // True when one message contains every one of `parts`.
  bool has_line_with(std::initializer_list<std::string_view> parts) const {
    std::lock_guard lock(mutex_);
    for (const std::string& line : lines_) {
      bool all = true;
      for (std::string_view part : parts) all = all && line.find(part) != std::string::npos;
      if (all) return true;
    }
    return false;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    lines_.clear();
  }

 private:
  core::log::Sink previous_;
  core::log::Level previous_level_;
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// Overwrites `bytes` at `offset` of an existing file, leaving the rest as it was.
inline void patch_file(const std::filesystem::path& file, std::streamoff offset,
                       const std::string& bytes) {
  std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
  out.seekp(offset);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace coldsort::test
