// coldsort synth --out DIR [options]: renders synthetic fruit with their known truth, for
// grade-eval, benchmarks and eyes. Writes DIR/images/NNNNNN[_vK].png, DIR/truth.csv (one row
// per cup) and DIR/truth_views.csv (one row per cup and view). See docs/synthetic-fruit.md.
#include <unistd.h>

#include <boost/program_options.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "coldsort/core/log.hpp"
#include "coldsort/vision/grader.hpp"
#include "coldsort/vision/overlay.hpp"
#include "coldsort/vision/synthetic_camera.hpp"
#include "commands.hpp"
#include "csv.hpp"
#include "progress_bar.hpp"

namespace coldsort::cli {
namespace fs = std::filesystem;
namespace po = boost::program_options;

namespace {

// The largest fruit the renderer makes, mm (synthetic_fruit.cpp clamps to it).
constexpr double kLargestFruitMm = 118;

struct SynthOptions {
  std::string out;
  int count = 100;
  std::uint64_t seed = 1;
  int views = 1;
  double px_per_mm = 3.6;  // the reference: 640x480 single-fruit frames
  int width = 640;
  int height = 480;
  int lanes = 1;
  std::string standard;
  std::optional<double> clean_share, defect_share, doubt_share;
  double empty_share = 0.05;
  int threads = 0;
  bool help = false;
};

const char* kUsage =
    "usage: coldsort synth --out DIR [--count N] [--seed S] [--views K] [--px-per-mm X]\n"
    "                      [--width W --height H] [--lanes L] [--standard FILE]\n"
    "                      [--clean-share F] [--defect-share F] [--doubt-share F]\n"
    "                      [--empty-share F] [--threads N]\n"
    "Renders N cups of synthetic pomegranates (K views each; L lanes side by side per frame)\n"
    "to DIR/images, with their truth in DIR/truth.csv and DIR/truth_views.csv. The shares mix\n"
    "the fruit: clean, with defects, doubtful (border, two fruit, blur, exposure); those not\n"
    "given share what the others leave. Exit 0 done, 1 cannot write, 2 bad usage.\n";

std::optional<int> parse(const Args& args, SynthOptions& o) {
  po::options_description options("options");
  double clean = -1, defect = -1, doubt = -1;
  options.add_options()
      ("out", po::value(&o.out), "output folder (created)")
      ("count", po::value(&o.count), "cups to render (default 100)")
      ("seed", po::value(&o.seed), "random seed (default 1)")
      ("views", po::value(&o.views), "views per cup, 1..16 (default 1)")
      ("px-per-mm", po::value(&o.px_per_mm), "image scale (default 3.6)")
      ("width", po::value(&o.width), "frame width, px (default 640)")
      ("height", po::value(&o.height), "frame height, px (default 480)")
      ("lanes", po::value(&o.lanes), "lanes side by side in one frame (default 1)")
      ("standard", po::value(&o.standard), "grading standard for the true grade")
      ("clean-share", po::value(&clean), "share of fruit without defects")
      ("defect-share", po::value(&defect), "share of fruit with defects")
      ("doubt-share", po::value(&doubt), "share of doubtful fruit")
      ("empty-share", po::value(&o.empty_share), "share of empty cups (default 0.05)")
      ("threads", po::value(&o.threads), "rendering threads (default: one per core)")
      ("help,h", po::bool_switch(&o.help), "this help");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
    if (vm.count("clean-share")) o.clean_share = clean;
    if (vm.count("defect-share")) o.defect_share = defect;
    if (vm.count("doubt-share")) o.doubt_share = doubt;
  } catch (const po::error& e) {
    std::cerr << "coldsort synth: " << e.what() << "\n" << kUsage;
    return 2;
  }
  if (o.help) {
    std::cout << kUsage << options;
    return 0;
  }
  return std::nullopt;
}

// The first thing wrong with the options, or "".
std::string check(const SynthOptions& o) {
  auto range = [](const char* name, double v, double lo, double hi) -> std::string {
    if (v >= lo && v <= hi) return {};
    std::ostringstream s;
    s << "--" << name << " must be between " << lo << " and " << hi << ", got " << v;
    return s.str();
  };
  if (o.out.empty()) return "--out DIR is required";
  for (const std::string& e :
       {range("count", o.count, 1, 10'000'000), range("views", o.views, 1, 16),
        range("px-per-mm", o.px_per_mm, 0.5, 50), range("width", o.width, 32, 16384),
        range("height", o.height, 32, 16384), range("lanes", o.lanes, 1, 16),
        range("empty-share", o.empty_share, 0, 1), range("threads", o.threads, 0, 256)})
    if (!e.empty()) return e;
  for (auto [name, share] : {std::pair{"clean-share", o.clean_share},
                             std::pair{"defect-share", o.defect_share},
                             std::pair{"doubt-share", o.doubt_share}})
    if (share) {
      if (std::string e = range(name, *share, 0, 1); !e.empty()) return e;
    }
  const double given = o.clean_share.value_or(0) + o.defect_share.value_or(0) + o.doubt_share.value_or(0);
  if (given > 1 + 1e-9) return "--clean-share, --defect-share and --doubt-share add up to more than 1";
  if (o.clean_share && o.defect_share && o.doubt_share && given < 1 - 1e-6)
    return "--clean-share, --defect-share and --doubt-share must add up to 1";
  if (o.width / o.lanes < 32) return "--width / --lanes leaves lanes narrower than 32 px";
  if (o.width % o.lanes != 0) return "--width must be a multiple of --lanes (equal lane ROIs)";
  return {};
}

// The scene for the requested mix: shares not given split what the given ones leave, in
// the renderer's default proportions.
vision::SyntheticScene scene_for(const SynthOptions& o) {
  vision::SyntheticScene scene;
  const double doubt_default = scene.doubt_share();
  double shares[3] = {(1 - doubt_default) / 2, (1 - doubt_default) / 2, doubt_default};
  const std::optional<double> given[3] = {o.clean_share, o.defect_share, o.doubt_share};
  double used = 0, open = 0;
  for (int i = 0; i < 3; ++i) (given[i] ? used : open) += given[i] ? *given[i] : shares[i];
  for (int i = 0; i < 3; ++i)
    shares[i] = given[i] ? *given[i] : (open > 0 ? shares[i] / open * (1 - used) : 0);
  scene.set_doubt_share(shares[2]);
  scene.defect_share = shares[0] + shares[1] > 0 ? shares[1] / (shares[0] + shares[1]) : 0;
  return scene;
}

// The standard the truth is graded under: --standard, else the Codex standard next to the
// executable's config folder, else the house standard.
std::string find_standard(const SynthOptions& o, std::vector<std::string>& looked_at) {
  if (!o.standard.empty()) return o.standard;
  std::vector<fs::path> dirs;
  if (const char* dir = std::getenv("COLDSORT_CONFIG_DIR"); dir != nullptr && *dir != '\0') dirs.emplace_back(dir);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    dirs.push_back(exe.parent_path() / "../../../config");         // build/<preset>/bin
    dirs.push_back(exe.parent_path() / "../share/coldsort/config");  // installed
  }
  for (const char* name : {"codex-cxs-310-2013.json", "house-diameter-v1.json"})
    for (const fs::path& d : dirs) {
      fs::path p = (d / "grading" / name).lexically_normal();
      looked_at.push_back(p.string());
      if (fs::is_regular_file(p, ec)) return p.string();
    }
  return {};
}

