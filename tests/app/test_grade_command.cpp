// `coldsort grade` and `coldsort grade-eval` as a user runs them, on folders of rendered fruit.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "coldsort/core/config.hpp"
#include "coldsort/vision/camera_source.hpp"
#include "coldsort/vision/grader.hpp"
#include "coldsort/vision/overlay.hpp"
#include "coldsort/vision/synthetic_camera.hpp"
#include "csv.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using cli::CsvTable;

namespace {

struct Run {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Run run(const std::string& args, const test::TempDir& dir, const std::string& env = "") {
  Run r;
  const std::string err = (dir / "stderr.txt").string();
  std::string command = env + " " + COLDSORT_CLI + " " + args + " 2>" + err;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) r.out.append(buffer, n);
  int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = slurp(err);
  return r;
}

const std::string kConfig = std::string(COLDSORT_CONFIG_DIR) + "/default.json";
constexpr double kPxPerMm = 2.0;

std::string standard_tag() {
  auto loaded = core::load_config(kConfig);
  REQUIRE(loaded.config);
  return loaded.config->grading.id + "@" + loaded.config->grading.version;
}

core::CameraConfig camera_config() {
  core::CameraConfig c;
  c.px_per_mm = kPxPerMm;
  c.width_px = 320;
  c.height_px = 280;
  c.seed = 424242;
  c.empty_cup_share = 0;
  return c;
}

// Renders cup `cup` (view `view`) to `file`; returns its true diameter.
double render(vision::SyntheticCamera& camera, std::uint64_t cup, int view,
              const std::filesystem::path& file) {
  auto frame = camera.capture(0, cup, view, {});
  REQUIRE(frame.has_value());
  REQUIRE(vision::save_image(frame->image, file.string()).has_value());
  return camera.truth_for(0, cup).diameter_mm;
}

CsvTable read_csv(const std::string& text) {
  CsvTable t = CsvTable::from_text(text, "output");
  INFO(text);
  REQUIRE(t.ok());
  return t;
}

bool measured(std::string_view reason) { return reason != "empty_cup" && reason != "camera_drop"; }

}  // namespace

TEST_CASE("grade writes a row per image in name order; a corrupt file is a camera drop",
          "[integration][cli]") {
  test::TempDir dir;
  auto images = dir / "images";
  std::filesystem::create_directories(images / "sub");
  vision::SyntheticCamera camera(camera_config());
  std::map<std::string, double> truth;  // file -> diameter
  for (int i = 0; i < 5; ++i) {
    auto file = images / ("fruit_0" + std::to_string(i) + ".png");
    truth[file.string()] = render(camera, static_cast<std::uint64_t>(i), 0, file);
  }
  truth[(images / "sub/fruit_10.png").string()] = render(camera, 10, 0, images / "sub/fruit_10.png");
  truth[(images / "UPPER.PNG").string()] = render(camera, 11, 0, images / "UPPER.PNG");
  std::ofstream(images / "fruit_02b.png") << "not a png at all";
  std::ofstream(images / "notes.txt") << "ignored";

  Run r = run("grade --config " + kConfig + " --px-per-mm 2 --threads 3 --csv " +
                  (dir / "out.csv").string() + " --debug-dir " + (dir / "debug").string() + " " +
                  images.string(), dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("fruit_02b.png") != std::string::npos);
  CHECK(r.err.find("1 image(s) could not be read") != std::string::npos);
  CHECK(r.err.find("8 images (8 fruit)") != std::string::npos);

  CsvTable csv = read_csv(slurp((dir / "out.csv").string()));
  auto config = core::load_config(kConfig);
  REQUIRE(config.config);
  core::CameraConfig scale = config.config->camera;
  scale.px_per_mm = kPxPerMm;
  vision::FruitGrader grader(config.config->grading,
                             vision::measure_options(scale, config.config->grading));
  for (const char* column : {"file", "diameter_mm", "minor_mm", "weight_g", "colour_class",
                             "defect_mm2", "defect_kinds", "size_code", "grade", "confidence",
                             "reason", "area_mm2", "volume_cm3", "defect_share",
                             "largest_defect_mm2", "colour_share", "hue_deg", "lab_l", "lab_a",
                             "lab_b", "doubt", "views", "standard"})
    CHECK(csv.column(column));
  std::vector<std::string> files;
  for (const auto& row : csv.rows()) files.emplace_back(csv.field(row, "file"));
  std::vector<std::string> expected = {"UPPER.PNG", "fruit_00.png", "fruit_01.png", "fruit_02.png",
                                       "fruit_02b.png", "fruit_03.png", "fruit_04.png", "sub/fruit_10.png"};
  for (auto& e : expected) e = (images / e).string();
  CHECK(files == expected);

  for (const auto& row : csv.rows()) {
    std::string file(csv.field(row, "file"));
    std::string reason(csv.field(row, "reason"));
    INFO(file << " " << reason);
    CHECK(csv.field(row, "standard") == standard_tag());
    if (file.ends_with("fruit_02b.png")) {
      CHECK(reason == "camera_drop");
      CHECK(csv.field(row, "diameter_mm").empty());
      CHECK(csv.field(row, "grade") == "unknown");
      CHECK_FALSE(std::filesystem::exists(dir / "debug/fruit_02b.overlay.png"));
      continue;
    }
    CHECK((reason == "graded" || reason == "out_of_grade" || reason.starts_with("uncertain:")));
    // The row holds this file's grading (not a neighbour's from another thread): the same
    // grader in this process measures the same diameter.
    auto image = vision::load_image(file);
    REQUIRE(image.has_value());
    vision::Frame frame;
    frame.image = *image;
    auto expected_row = grader.grade(frame);
    CHECK(csv.field(row, "diameter_mm") == cli::format_fixed(expected_row.measured.diameter_mm, 2));
    CHECK(csv.field(row, "grade") == core::to_string(expected_row.grade));
    if (reason == "graded" || reason == "out_of_grade")  // a gross check of the scale only
      CHECK(std::abs(*cli::parse_double(csv.field(row, "diameter_mm")) - truth[file]) < 8.0);
    // The overlay is a real PNG of the same size as the image it explains.
    auto stem = std::filesystem::path(file).stem().string();
    auto overlay = vision::load_image((dir / "debug" / (stem + ".overlay.png")).string());
    auto source = vision::load_image(file);
    REQUIRE(overlay.has_value());
    REQUIRE(source.has_value());
    CHECK(overlay->width() == source->width());
    CHECK(overlay->height() == source->height());
  }
}

