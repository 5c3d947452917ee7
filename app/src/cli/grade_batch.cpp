#include "grade_batch.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <set>
#include <stdexcept>
#include <sstream>
#include <thread>

#include "coldsort/vision/camera_source.hpp"
#include "coldsort/vision/overlay.hpp"
#include "progress_bar.hpp"

namespace coldsort::cli {
namespace fs = std::filesystem;
namespace po = boost::program_options;
using core::DecisionReason;

void add_grade_options(po::options_description& options, GradeOptions& o, bool with_views) {
  options.add_options()
      ("config", po::value(&o.config_file), "line config (default: config/default.json)")
      ("standard", po::value(&o.standard_file), "grading standard file (default: the config's)")
      ("px-per-mm", po::value(&o.px_per_mm), "image scale (default: the config's camera)")
      ("threads", po::value(&o.threads), "grading threads (default: one per core)");
  if (with_views)
    options.add_options()("views", po::value(&o.views),
                          "images per fruit: STEM_vN files by STEM, else K consecutive files");
}

std::string find_default_config(std::vector<std::string>& looked_at) {
  std::vector<fs::path> candidates;
  if (const char* dir = std::getenv("COLDSORT_CONFIG_DIR"); dir != nullptr && *dir != '\0')
    candidates.push_back(fs::path(dir) / "default.json");
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path bin = exe.parent_path();
    candidates.push_back(bin / "../../../config/default.json");  // build/<preset>/bin
    candidates.push_back(bin / "../../config/default.json");     // build/bin
    candidates.push_back(bin / "../share/coldsort/config/default.json");  // installed
  }
  for (const fs::path& c : candidates) {
    fs::path p = c.lexically_normal();
    looked_at.push_back(p.string());
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return {};
}

std::optional<core::GradingStandard> load_standard(const std::string& file, std::ostream& err) {
  core::ConfigErrors errors;
  auto standard = core::load_grading_standard(file, errors);
  if (!standard) {
    err << "coldsort: bad grading standard " << file << ": " << errors.list().size()
        << " error(s)\n" << errors.joined();
    return std::nullopt;
  }
  return standard;
}

std::optional<GradeSetup> load_grade_setup(const GradeOptions& o, std::ostream& err) {
  GradeSetup setup;
  setup.config_file = o.config_file;
  if (setup.config_file.empty()) {
    std::vector<std::string> looked_at;
    setup.config_file = find_default_config(looked_at);
    if (setup.config_file.empty()) {
      err << "coldsort: no config found (looked at " << core::join_names(looked_at)
          << "); give one with --config FILE\n";
      return std::nullopt;
    }
  }
  core::LoadedConfig loaded = core::load_config(setup.config_file);
  if (!loaded.config) {
    err << "coldsort: bad config " << setup.config_file << ": " << loaded.errors.list().size()
        << " error(s)\n" << loaded.errors.joined();
    return std::nullopt;
  }
  setup.config = std::move(*loaded.config);
  if (o.standard_file.empty()) {
    setup.standard = setup.config.grading;
  } else {
    auto standard = load_standard(o.standard_file, err);
    if (!standard) return std::nullopt;
    setup.standard = std::move(*standard);
  }
  if (o.px_per_mm < 0 || (o.px_per_mm > 0 && (o.px_per_mm < 0.1 || o.px_per_mm > 100))) {
    err << "coldsort: --px-per-mm must be between 0.1 and 100, got " << o.px_per_mm << "\n";
    return std::nullopt;
  }
  core::CameraConfig camera = setup.config.camera;
  if (o.px_per_mm > 0) camera.px_per_mm = o.px_per_mm;
  setup.measure = vision::measure_options(camera, setup.standard);
  if (camera.lens.present) {
    try {
      setup.lens = std::make_shared<const vision::Undistorter>(camera.lens);
    } catch (const std::invalid_argument& e) {
      err << "coldsort: bad config " << setup.config_file << ": camera.lens: " << e.what() << "\n";
      return std::nullopt;
    }
  }
  return setup;
}

bool is_measured(const vision::GradeResult& r) {
  return r.reason != DecisionReason::empty_cup && r.reason != DecisionReason::camera_drop;
}

std::string reason_text(const vision::GradeResult& r) {
  std::string text(core::to_string(r.reason));
  if (r.reason == DecisionReason::uncertain)
    text += ":" + std::string(r.measured.doubt == core::Doubt::none
                                  ? "low_confidence" : core::to_string(r.measured.doubt));
  return text;
}

namespace {

// DIR/<name>.overlay.png for every image; a name seen twice (equal names in two folders)
// gets ~2, ~3... so that no overlay overwrites another.
std::vector<std::vector<std::string>> overlay_paths(const std::vector<ImageGroup>& groups,
                                                    const std::string& dir) {
  std::vector<std::vector<std::string>> paths(groups.size());
  if (dir.empty()) return paths;
  std::map<std::string, int> seen;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (const std::string& file : groups[g].files) {
      std::string stem = stem_of(file);
      int n = ++seen[stem];
      if (n > 1) stem += "~" + std::to_string(n);
      paths[g].push_back((fs::path(dir) / (stem + ".overlay.png")).string());
    }
  }
  return paths;
}

void write_overlays(const std::vector<vision::Image>& images, const std::vector<std::string>& to,
                    const vision::FruitGrader& grader, GradedFruit& out) {
  for (std::size_t v = 0; v < images.size() && v < to.size(); ++v) {
    if (images[v].empty()) continue;
    auto measured = vision::measure_view(images[v], grader.options());
    vision::ViewMeasurement view = measured ? *measured : vision::ViewMeasurement{};
    auto saved = vision::save_image(vision::draw_overlay(images[v], view, out.result), to[v]);
    if (!saved) out.errors.push_back("cannot write overlay " + to[v] + ": " + saved.error().message());
  }
}

GradedFruit grade_group(const ImageGroup& group, const vision::FruitGrader& grader,
                        const std::vector<std::string>& overlays, const vision::Undistorter* lens) {
  auto started = std::chrono::steady_clock::now();
  GradedFruit out;
  std::vector<vision::Frame> frames;
  std::vector<vision::Image> images;
  for (std::size_t v = 0; v < group.files.size(); ++v) {
    vision::Frame frame;
    frame.view = static_cast<int>(v);
    auto image = vision::load_image(group.files[v]);
    if (image) {
      frame.image = lens != nullptr ? lens->apply(*image) : *image;
    } else {
      ++out.unreadable;
      out.errors.push_back("cannot read " + group.files[v] +
                           " (missing, truncated or not an image): graded camera_drop");
    }
    images.push_back(frame.image);
    frames.push_back(std::move(frame));
  }
  if (out.unreadable == frames.size()) {
    out.result.reason = DecisionReason::camera_drop;
  } else {
    // An unreadable view stays in as an empty frame: the grader counts it as a lost frame.
    out.result = frames.size() == 1 ? grader.grade(frames.front()) : grader.grade_views(frames);
  }
  write_overlays(images, overlays, grader, out);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

// Slots filled by the workers in any order and taken by the caller in input order.
struct Slots {
  std::mutex mutex;
  std::condition_variable ready;
  std::vector<std::optional<GradedFruit>> done;
};

// Grades group `i` into its slot; true when at least one of its images could be read.
bool grade_slot(std::size_t i, const std::vector<ImageGroup>& groups, const GraderFor& grader_for,
                const std::vector<std::vector<std::string>>& overlays,
                const vision::Undistorter* lens, Slots& slots) {
  GradedFruit fruit;
  try {
    fruit = grade_group(groups[i], grader_for(i), overlays[i], lens);
  } catch (const std::exception& e) {  // a bug, not a bad image: keep the batch going
    fruit = GradedFruit{};
    fruit.unreadable = groups[i].files.size();
    fruit.result.reason = DecisionReason::camera_drop;
    fruit.errors.push_back("internal error grading " + groups[i].files.front() + ": " + e.what());
  }
  fruit.index = i;
  const bool read_any = fruit.unreadable < groups[i].files.size();
  {
    std::lock_guard lock(slots.mutex);
    slots.done[i] = std::move(fruit);
  }
  slots.ready.notify_all();
  return read_any;
}

// Hands each fruit to `emit` in input order as the workers finish them, with the progress bar.
void collect_in_order(const std::vector<ImageGroup>& groups, const BatchOptions& options,
                      const EmitFruit& emit, Slots& slots, BatchSummary& summary) {
  std::size_t total_images = 0;
  for (const ImageGroup& g : groups) total_images += g.files.size();
  ProgressBar bar(options.progress ? total_images : 0, options.label, std::cerr,
                  options.progress && ::isatty(STDERR_FILENO) == 1);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    std::unique_lock lock(slots.mutex);
    while (!slots.done[i]) {
      slots.ready.wait_for(lock, std::chrono::milliseconds(100));
      lock.unlock();
      bar.update(summary.images);
      lock.lock();
    }
    GradedFruit fruit = std::move(*slots.done[i]);
    slots.done[i].reset();
    lock.unlock();
    summary.fruit += 1;
    summary.images += groups[i].files.size();
    summary.unreadable_images += fruit.unreadable;
    ++summary.per_grade[fruit.result.grade];
    ++summary.per_reason[fruit.result.reason];
    if (!fruit.errors.empty()) bar.finish();  // an error line must not land inside the bar
    emit(groups[i], fruit);
    bar.update(summary.images);
  }
  bar.finish();
}

}  // namespace

