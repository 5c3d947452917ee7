// coldsort calibrate camera|weight: the scale at the belt and the lens from chessboard or
// disc images; the weight model from weighed fruit (calibrate_weight_command.cpp). Results
// are printed with the JSON for the config's `camera` object, and written into a config
// with --config FILE --write. See docs/calibration.md.
#include <algorithm>
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "calibrate_weight_command.hpp"
#include "coldsort/core/config.hpp"
#include "coldsort/core/log.hpp"
#include "coldsort/vision/calibration.hpp"
#include "coldsort/vision/camera_source.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "config_camera_writer.hpp"

namespace coldsort::cli {
namespace po = boost::program_options;
namespace json = boost::json;

namespace {

const char* kUsage =
    "usage: coldsort calibrate camera (--chessboard COLSxROWS --square-mm S | --disc-mm D)\n"
    "                                 [--belt IMAGE] [--config FILE [--write]] IMAGES...\n"
    "       coldsort calibrate weight SAMPLES.csv [--px-per-mm X] [--config FILE [--write]]\n"
    "camera: px/mm at the belt from a chessboard (COLSxROWS inner corners, S mm squares; the\n"
    "  first image, or --belt IMAGE, shows the board lying on the rollers; 3 or more views\n"
    "  at different tilts also give the lens distortion) or from a disc of D mm diameter.\n"
    "weight: fits weight_g = g_per_cm3 * volume_cm3 + offset_g to weighed fruit; the CSV has\n"
    "  a header and the columns diameter_mm,minor_mm,weight_g or image,weight_g.\n"
    "--config FILE --write puts the result into FILE's camera object (previous version kept\n"
    "as FILE.bak). Exit 0 done, 1 calibration failed, 2 bad usage or input.\n";

struct CameraArgs {
  std::string chessboard;  // "9x6"
  double square_mm = 0;
  double disc_mm = 0;
  std::string belt;
  std::string config_file;
  bool write = false;
  bool help = false;
  std::vector<std::string> images;
  int cols = 0, rows = 0;
};

int usage_error(const std::string& message) {
  std::cerr << "coldsort calibrate camera: " << message << "\n" << kUsage;
  return 2;
}

bool parse_pattern(const std::string& text, int& cols, int& rows) {
  char x = 0, extra = 0;
  return std::sscanf(text.c_str(), "%d%c%d%c", &cols, &x, &rows, &extra) == 3 &&
         (x == 'x' || x == 'X') && cols >= 3 && rows >= 3 && cols <= 100 && rows <= 100;
}

std::optional<int> parse(const Args& args, CameraArgs& a) {
  po::options_description options("options");
  options.add_options()("chessboard", po::value(&a.chessboard), "inner corners, COLSxROWS")(
      "square-mm", po::value(&a.square_mm), "chessboard square side in mm")(
      "disc-mm", po::value(&a.disc_mm), "disc diameter in mm")(
      "belt", po::value(&a.belt), "the image with the board lying on the belt")(
      "config", po::value(&a.config_file), "line config (its lens undistorts; --write target)")(
      "write", po::bool_switch(&a.write), "write the result into --config")(
      "help,h", po::bool_switch(&a.help), "this help");
  if (auto done = read_arguments(args, options, a.images, "coldsort calibrate camera", kUsage))
    return done;
  if (a.chessboard.empty() == (a.disc_mm == 0))
    return usage_error("give either --chessboard with --square-mm, or --disc-mm");
  if (!a.chessboard.empty() && !parse_pattern(a.chessboard, a.cols, a.rows))
    return usage_error("--chessboard must be COLSxROWS inner corners, e.g. 9x6, each 3..100");
  if (!a.chessboard.empty() && !(a.square_mm > 0))
    return usage_error("--chessboard needs --square-mm, the printed square side in mm (> 0)");
  if (a.chessboard.empty() && !(a.disc_mm > 0)) return usage_error("--disc-mm must be > 0");
  if (a.write && a.config_file.empty()) return usage_error("--write needs --config FILE");
  if (a.images.empty()) return usage_error("no IMAGES given");
  return std::nullopt;
}

// The config named by --config, or nullopt after printing its errors.
std::optional<core::Config> load(const std::string& file) {
  core::LoadedConfig loaded = core::load_config(file);
  if (!loaded.config)
    std::cerr << file << ": " << loaded.errors.list().size() << " error(s)\n"
              << loaded.errors.joined();
  return loaded.config;
}

json::object lens_json(const core::LensCalibration& lens) {
  json::array matrix, distortion;
  for (double v : lens.camera_matrix) matrix.push_back(rounded(v, 3));
  for (double v : lens.distortion) distortion.push_back(significant(v, 6));
  return {{"camera_matrix", matrix},
          {"distortion", distortion},
          {"image_width_px", lens.image_width_px},
          {"image_height_px", lens.image_height_px},
          {"rms_error_px", rounded(lens.rms_error_px, 3)}};
}

void print_views(const vision::ChessboardCalibration& cal, const CameraArgs& a) {
  const auto found = std::count_if(cal.views.begin(), cal.views.end(),
                                   [](const vision::ChessboardView& v) { return v.board_found; });
  std::printf("chessboard %dx%d inner corners, %.2f mm squares: found in %d of %zu images\n",
              a.cols, a.rows, a.square_mm, static_cast<int>(found), cal.views.size());
  for (const vision::ChessboardView& v : cal.views) {
    if (!v.problem.empty())
      std::printf("  %s: not used: %s\n", v.name.c_str(), v.problem.c_str());
    else if (cal.lens.present)
      std::printf("  %s: reprojection error %.3f px\n", v.name.c_str(), v.reprojection_rms_px);
  }
}

void print_lens(const vision::ChessboardCalibration& cal, bool config_has_lens) {
  if (!cal.lens.present) {
    std::printf(
        "lens: not fitted (needs the board in %d or more images of one size, at "
        "different tilts; got %d)%s\n",
        vision::kMinLensViews, cal.views_used,
        config_has_lens ? "; the config's lens is kept" : "");
    return;
  }
  const auto& k = cal.lens.camera_matrix;
  const auto& d = cal.lens.distortion;
  std::printf(
      "lens: RMS reprojection error %.3f px over %d views; fx %.1f fy %.1f px, "
      "centre (%.1f, %.1f); k1 %.4f k2 %.4f p1 %.5f p2 %.5f k3 %.4f\n",
      cal.lens.rms_error_px, cal.views_used, k[0], k[4], k[2], k[5], d[0], d[1], d[2], d[3],
      d.size() > 4 ? d[4] : 0.0);
}

std::optional<json::object> chessboard(const CameraArgs& a,
                                       const std::vector<vision::NamedImage>& images,
                                       const core::Config* config) {
  vision::ChessboardOptions o;
  o.pattern_cols = a.cols;
  o.pattern_rows = a.rows;
  o.square_mm = a.square_mm;
  if (config != nullptr) o.known_lens = config->camera.lens;
  if (!a.belt.empty()) {
    auto it = std::find(a.images.begin(), a.images.end(), a.belt);
    o.belt_view = static_cast<std::size_t>(it - a.images.begin());
  }
  const vision::ChessboardCalibration cal = vision::calibrate_from_chessboard(images, o);
  print_views(cal, a);
  if (!cal.ok()) {
    std::cerr << "coldsort calibrate camera: " << cal.error << "\n";
    return std::nullopt;
  }
  std::printf(
      "belt view: %s\npx_per_mm: %.4f (%s corners; scale differs by %.1f %% across "
      "the board)\n",
      images[o.belt_view].name.c_str(), cal.px_per_mm,
      cal.lens_undistorted_belt_view ? "undistorted" : "raw", cal.scale_gradient * 100);
  print_lens(cal, config != nullptr && config->camera.lens.present);
  json::object keys{{"px_per_mm", rounded(cal.px_per_mm, 4)}};
  if (cal.lens.present) keys["lens"] = lens_json(cal.lens);
  return keys;
}

std::optional<json::object> disc(const CameraArgs& a, const std::vector<vision::NamedImage>& images,
                                 const core::Config* config) {
  const vision::Undistorter undistort(config != nullptr ? config->camera.lens
                                                        : core::LensCalibration{});
  double sum = 0;
  bool failed = false;
  std::printf("disc of %.2f mm%s:\n", a.disc_mm,
              undistort.active() ? ", images undistorted with the config's lens" : "");
  for (const vision::NamedImage& image : images) {
    const vision::DiscCalibration d =
        vision::calibrate_from_disc(undistort.apply(image.image), a.disc_mm);
    if (!d.ok()) {
      std::cerr << "coldsort calibrate camera: " << image.name << ": " << d.error << "\n";
      failed = true;
      continue;
    }
    std::printf("  %s: %.4f px/mm (axes %.2f x %.2f px, roundness %.4f%s)\n", image.name.c_str(),
                d.px_per_mm, d.major_px, d.minor_px, d.roundness,
                d.roundness < 0.98 ? ": camera tilted or disc not flat?" : "");
    sum += d.px_per_mm;
  }
  if (failed) return std::nullopt;
  const double px_per_mm = sum / static_cast<double>(images.size());
  std::printf("px_per_mm: %.4f\n", px_per_mm);
  return json::object{{"px_per_mm", rounded(px_per_mm, 4)}};
}

int write_config(const std::string& file, const json::object& keys) {
  ConfigWrite w = update_camera_config(file, keys);
  if (!w.ok()) {
    std::cerr << "coldsort calibrate: " << w.error << "\n";
    return 1;
  }
  std::printf("wrote %s (previous version in %s); it validates\n", file.c_str(), w.backup.c_str());
  return 0;
}

int run_camera(const Args& args) {
  CameraArgs a;
  if (auto stop = parse(args, a)) return *stop;
  if (!a.belt.empty() && std::find(a.images.begin(), a.images.end(), a.belt) == a.images.end())
    return usage_error("--belt " + a.belt + " is not one of the IMAGES");
  std::optional<core::Config> config;
  if (!a.config_file.empty() && !(config = load(a.config_file))) return 2;
  core::log::set_level(core::log::Level::error);
  std::vector<vision::NamedImage> images;
  for (const std::string& file : a.images) {
    auto image = vision::load_image(file);
    if (!image) {
      std::cerr << "coldsort calibrate camera: " << file << ": cannot read the image\n";
      return 2;
    }
    images.push_back({file, *image});
  }
  const core::Config* c = config ? &*config : nullptr;
  auto keys = a.chessboard.empty() ? disc(a, images, c) : chessboard(a, images, c);
  if (!keys) return 1;
  std::printf("for the config's \"camera\" object:\n%s\n", pretty_json(*keys).c_str());
  std::fflush(stdout);
  return a.write ? write_config(a.config_file, *keys) : 0;
}

}  // namespace

int run_calibrate(const Args& args) {
  const std::string what = args.empty() ? "" : args.front();
  const Args rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  if (what == "camera") return run_camera(rest);
  if (what == "weight") return run_calibrate_weight(rest);
  if (what == "--help" || what == "-h") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << "coldsort calibrate: say what to calibrate: camera or weight\n" << kUsage;
  return 2;
}

}  // namespace coldsort::cli