TEST_CASE("grade output is the same whatever the thread count", "[integration][cli]") {
  test::TempDir dir;
  vision::SyntheticCamera camera(camera_config());
  for (int i = 0; i < 9; ++i) render(camera, 20 + static_cast<std::uint64_t>(i), 0, dir / ("c" + std::to_string(i) + ".png"));
  std::string args = "grade --config " + kConfig + " --px-per-mm 2 ";
  Run one = run(args + "--threads 1 " + dir.path().string(), dir);
  Run four = run(args + "--threads 4 " + dir.path().string(), dir);
  REQUIRE(one.exit_code == 0);
  REQUIRE(four.exit_code == 0);
  CHECK(read_csv(one.out).rows().size() == 9);
  CHECK(one.out == four.out);
}

TEST_CASE("grade --views merges the STEM_vN views of each fruit into one row",
          "[integration][cli]") {
  test::TempDir dir;
  vision::SyntheticCamera camera(camera_config());
  for (int cup : {3, 4})
    for (int v = 0; v < 3; ++v)
      render(camera, static_cast<std::uint64_t>(cup), v,
             dir / ("cup" + std::to_string(cup) + "_v" + std::to_string(v) + ".png"));
  // No --config: found through COLDSORT_CONFIG_DIR.
  Run r = run("grade --px-per-mm 2 --views 3 " + dir.path().string(), dir,
              std::string("COLDSORT_CONFIG_DIR=") + COLDSORT_CONFIG_DIR);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CsvTable csv = read_csv(r.out);
  REQUIRE(csv.rows().size() == 2);
  CHECK(csv.field(csv.rows()[0], "fruit") == "cup3");
  CHECK(csv.field(csv.rows()[1], "fruit") == "cup4");
  CHECK(r.err.find("6 images (2 fruit)") != std::string::npos);
  for (const auto& row : csv.rows())
    if (measured(csv.field(row, "reason"))) CHECK(csv.field(row, "views") == "3");
}

