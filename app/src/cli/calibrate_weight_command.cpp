// coldsort calibrate weight: fits the weight model to weighed fruit, given either as their
// two diameters or as an image each (measured here the way the grader measures).
#include "calibrate_weight_command.hpp"

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "coldsort/core/config.hpp"
#include "coldsort/core/log.hpp"
#include "coldsort/vision/calibration.hpp"
#include "coldsort/vision/camera_source.hpp"
#include "coldsort/vision/grader.hpp"
#include "command_line.hpp"
#include "config_camera_writer.hpp"
#include "csv.hpp"

namespace coldsort::cli {
namespace po = boost::program_options;
namespace json = boost::json;

namespace {

const char* kUsage =
    "usage: coldsort calibrate weight SAMPLES.csv [--px-per-mm X] [--config FILE [--write]]\n"
    "SAMPLES.csv has a header row and the columns diameter_mm,minor_mm,weight_g (calipers)\n"
    "or image,weight_g (one photo per fruit on the belt, paths relative to the CSV; measured\n"
    "with px/mm from --px-per-mm or the config). Weigh 10-20 fruit from small to large.\n"
    "Prints g_per_cm3, offset_g and rms_error_g; --config FILE --write puts the weight_model\n"
    "into FILE's camera object (previous version kept as FILE.bak).\n";

struct WeightArgs {
  std::vector<std::string> csv;
  double px_per_mm = 0;
  std::string config_file;
  bool write = false;
  bool help = false;
};

struct Sample {
  std::size_t line = 0;
  vision::WeightSample sample;
};

int usage_error(const std::string& message) {
  std::cerr << "coldsort calibrate weight: " << message << "\n" << kUsage;
  return 2;
}

std::optional<int> parse(const Args& args, WeightArgs& a) {
  po::options_description options("options");
  options.add_options()("px-per-mm", po::value(&a.px_per_mm), "scale for the image column")(
      "config", po::value(&a.config_file), "line config (px/mm, lens; --write target)")(
      "write", po::bool_switch(&a.write), "write the weight model into --config")(
      "help,h", po::bool_switch(&a.help), "this help");
  if (auto done = read_arguments(args, options, a.csv, "coldsort calibrate weight", kUsage))
    return done;
  if (a.csv.size() != 1) return usage_error("give exactly one SAMPLES.csv");
  if (a.px_per_mm < 0 || (a.px_per_mm > 0 && (a.px_per_mm < 0.2 || a.px_per_mm > 50)))
    return usage_error("--px-per-mm must be 0.2..50");
  if (a.write && a.config_file.empty()) return usage_error("--write needs --config FILE");
  return std::nullopt;
}

// A positive number from a column, or "FILE:LINE: column: what is wrong" in `error`.
std::optional<double> positive(const CsvTable& t, const CsvRecord& row, std::string_view column,
                               std::string& error) {
  const std::string_view text = t.field(row, column);
  const std::optional<double> v = parse_double(text);
  if (!v || !std::isfinite(*v))
    error = t.where(row, column) + ": \"" + std::string(text) + "\" is not a number";
  else if (*v <= 0)
    error = t.where(row, column) + ": must be positive, got " + std::string(text);
  return error.empty() ? v : std::nullopt;
}

std::optional<Sample> shape_sample(const CsvTable& t, const CsvRecord& row, std::string& error) {
  Sample s{row.line, {}};
  auto d = positive(t, row, "diameter_mm", error);
  auto minor = d ? positive(t, row, "minor_mm", error) : std::nullopt;
  auto w = minor ? positive(t, row, "weight_g", error) : std::nullopt;
  if (!w) return std::nullopt;
  if (*minor > *d) {
    error = t.where(row, "minor_mm") + ": larger than diameter_mm (columns swapped?)";
    return std::nullopt;
  }
  s.sample.diameter_mm = *d;
  s.sample.minor_mm = *minor;
  s.sample.weight_g = *w;
  return s;
}

// Measures the fruit in the row's image as the grader would (undistorted, same options).
std::optional<Sample> image_sample(const CsvTable& t, const CsvRecord& row,
                                   const vision::MeasureOptions& options,
                                   const vision::Undistorter& undistort, std::string& error) {
  auto w = positive(t, row, "weight_g", error);
  if (!w) return std::nullopt;
  std::filesystem::path file(std::string(t.field(row, "image")));
  if (file.is_relative()) file = std::filesystem::path(t.name()).parent_path() / file;
  auto image = vision::load_image(file.string());
  if (!image) {
    error = t.where(row, "image") + ": cannot read " + file.string();
    return std::nullopt;
  }
  auto m = vision::measure_fruit(undistort.apply(*image), options);
  if (!m) {
    error = t.where(row, "image") + ": no fruit measured in " + file.string() + " (" +
            m.error().message() + ")";
    return std::nullopt;
  }
  if (m->doubt != core::Doubt::none) {
    error = t.where(row, "image") + ": " + file.string() + " is doubtful (" +
            std::string(core::to_string(m->doubt)) + "): use a clean view of one whole fruit";
    return std::nullopt;
  }
  Sample s{row.line, {}};
  s.sample.diameter_mm = m->diameter_mm;
  s.sample.minor_mm = m->minor_diameter_mm;
  s.sample.volume_cm3 = m->volume_cm3;  // exactly the volume the grader will weigh
  s.sample.weight_g = *w;
  return s;
}

// Reads every row; nullopt after printing the first error.
std::optional<std::vector<Sample>> read_samples(const WeightArgs& a, const core::Config* config) {
  CsvTable t = CsvTable::read(a.csv.front());
  if (!t.ok()) {
    std::cerr << t.error() << "\n";
    return std::nullopt;
  }
  const bool shapes = t.column("diameter_mm") && t.column("minor_mm") && t.column("weight_g");
  const bool images = t.column("image") && t.column("weight_g");
  if (!shapes && !images) {
    std::cerr << t.name() << ":1: the header must name diameter_mm,minor_mm,weight_g or "
              << "image,weight_g\n";
    return std::nullopt;
  }
  vision::MeasureOptions options;
  if (config != nullptr) options = vision::measure_options(config->camera, config->grading);
  if (a.px_per_mm > 0) options.px_per_mm = a.px_per_mm;
  if (!shapes && a.px_per_mm == 0 && config == nullptr) {
    std::cerr << "coldsort calibrate weight: the image column needs --px-per-mm or --config\n";
    return std::nullopt;
  }
  const vision::Undistorter undistort(config != nullptr ? config->camera.lens
                                                        : core::LensCalibration{});
  std::vector<Sample> samples;
  for (const CsvRecord& row : t.rows()) {
    std::string error;
    auto s = shapes ? shape_sample(t, row, error) : image_sample(t, row, options, undistort, error);
    if (!s) {
      std::cerr << error << "\n";
      return std::nullopt;
    }
    samples.push_back(*s);
  }
  return samples;
}

void print_fit(const std::vector<Sample>& samples, const vision::WeightFit& fit) {
  const core::WeightModel& m = fit.model;
  std::printf("line  diameter_mm  minor_mm  volume_cm3  weight_g  model_g  residual_g\n");
  for (const Sample& s : samples) {
    const double v = s.sample.volume(), model = m.g_per_cm3 * v + m.offset_g;
    const double residual = s.sample.weight_g - model;
    const bool outlier = samples.size() >= 5 && std::abs(residual) > 3 * m.rms_error_g;
    std::printf("%4zu  %11.1f  %8.1f  %10.1f  %8.1f  %7.1f  %10.1f%s\n", s.line,
                s.sample.diameter_mm, s.sample.minor_mm, v, s.sample.weight_g, model, residual,
                outlier ? "  <- check this fruit" : "");
  }
  std::printf("g_per_cm3: %.4f\noffset_g: %.2f\nrms_error_g: %.2f\nsamples: %d\n", m.g_per_cm3,
              m.offset_g, m.rms_error_g, m.samples);
  if (fit.through_origin) std::printf("note: %s\n", fit.note.c_str());
}

}  // namespace

int run_calibrate_weight(const Args& args) {
  WeightArgs a;
  if (auto stop = parse(args, a)) return *stop;
  std::optional<core::Config> config;
  if (!a.config_file.empty()) {
    core::LoadedConfig loaded = core::load_config(a.config_file);
    if (!loaded.config) {
      std::cerr << a.config_file << ": " << loaded.errors.list().size() << " error(s)\n"
                << loaded.errors.joined();
      return 2;
    }
    config = std::move(loaded.config);
  }
  core::log::set_level(core::log::Level::error);
  auto samples = read_samples(a, config ? &*config : nullptr);
  if (!samples) return 2;
  std::vector<vision::WeightSample> plain;
  for (const Sample& s : *samples) plain.push_back(s.sample);
  const vision::WeightFit fit = vision::fit_weight_model(plain);
  if (!fit.ok()) {
    std::cerr << a.csv.front() << ": " << fit.error << "\n";
    return 2;
  }
  print_fit(*samples, fit);
  const json::object model{{"g_per_cm3", rounded(fit.model.g_per_cm3, 4)},
                           {"offset_g", rounded(fit.model.offset_g, 2)},
                           {"samples", fit.model.samples},
                           {"rms_error_g", rounded(fit.model.rms_error_g, 2)}};
  const json::object keys{{"weight_model", model}};
  std::printf("for the config's \"camera\" object:\n%s\n", pretty_json(keys).c_str());
  std::fflush(stdout);
  if (!a.write) return 0;
  ConfigWrite w = update_camera_config(a.config_file, keys);
  if (!w.ok()) {
    std::cerr << "coldsort calibrate weight: " << w.error << "\n";
    return 1;
  }
  std::printf("wrote %s (previous version in %s); it validates\n", a.config_file.c_str(),
              w.backup.c_str());
  return 0;
}

}  // namespace coldsort::cli