std::string image_name(std::uint64_t frame, int view, int views) {
  std::ostringstream s;
  s << std::setw(6) << std::setfill('0') << frame;
  if (views > 1) s << "_v" << view;
  s << ".png";
  return s.str();
}

const std::vector<std::string> kTruthHeader = {
    "file", "present", "diameter_mm", "minor_mm", "weight_g", "volume_cm3", "defect_mm2",
    "defect_share", "defect_kinds", "largest_defect_mm2", "colour_share", "doubt", "grade",
    "size_code", "lane", "cup", "views", "surface_mm2", "defect_count", "defects",
    "colour_class", "density_g_cm3", "light_for_size", "touches_edge", "two_fruit", "blur_px",
    "overexposed", "underexposed", "sticker", "calyx", "gain", "seen_defect_mm2"};

const std::vector<std::string> kViewsHeader = {
    "file", "view", "visible_defect_mm2", "calyx_visible", "calyx_x_px", "calyx_y_px", "lane",
    "cup", "visible_surface_defect_mm2", "visible_defects", "minor_mm", "centre_x_px",
    "centre_y_px", "colour_share", "calyx_end_on", "sticker_visible", "sticker_x_px",
    "sticker_y_px", "turn_deg"};

void write_truth_row(CsvWriter& csv, const std::string& file, const vision::FruitTruth& t,
                     const vision::FruitGrader& grader) {
  csv.field(file).integer(t.present);
  if (!t.present) {  // nothing to measure: numbers stay empty, as a grader's would
    for (std::size_t i = 2; i < 14; ++i) csv.empty();
  } else {
    const vision::GradeResult g = grader.grade_measurement(vision::true_measurement(t));
    const bool doubtful = t.doubt != core::Doubt::none;
    csv.number(t.diameter_mm, 2).number(t.minor_diameter_mm, 2).number(t.weight_g, 1);
    csv.number(t.volume_cm3, 1).number(t.defect_mm2, 1).number(t.defect_share, 5);
    csv.field(core::defect_kinds_text(t.defect_kinds)).number(t.largest_defect_mm2, 1);
    csv.number(t.colour_share, 4).field(doubtful ? core::to_string(t.doubt) : "");
    csv.field(doubtful ? "unknown" : core::to_string(g.grade)).field(doubtful ? "" : g.size_code);
  }
  csv.integer(t.lane).integer(static_cast<std::int64_t>(t.cup)).integer(t.views);
  if (!t.present) {
    for (std::size_t i = 17; i < kTruthHeader.size(); ++i) csv.empty();
    csv.end_row();
    return;
  }
  std::string defects;
  for (const vision::DefectTruth& d : t.defects)
    defects += (defects.empty() ? "" : ";") + std::string(core::to_string(d.kind)) + ":" +
               format_fixed(d.area_mm2, 1);
  csv.number(t.surface_mm2, 1).integer(static_cast<std::int64_t>(t.defects.size())).field(defects);
  csv.field(grader.standard().colour_class_for(t.colour_share)).number(t.density_g_per_cm3, 3);
  csv.integer(t.light_for_size).integer(t.touches_edge).integer(t.doubled).number(t.blur_px, 0);
  csv.integer(t.overexposed).integer(t.underexposed).integer(t.sticker.present).integer(t.calyx);
  csv.number(t.gain, 3).number(vision::seen_measurement(t).defect_area_mm2, 1);
  csv.end_row();
}