TEST_CASE("grade refuses bad usage, a missing path and a bad standard with exit 2",
          "[integration][cli]") {
  test::TempDir dir;
  CHECK(run("grade", dir).exit_code == 2);
  Run missing = run("grade --config " + kConfig + " " + (dir / "nowhere").string(), dir);
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("nowhere: no such file or folder") != std::string::npos);
  auto doc = boost::json::parse(slurp(std::string(COLDSORT_CONFIG_DIR) + "/grading/house-diameter-v1.json"));
  doc.as_object()["quality"].as_array()[1].as_object()["max_defect_share"] = "five";
  std::ofstream(dir / "bad.json") << boost::json::serialize(doc);
  Run bad = run("grade --config " + kConfig + " --standard " + (dir / "bad.json").string() + " " +
                dir.path().string(), dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("bad.json") != std::string::npos);
  CHECK(bad.err.find("quality[1].max_defect_share") != std::string::npos);
}

namespace {

// The truth header `coldsort synth` writes, so that grade-eval is tested on that shape.
const char* kSynthHeader =
    "file,present,diameter_mm,minor_mm,weight_g,volume_cm3,defect_mm2,defect_share,defect_kinds,"
    "largest_defect_mm2,colour_share,doubt,grade,size_code\n";

struct TruthLine {
  std::string file;
  bool present = true;
  double diameter_mm = 0;
  double defect_mm2 = 0;
  std::string doubt;
  std::string grade;
};

std::string truth_csv(const std::vector<TruthLine>& lines) {
  std::string text = kSynthHeader;
  for (const TruthLine& t : lines)
    text += t.file + "," + (t.present ? "1" : "0") + "," + cli::format_fixed(t.diameter_mm, 2) +
            ",,,," + cli::format_fixed(t.defect_mm2, 1) + ",,,,," + t.doubt + "," + t.grade + ",\n";
  return text;
}

double json_number(const boost::json::value& v) { return v.is_null() ? -1 : v.to_number<double>(); }

}  // namespace

