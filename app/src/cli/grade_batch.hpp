#pragma once
// The grading engine behind `coldsort grade`, `grade-eval` and `regrade`: finds the config
// and the standard, grades groups of images (one group = the views of one fruit) on N
// threads, writes debug overlays, and hands each result back on the calling thread in input
// order, so output is deterministic whatever the thread count.
// Thread safety: grade_batch() runs its own workers; call it from one thread.
#include <boost/program_options/options_description.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "coldsort/core/config.hpp"
#include "coldsort/vision/calibration.hpp"
#include "coldsort/vision/grader.hpp"
#include "csv.hpp"
#include "image_files.hpp"

namespace coldsort::cli {

// The options `grade`, `grade-eval` and `regrade` share.
struct GradeOptions {
  std::string config_file;    // "" = the default config (see find_default_config)
  std::string standard_file;  // "" = the config's grading standard
  double px_per_mm = 0;       // 0 = the config's camera.px_per_mm
  int views = 1;              // images per fruit
  int threads = 0;            // 0 = one per hardware thread
};

void add_grade_options(boost::program_options::options_description& options, GradeOptions& o,
                       bool with_views = true);

struct GradeSetup {
  std::string config_file;
  core::Config config;
  core::GradingStandard standard;
  vision::MeasureOptions measure;
  std::shared_ptr<const vision::Undistorter> lens;  // set when the config has a lens calibration
  std::vector<std::string> notes;  // what the run does not apply, for the user to know
  std::string standard_tag() const { return standard.id + "@" + standard.version; }
};

// The config `coldsort` uses when none is given: $COLDSORT_CONFIG_DIR/default.json, else
// config/default.json of the source tree the binary was built in (<bin>/../../../config for
// build/<preset>/bin). "" when none exists; `looked_at` lists the places tried.
std::string find_default_config(std::vector<std::string>& looked_at);

// Loads config and standard; every error (file and JSON path) goes to `err`, and nullopt
// means exit code 2.
std::optional<GradeSetup> load_grade_setup(const GradeOptions& o, std::ostream& err);
// A standard from a file, errors to `err` naming file and JSON path.
std::optional<core::GradingStandard> load_standard(const std::string& file, std::ostream& err);

struct GradedFruit {
  std::size_t index = 0;                // position in the input
  vision::GradeResult result;
  std::size_t unreadable = 0;           // images of this fruit that could not be read
  std::vector<std::string> errors;      // one line each, for stderr
  double seconds = 0;                   // grading time of this fruit on its thread
};

struct BatchOptions {
  int threads = 0;
  std::string debug_dir;  // "" = no overlays; else DIR/<name>.overlay.png per image
  std::string label = "grading";
  const vision::Undistorter* lens = nullptr;  // applied to every image before grading
  bool progress = true;   // a progress bar when stderr is a terminal
};

struct BatchSummary {
  std::size_t fruit = 0;
  std::size_t images = 0;
  std::size_t unreadable_images = 0;
  std::map<core::Grade, std::size_t> per_grade;
  std::map<core::DecisionReason, std::size_t> per_reason;
  double seconds = 0;
  double images_per_s() const { return seconds > 0 ? images / seconds : 0; }
};

using GraderFor = std::function<const vision::FruitGrader&(std::size_t group)>;
using EmitFruit = std::function<void(const ImageGroup&, const GradedFruit&)>;

BatchSummary grade_batch(const std::vector<ImageGroup>& groups, const GraderFor& grader_for,
                         const BatchOptions& options, const EmitFruit& emit);

// "120 images (120 fruit) in 3.2 s, 37.5 images/s; extra 50, ... (uncertain 20, ...)".
std::string summary_text(const BatchSummary& s);

// `graded`, `empty_cup`, `out_of_grade`, `camera_drop` or `uncertain:<doubt>`.
std::string reason_text(const vision::GradeResult& r);
// True when the grader produced a measurement (not an empty cup or an unreadable image).
bool is_measured(const vision::GradeResult& r);

// The CSV of `coldsort grade`: the issue's columns first, then the rest of the measurement.
const std::vector<std::string>& grade_csv_header();
void write_grade_row(CsvWriter& csv, const ImageGroup& group, const GradedFruit& fruit,
                     const std::string& standard_tag);

}  // namespace coldsort::cli