void write_view_row(CsvWriter& csv, const std::string& file, const vision::FruitTruth& t,
                    const vision::ViewTruth& v, double x0_px) {
  csv.field(file).integer(v.view).number(v.visible_defect_mm2, 1).integer(v.calyx_visible);
  if (v.calyx_visible) {
    csv.number(v.calyx_x_px + x0_px, 1).number(v.calyx_y_px, 1);
  } else {
    csv.empty().empty();
  }
  csv.integer(t.lane).integer(static_cast<std::int64_t>(t.cup));
  if (!t.present) {
    for (std::size_t i = 8; i < kViewsHeader.size(); ++i) csv.empty();
    csv.end_row();
    return;
  }
  int visible = 0;
  for (const vision::DefectView& d : v.defects) visible += d.visible;
  csv.number(v.visible_surface_defect_mm2, 1).integer(visible).number(v.minor_diameter_mm, 2);
  csv.number(v.centre_x_px + x0_px, 1).number(v.centre_y_px, 1).number(v.colour_share, 4);
  csv.integer(v.calyx_facing).integer(v.sticker_visible);
  if (v.sticker_visible) {
    csv.number(v.sticker_x_px + x0_px, 1).number(v.sticker_y_px, 1);
  } else {
    csv.empty().empty();
  }
  csv.number(v.turn_deg, 1);
  csv.end_row();
}

// One frame's images and CSV rows.
struct Rendered {
  std::string truth_rows, view_rows, error;
};

Rendered render_frame(const vision::SyntheticCamera& camera, const vision::FruitGrader& grader,
                      const SynthOptions& o, std::uint64_t frame, const fs::path& images) {
  Rendered out;
  std::vector<vision::FruitTruth> truths;
  for (int lane = 0; lane < o.lanes; ++lane) truths.push_back(camera.truth_for(lane, frame));
  std::ostringstream truth_text, view_text;
  CsvWriter truth_csv(truth_text), view_csv(view_text);
  for (int view = 0; view < o.views; ++view) {
    const std::string name = image_name(frame, view, o.views);
    const vision::Image image = o.lanes == 1 ? camera.render(truths[0], view) : camera.render_lanes(truths, view);
    if (auto saved = vision::save_image(image, (images / name).string()); !saved && out.error.empty())
      out.error = "cannot write " + (images / name).string() + ": " + saved.error().message();
    for (int lane = 0; lane < o.lanes; ++lane)
      write_view_row(view_csv, name, truths[static_cast<std::size_t>(lane)],
                     camera.view_truth(truths[static_cast<std::size_t>(lane)], view),
                     static_cast<double>(lane * o.width / o.lanes));
  }
  for (const vision::FruitTruth& t : truths) write_truth_row(truth_csv, image_name(frame, 0, o.views), t, grader);
  out.truth_rows = truth_text.str();
  out.view_rows = view_text.str();
  return out;
}