TEST_CASE("grade-eval scores agree with the grade CSV it wrote", "[integration][cli]") {
  test::TempDir dir;
  auto images = dir / "images";
  std::filesystem::create_directories(images);
  vision::SyntheticCamera camera(camera_config());
  // Defect areas and grades are the test's own claims: the scores must follow the CSV
  // whatever the grader finds, so every branch (hit, miss, false alarm) may occur.
  const double defects[] = {0, 80, 0, 30, 120, 0, 60, 0, 0, 200};
  const char* grades[] = {"extra", "class_i", "class_ii", "extra", "out_of_grade"};
  std::vector<TruthLine> truth;
  for (int i = 0; i < 10; ++i) {
    std::string name = "f" + std::to_string(i) + ".png";
    TruthLine t;
    t.file = name;
    t.diameter_mm = render(camera, 40 + static_cast<std::uint64_t>(i), 0, images / name);
    t.present = camera.truth_for(0, 40 + static_cast<std::uint64_t>(i)).present;
    t.defect_mm2 = defects[i];
    t.grade = grades[i % 5];
    if (i == 7) t.doubt = "two_fruit";
    truth.push_back(t);
  }
  render(camera, 60, 0, images / "extra.png");  // an image without truth
  truth.push_back({"missing.png", true, 90, 0, "", "extra"});  // truth without an image
  std::ofstream(dir / "truth.csv") << truth_csv(truth);

  Run r = run("grade-eval --truth " + (dir / "truth.csv").string() + " --config " + kConfig +
                  " --px-per-mm 2 --json --csv " + (dir / "out.csv").string() + " " + images.string(), dir);
  INFO(r.err << r.out);
  REQUIRE(r.exit_code == 0);
  auto doc = boost::json::parse(r.out).as_object();
  CsvTable csv = read_csv(slurp((dir / "out.csv").string()));
  REQUIRE(csv.rows().size() == 11);

  std::map<std::string, TruthLine> by_name;
  for (const TruthLine& t : truth) by_name[t.file] = t;
  std::vector<double> errors;
  std::size_t tp = 0, fp = 0, fn = 0, tn = 0, agree = 0, graded_with_truth = 0;
  for (const auto& row : csv.rows()) {
    auto it = by_name.find(std::filesystem::path(std::string(csv.field(row, "file"))).filename().string());
    if (it == by_name.end()) continue;
    const TruthLine& t = it->second;
    ++graded_with_truth;
    if (std::string(csv.field(row, "grade")) == t.grade) ++agree;
    if (!measured(csv.field(row, "reason")) || !t.present || !t.doubt.empty()) continue;
    double d = *cli::parse_double(csv.field(row, "diameter_mm"));
    errors.push_back(std::abs(d - t.diameter_mm));
    double found = *cli::parse_double(csv.field(row, "defect_mm2"));
    bool truth_has = t.defect_mm2 >= 50, graded_has = found >= 50;
    tp += truth_has && graded_has;
    fp += !truth_has && graded_has;
    fn += truth_has && !graded_has;
    tn += !truth_has && !graded_has;
  }
  REQUIRE_FALSE(errors.empty());
  std::sort(errors.begin(), errors.end());
  double mae = 0;
  for (double e : errors) mae += e;
  mae /= double(errors.size());
  std::size_t rank = static_cast<std::size_t>(std::ceil(0.95 * double(errors.size())));

  auto& diameter = doc["diameter"].as_object();
  CHECK(diameter["n"].to_number<std::size_t>() == errors.size());
  CHECK(json_number(diameter["mae_mm"]) == Approx(mae).margin(0.011));
  CHECK(json_number(diameter["p95_mm"]) == Approx(errors[rank - 1]).margin(0.011));
  CHECK(json_number(diameter["max_mm"]) == Approx(errors.back()).margin(0.011));
  auto& d = doc["defects"].as_object();
  CHECK(d["tp"].to_number<std::size_t>() == tp);
  CHECK(d["fp"].to_number<std::size_t>() == fp);
  CHECK(d["fn"].to_number<std::size_t>() == fn);
  CHECK(d["tn"].to_number<std::size_t>() == tn);
  if (tp + fn > 0) CHECK(json_number(d["recall"]) == Approx(double(tp) / double(tp + fn)));
  auto& agreement = doc["grades"].as_object()["agreement"].as_object();
  CHECK(agreement["of"].to_number<std::size_t>() == graded_with_truth);
  CHECK(agreement["hits"].to_number<std::size_t>() == agree);
  std::size_t confusion_total = 0;
  for (auto& [truth_grade, row] : doc["grades"].as_object()["confusion"].as_object())
    for (auto& [graded, n] : row.as_object()) confusion_total += n.to_number<std::size_t>();
  CHECK(confusion_total == graded_with_truth);
  CHECK(doc["truth_without_image"].as_array() == boost::json::array{"missing.png"});
  REQUIRE(doc["images_without_truth"].as_array().size() == 1);
  CHECK(std::string(doc["images_without_truth"].as_array()[0].as_string()).ends_with("extra.png"));
  CHECK(doc["doubt"].as_object()["graded_unknown"].as_object()["of"].to_number<int>() == 1);
  CHECK(json_number(doc["throughput"].as_object()["images_per_s"]) > 0);

  Run text = run("grade-eval --truth " + (dir / "truth.csv").string() + " --config " + kConfig +
                     " --px-per-mm 2 " + images.string(), dir);
  REQUIRE(text.exit_code == 0);
  for (const char* part : {"MAE", "p95", "precision", "recall", "agreement", "truth \\ graded",
                           "images/s", "truth rows without an image: 1"})
    CHECK(text.out.find(part) != std::string::npos);
}

TEST_CASE("grade-eval names the line of a bad truth CSV and exits 2", "[integration][cli]") {
  test::TempDir dir;
  vision::SyntheticCamera camera(camera_config());
  render(camera, 1, 0, dir / "a.png");
  std::ofstream(dir / "bad.csv") << "file,diameter_mm\na.png,80\nb.png,eighty\n";
  Run bad = run("grade-eval --truth " + (dir / "bad.csv").string() + " --config " + kConfig + " " +
                    (dir / "a.png").string(), dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("bad.csv:3: diameter_mm") != std::string::npos);
  std::ofstream(dir / "open.csv") << "file,grade\na.png,extra\n\"b.png,extra\n";
  Run open = run("grade-eval --truth " + (dir / "open.csv").string() + " --config " + kConfig + " " +
                     (dir / "a.png").string(), dir);
  CHECK(open.exit_code == 2);
  CHECK(open.err.find("open.csv:3:") != std::string::npos);
  std::ofstream(dir / "nofile.csv") << "name,grade\na.png,extra\n";
  Run nofile = run("grade-eval --truth " + (dir / "nofile.csv").string() + " --config " + kConfig +
                       " " + (dir / "a.png").string(), dir);
  CHECK(nofile.exit_code == 2);
  CHECK(nofile.err.find("no \"file\" column") != std::string::npos);
}