BatchSummary grade_batch(const std::vector<ImageGroup>& groups, const GraderFor& grader_for,
                         const BatchOptions& options, const EmitFruit& emit) {
  auto started = std::chrono::steady_clock::now();
  BatchSummary summary;
  auto overlays = overlay_paths(groups, options.debug_dir);
  Slots slots;
  slots.done.resize(groups.size());
  // OpenCV fills some lookup tables on first use without a lock (cvtColor's Lab tables:
  // two threads racing there each build one and leak one). Grading up to the first readable
  // fruit here, before the workers start, keeps every first use single-threaded.
  std::size_t first = 0;
  while (first < groups.size() &&
         !grade_slot(first, groups, grader_for, overlays, options.lens, slots))
    ++first;
  std::atomic<std::size_t> next{first + 1};
  auto work = [&] {
    for (std::size_t i = next++; i < groups.size(); i = next++)
      grade_slot(i, groups, grader_for, overlays, options.lens, slots);
  };
  unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                         : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(1, groups.size())));
  std::vector<std::jthread> workers;
  for (unsigned t = 0; t < threads; ++t)
    workers.emplace_back(work);

  collect_in_order(groups, options, emit, slots, summary);
  workers.clear();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

const std::vector<std::string>& grade_csv_header() {
  static const std::vector<std::string> header = {
      "file", "diameter_mm", "minor_mm", "weight_g", "colour_class", "defect_mm2",
      "defect_kinds", "size_code", "grade", "confidence", "reason", "area_mm2", "volume_cm3",
      "defect_share", "largest_defect_mm2", "defect_count", "colour_share", "hue_deg", "lab_l",
      "lab_a", "lab_b", "doubt", "views", "standard", "fruit"};
  return header;
}

