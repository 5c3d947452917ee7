#include "coldsort/app/image_archive.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/csv.hpp"
#include "coldsort/core/log.hpp"
#include "coldsort/vision/overlay.hpp"

namespace coldsort::app {
namespace fs = std::filesystem;
using cli::CsvWriter;
using core::DecisionReason;

namespace {

constexpr const char* kLog = "archive";
constexpr const char* kIndex = "index.csv";

bool is_day_name(const std::string& name) {
  if (name.size() != 10 || name[4] != '-' || name[7] != '-') return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (i != 4 && i != 7 && (name[i] < '0' || name[i] > '9')) return false;
  return true;
}

std::uint64_t folder_bytes(const fs::path& dir, std::uint64_t* files = nullptr) {
  std::uint64_t bytes = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    bytes += it->file_size(ec);
    if (files != nullptr) ++*files;
  }
  return bytes;
}

std::string mb(std::uint64_t bytes) { return cli::format_fixed(bytes / 1048576.0, 1) + " MB"; }

std::string local_time_text(core::WallTime t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S%z", &tm);
  return text;
}

std::string index_row(const ArchiveFruit& a, const std::vector<std::string>& names, bool sampled,
                      const ImageArchiveConfig& config) {
  const core::Fruit& f = a.fruit;
  const core::Measurement& m = f.measured;
  std::ostringstream out;
  CsvWriter csv(out);
  std::string files;
  for (const std::string& n : names) files += (files.empty() ? "" : ";") + n;
  csv.field(files).field(local_time_text(f.seen_at)).integer(core::to_unix_ms(f.seen_at));
  csv.integer(f.at.lane).integer(static_cast<std::int64_t>(f.at.cup));
  csv.field(core::to_string(f.grade)).field(f.size_code).field(core::to_string(f.reason));
  csv.field(m.doubt == core::Doubt::none ? "" : core::to_string(m.doubt)).field(a.standard);
  csv.field(sampled ? "sampled" : "required").integer(sampled ? config.sample_one_in : 1);
  csv.number(config.px_per_mm, 4);
  csv.number(m.diameter_mm, 2).number(m.minor_diameter_mm, 2).number(m.area_mm2, 1);
  csv.number(m.volume_cm3, 1).number(m.weight_g, 1).field(m.colour_class);
  csv.number(m.colour_share, 3).number(m.mean_hue_deg, 1);
  csv.number(m.lab_l, 1).number(m.lab_a, 1).number(m.lab_b, 1);
  csv.number(m.defect_area_mm2, 1).number(m.defect_share, 4).number(m.largest_defect_mm2, 1);
  csv.integer(m.defect_count).field(core::defect_kinds_text(m.defect_kinds));
  csv.number(m.confidence, 3).integer(m.views);
  csv.end_row();
  return out.str();
}

}  // namespace

const std::vector<std::string>& archive_index_header() {
  static const std::vector<std::string> header = {
      "file", "time", "time_ms", "lane", "cup", "grade", "size_code", "reason", "doubt",
      "standard", "kept", "weight", "px_per_mm", "diameter_mm", "minor_mm", "area_mm2",
      "volume_cm3", "weight_g", "colour_class", "colour_share", "hue_deg", "lab_l", "lab_a",
      "lab_b", "defect_mm2", "defect_share", "largest_defect_mm2", "defect_count",
      "defect_kinds", "confidence", "views"};
  return header;
}

ImageArchive::ImageArchive(ImageArchiveConfig config) : config_(std::move(config)) {}

ImageArchive::~ImageArchive() { stop(); }

bool ImageArchive::must_keep(const core::Fruit& fruit) {
  if (fruit.reason == DecisionReason::empty_cup) return false;
  return fruit.grade == core::Grade::out_of_grade || fruit.grade == core::Grade::unknown ||
         fruit.reason == DecisionReason::uncertain || fruit.reason == DecisionReason::out_of_grade ||
         fruit.reason == DecisionReason::camera_drop;
}