// Renders every frame on `threads` threads; the CSV rows come back in frame order.
std::vector<Rendered> render_all(const vision::SyntheticCamera& camera,
                                 const vision::FruitGrader& grader, const SynthOptions& o,
                                 const fs::path& images) {
  const auto total = static_cast<std::size_t>(o.count);
  std::vector<Rendered> frames(total);
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    for (std::size_t i = next++; i < total && !failed; i = next++) {
      frames[i] = render_frame(camera, grader, o, i, images);
      if (!frames[i].error.empty()) failed = true;
      ++done;
    }
  };
  unsigned threads = o.threads > 0 ? static_cast<unsigned>(o.threads)
                                   : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, static_cast<unsigned>(total));
  ProgressBar bar(total, "synth");
  {
    std::vector<std::jthread> workers;
    for (unsigned t = 1; t < threads; ++t) workers.emplace_back(work);
    // This thread works too and draws the bar between its frames.
    for (std::size_t i = next++; i < total && !failed; i = next++) {
      frames[i] = render_frame(camera, grader, o, i, images);
      if (!frames[i].error.empty()) failed = true;
      bar.update(++done);
    }
  }
  bar.finish();
  return frames;
}

std::optional<core::GradingStandard> load_standard(const SynthOptions& o) {
  std::vector<std::string> looked_at;
  const std::string file = find_standard(o, looked_at);
  if (file.empty()) {
    std::cerr << "coldsort synth: no grading standard found (looked at "
              << core::join_names(looked_at) << "); give one with --standard FILE\n";
    return std::nullopt;
  }
  core::ConfigErrors errors;
  auto standard = core::load_grading_standard(file, errors);
  if (!standard) std::cerr << "coldsort synth: bad grading standard " << file << ":\n" << errors.joined();
  return standard;
}

core::CameraConfig camera_for(const SynthOptions& o) {
  core::CameraConfig cam;
  cam.width_px = o.width;
  cam.height_px = o.height;
  cam.px_per_mm = o.px_per_mm;
  cam.seed = o.seed;
  cam.views_per_fruit = o.views;
  cam.lanes_per_frame = o.lanes;
  cam.empty_cup_share = o.empty_share;
  const double room_mm = std::min(o.width / o.lanes, o.height) / o.px_per_mm;
  if (room_mm < kLargestFruitMm + 10)
    std::cerr << "coldsort synth: note: a lane of " << o.width / o.lanes << "x" << o.height
              << " px at " << o.px_per_mm << " px/mm is " << std::lround(room_mm)
              << " mm across; fruit up to " << kLargestFruitMm
              << " mm may not fit and are then marked touches_edge\n";
  return cam;
}

// Writes DIR/truth.csv and DIR/truth_views.csv; returns the exit code.
int write_truth(const fs::path& dir, const std::vector<Rendered>& frames) {
  std::ofstream truth(dir / "truth.csv", std::ios::trunc), views(dir / "truth_views.csv", std::ios::trunc);
  CsvWriter(truth).row(kTruthHeader);
  CsvWriter(views).row(kViewsHeader);
  for (const Rendered& r : frames) {
    if (!r.error.empty()) {
      std::cerr << "coldsort synth: " << r.error << "\n";
      return 1;
    }
    truth << r.truth_rows;
    views << r.view_rows;
  }
  truth.flush();
  views.flush();
  if (!truth || !views) {
    std::cerr << "coldsort synth: cannot write " << (dir / "truth.csv").string() << " or truth_views.csv\n";
    return 1;
  }
  return 0;
}

}  // namespace

int run_synth(const Args& args) {
  SynthOptions o;
  if (auto stop = parse(args, o)) return *stop;
  if (std::string error = check(o); !error.empty()) {
    std::cerr << "coldsort synth: " << error << "\n" << kUsage;
    return 2;
  }
  const auto standard = load_standard(o);
  if (!standard) return 2;
  const core::CameraConfig cam = camera_for(o);
  const fs::path dir(o.out), images = dir / "images";
  std::error_code ec;
  if (fs::create_directories(images, ec); ec) {
    std::cerr << "coldsort synth: cannot create " << images.string() << ": " << ec.message() << "\n";
    return 1;
  }
  core::log::set_level(core::log::Level::error);
  const vision::SyntheticCamera camera(cam, scene_for(o));
  const vision::FruitGrader grader(*standard, vision::measure_options(cam, *standard));
  const auto started = std::chrono::steady_clock::now();
  if (int code = write_truth(dir, render_all(camera, grader, o, images)); code != 0) return code;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "coldsort synth: " << o.count * o.lanes << " cups, " << o.count * o.views
            << " images in " << images.string() << ", truth graded under " << standard->id << " "
            << standard->version << " (" << std::fixed << std::setprecision(1) << seconds << " s)\n";
  return 0;
}

}  // namespace coldsort::cli