void write_grade_row(CsvWriter& csv, const ImageGroup& group, const GradedFruit& fruit,
                     const std::string& standard_tag) {
  const vision::GradeResult& r = fruit.result;
  const core::Measurement& m = r.measured;
  csv.field(group.files.empty() ? "" : group.files.front());
  if (!is_measured(r)) {
    // No measurement: the numbers stay empty rather than a 0 mm fruit a scorer would count.
    for (int i = 0; i < 6; ++i) csv.empty();
    csv.empty().field(core::to_string(r.grade)).empty().field(reason_text(r));
    for (int i = 0; i < 11; ++i) csv.empty();
    csv.integer(static_cast<std::int64_t>(group.files.size()));
  } else {
    csv.number(m.diameter_mm, 2).number(m.minor_diameter_mm, 2).number(m.weight_g, 1);
    csv.field(m.colour_class).number(m.defect_area_mm2, 1).field(core::defect_kinds_text(m.defect_kinds));
    csv.field(r.size_code).field(core::to_string(r.grade)).number(m.confidence, 3);
    csv.field(reason_text(r)).number(m.area_mm2, 1).number(m.volume_cm3, 1);
    csv.number(m.defect_share, 4).number(m.largest_defect_mm2, 1).integer(m.defect_count);
    csv.number(m.colour_share, 3).number(m.mean_hue_deg, 1);
    csv.number(m.lab_l, 1).number(m.lab_a, 1).number(m.lab_b, 1);
    csv.field(m.doubt == core::Doubt::none ? "" : core::to_string(m.doubt));
    csv.integer(m.views);
  }
  csv.field(standard_tag).field(group.key);
  csv.end_row();
}

std::string summary_text(const BatchSummary& s) {
  std::ostringstream out;
  out << s.images << " images (" << s.fruit << " fruit) in " << format_fixed(s.seconds, 2)
      << " s, " << format_fixed(s.images_per_s(), 1) << " images/s;";
  const core::Grade grades[] = {core::Grade::extra, core::Grade::class_i, core::Grade::class_ii,
                                core::Grade::out_of_grade, core::Grade::unknown};
  const char* sep = " ";
  for (core::Grade g : grades) {
    auto it = s.per_grade.find(g);
    out << sep << core::to_string(g) << " " << (it == s.per_grade.end() ? 0 : it->second);
    sep = ", ";
  }
  std::string reasons;
  for (const auto& [reason, n] : s.per_reason)
    if (reason != DecisionReason::graded && reason != DecisionReason::out_of_grade)
      reasons += (reasons.empty() ? "" : ", ") + std::string(core::to_string(reason)) + " " +
                 std::to_string(n);
  if (!reasons.empty()) out << " (" << reasons << ")";
  return out.str();
}

}  // namespace coldsort::cli