std::string ImageArchive::day_of(core::WallTime t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

void ImageArchive::start() {
  if (writer_.joinable()) return;
  std::uint64_t bytes = scan_bytes();
  {
    std::lock_guard lock(mutex_);
    counters_.bytes = bytes;
    stopping_ = false;
  }
  writer_ = std::thread([this] { run(); });
}

void ImageArchive::stop() {
  if (!writer_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

std::uint64_t ImageArchive::scan_bytes() {
  day_bytes_.clear();
  std::uint64_t total = 0;
  std::error_code ec;
  for (fs::directory_iterator it(config_.root, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!it->is_directory(ec) || !is_day_name(name)) continue;
    day_bytes_[name] = folder_bytes(it->path());
    total += day_bytes_[name];
  }
  scanned_ = true;
  return total;
}

ArchiveChoice ImageArchive::offer(ArchiveFruit fruit) {
  std::erase_if(fruit.views, [](const vision::Image& i) { return i.empty(); });
  ArchiveChoice choice = ArchiveChoice::skipped;
  {
    std::lock_guard lock(mutex_);
    ++counters_.offered;
    if (fruit.fruit.reason == DecisionReason::empty_cup || fruit.views.empty()) return choice;
    const bool keep = must_keep(fruit.fruit);
    if (!keep) {
      if (config_.sample_one_in <= 0) return choice;
      if (++since_sample_ < static_cast<std::uint64_t>(config_.sample_one_in)) return choice;
      since_sample_ = 0;
    }
    if (queue_.size() >= config_.queue_fruit) {
      // Full: a required fruit pushes out the oldest sampled one; a sampled fruit just goes.
      auto victim = std::find_if(queue_.begin(), queue_.end(), [](const Pending& p) { return p.sampled; });
      if (!keep || victim == queue_.end()) {
        ++(keep ? counters_.dropped_kept : counters_.dropped_sampled);
        return ArchiveChoice::dropped;
      }
      queue_.erase(victim);
      ++counters_.dropped_sampled;
    }
    queue_.push_back({std::move(fruit), !keep});
    ++(keep ? counters_.kept : counters_.sampled);
    choice = keep ? ArchiveChoice::kept : ArchiveChoice::sampled;
  }
  wake_.notify_one();
  return choice;
}

void ImageArchive::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything written
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    write(p);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  idle_.notify_all();
}

void ImageArchive::flush() {
  if (!writer_.joinable()) {
    write_pending();
    return;
  }
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

std::size_t ImageArchive::write_pending() {
  if (!scanned_) {
    std::uint64_t bytes = scan_bytes();
    std::lock_guard lock(mutex_);
    counters_.bytes = bytes;
  }
  std::size_t n = 0;
  for (;;) {
    Pending p;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) return n;
      p = std::move(queue_.front());
      queue_.pop_front();
    }
    write(p);
    ++n;
  }
}

namespace {

// Writes the views as lane<L>_cup<C>_v<K>.png; on failure removes what it wrote.
bool write_images(const ArchiveFruit& a, const fs::path& dir, std::vector<std::string>& names,
                  std::uint64_t& bytes) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (std::size_t k = 0; k < a.views.size(); ++k) {
    // A cup index seen again (the PLC's counter reset) must not overwrite an older image.
    const std::string base = "lane" + std::to_string(a.fruit.at.lane) + "_cup" +
                             std::to_string(a.fruit.at.cup) + "_v" + std::to_string(k);
    std::string name = base + ".png";
    for (int n = 2; fs::exists(dir / name, ec); ++n) name = base + "_" + std::to_string(n) + ".png";
    if (!vision::save_image(a.views[k], (dir / name).string())) {
      for (const std::string& written : names) fs::remove(dir / written, ec);
      core::log::write_limited(core::log::Level::warn, kLog, "write",
                               "image archive: cannot write " + (dir / name).string());
      return false;
    }
    names.push_back(name);
    bytes += fs::file_size(dir / name, ec);
  }
  return true;
}

}  // namespace

void ImageArchive::write(const Pending& p) {
  const core::Fruit& f = p.fruit.fruit;
  const std::string day = day_of(f.seen_at);
  const fs::path dir = fs::path(config_.root) / day;
  std::error_code ec;
  std::vector<std::string> names;
  std::uint64_t bytes = 0;
  if (!write_images(p.fruit, dir, names, bytes)) {
    std::lock_guard lock(mutex_);
    ++counters_.write_errors;
    return;
  }
  const fs::path index = dir / kIndex;
  std::string text = index_row(p.fruit, names, p.sampled, config_);
  if (!fs::exists(index, ec)) {
    std::ostringstream header;
    CsvWriter(header).row(archive_index_header());
    text = header.str() + text;
  }
  bytes += text.size();
  day_bytes_[day] += bytes;
  prune(day);
  if (total_bytes() > config_.max_bytes) {
    // Today alone fills the bound: keep what is there rather than delete today's rejects.
    day_bytes_[day] -= bytes;
    for (const std::string& n : names) fs::remove(dir / n, ec);
    if (full_day_warned_ != day) {
      full_day_warned_ = day;
      core::log::warn(kLog, "image archive: " + day + " alone fills the " + mb(config_.max_bytes) +
                                " bound; no more images are kept today");
    }
    std::lock_guard lock(mutex_);
    ++counters_.dropped_full;
    counters_.bytes = total_bytes();
    return;
  }
  std::ofstream(index, std::ios::app) << text;
  std::lock_guard lock(mutex_);
  ++counters_.written_fruit;
  counters_.written_images += names.size();
  counters_.bytes = total_bytes();
}

std::uint64_t ImageArchive::total_bytes() const {
  std::uint64_t total = 0;
  for (const auto& [day, bytes] : day_bytes_) total += bytes;
  return total;
}

void ImageArchive::prune(const std::string& keep_day) {
  while (total_bytes() > config_.max_bytes) {
    auto oldest = day_bytes_.begin();  // names sort by date
    if (oldest == day_bytes_.end() || oldest->first == keep_day) return;
    const fs::path dir = fs::path(config_.root) / oldest->first;
    std::uint64_t files = 0;
    std::uint64_t bytes = folder_bytes(dir, &files);
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec) {
      core::log::write_limited(core::log::Level::warn, kLog, "prune",
                               "image archive: cannot delete " + dir.string() + ": " + ec.message());
      return;
    }
    core::log::info(kLog, "image archive: deleted " + oldest->first + " (" + std::to_string(files) +
                              " files, " + mb(bytes) + ") to stay under " + mb(config_.max_bytes));
    day_bytes_.erase(oldest);
    std::lock_guard lock(mutex_);
    ++counters_.days_deleted;
  }
}

ArchiveCounters ImageArchive::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace coldsort::app
