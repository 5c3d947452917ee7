// coldsort synth through the real binary: the files it writes, their truth against the
// renderer in this process, the mix knobs, and bad input.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "coldsort/vision/camera_source.hpp"
#include "coldsort/vision/synthetic_camera.hpp"
#include "csv.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
namespace fs = std::filesystem;

namespace {

using Run = coldsort::test::CommandRun;

Run synth(const std::string& arguments) {
  return coldsort::test::run_command(std::string(COLDSORT_CLI) + " synth " + arguments);
}

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kHouse = std::string(COLDSORT_CONFIG_DIR) + "/grading/house-diameter-v1.json";
// A small, quick set: the default line's 320x280 frames at 2 px/mm.
const std::string kSmall = " --width 320 --height 280 --px-per-mm 2 --standard " + kHouse;

std::vector<std::string> first_columns(const cli::CsvTable& t, std::size_t n) {
  return {t.header().begin(), t.header().begin() + static_cast<std::ptrdiff_t>(std::min(n, t.header().size()))};
}

}  // namespace

TEST_CASE("synth writes its images and truth, the same truth the renderer gives", "[integration][app]") {
  test::TempDir dir;
  const Run r = synth("--out " + (dir / "set").string() + " --count 6 --views 2 --seed 9" + kSmall);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("house-diameter-v1") != std::string::npos);

  std::set<std::string> images;
  for (const auto& e : fs::directory_iterator(dir / "set" / "images")) images.insert(e.path().filename().string());
  CHECK(images.size() == 12);
  CHECK(images.count("000000_v0.png") == 1);
  CHECK(images.count("000005_v1.png") == 1);
  auto image = vision::load_image((dir / "set" / "images" / "000003_v1.png").string());
  REQUIRE(image.has_value());
  CHECK(image->width() == 320);
  CHECK(image->height() == 280);

  const cli::CsvTable truth = cli::CsvTable::read((dir / "set" / "truth.csv").string());
  REQUIRE(truth.ok());
  CHECK(first_columns(truth, 14) ==
        std::vector<std::string>{"file", "present", "diameter_mm", "minor_mm", "weight_g", "volume_cm3",
                                 "defect_mm2", "defect_share", "defect_kinds", "largest_defect_mm2",
                                 "colour_share", "doubt", "grade", "size_code"});
  REQUIRE(truth.rows().size() == 6);
  const cli::CsvTable views = cli::CsvTable::read((dir / "set" / "truth_views.csv").string());
  REQUIRE(views.ok());
  CHECK(first_columns(views, 6) == std::vector<std::string>{"file", "view", "visible_defect_mm2",
                                                            "calyx_visible", "calyx_x_px", "calyx_y_px"});
  CHECK(views.rows().size() == 12);

  // The binary and this process render the same fruit from the same seed.
  core::CameraConfig cam;
  cam.width_px = 320;
  cam.height_px = 280;
  cam.px_per_mm = 2;
  cam.seed = 9;
  cam.views_per_fruit = 2;
  const vision::SyntheticCamera camera(cam);
  const std::set<std::string> grades = {"extra", "class_i", "class_ii", "out_of_grade", "unknown"};
  for (const cli::CsvRecord& row : truth.rows()) {
    const auto cup = cli::parse_int(truth.field(row, "cup"));
    REQUIRE(cup.has_value());
    const vision::FruitTruth t = camera.truth_for(0, static_cast<std::uint64_t>(*cup));
    INFO(truth.where(row, "file"));
    CHECK(truth.field(row, "file") == (*cup < 10 ? "00000" : "0000") + std::to_string(*cup) + "_v0.png");
    CHECK(truth.field(row, "present") == (t.present ? "1" : "0"));
    if (!t.present) {
      CHECK(truth.field(row, "grade").empty());
      CHECK(truth.field(row, "diameter_mm").empty());
      continue;
    }
    CHECK(cli::parse_double(truth.field(row, "diameter_mm")).value_or(0) == Approx(t.diameter_mm).margin(0.006));
    CHECK(cli::parse_double(truth.field(row, "defect_mm2")).value_or(-1) == Approx(t.defect_mm2).margin(0.06));
    CHECK(grades.count(std::string(truth.field(row, "grade"))) == 1);
    if (t.doubt != core::Doubt::none) {
      CHECK(truth.field(row, "grade") == "unknown");
      CHECK(truth.field(row, "size_code").empty());
    }
  }
}

TEST_CASE("synth is reproducible from its seed, and lanes share a frame", "[integration][app]") {
  test::TempDir dir;
  const std::string common = " --count 3 --seed 21" + kSmall;
  REQUIRE(synth("--out " + (dir / "a").string() + common).exit_code == 0);
  REQUIRE(synth("--out " + (dir / "b").string() + common + " --threads 1").exit_code == 0);
  CHECK(slurp(dir / "a" / "truth.csv") == slurp(dir / "b" / "truth.csv"));
  CHECK(slurp(dir / "a" / "truth_views.csv") == slurp(dir / "b" / "truth_views.csv"));
  CHECK(slurp(dir / "a" / "images" / "000002.png") == slurp(dir / "b" / "images" / "000002.png"));

  const Run lanes = synth("--out " + (dir / "lanes").string() +
                          " --count 2 --lanes 2 --width 640 --height 280 --px-per-mm 2 --standard " + kHouse);
  REQUIRE(lanes.exit_code == 0);
  auto frame = vision::load_image((dir / "lanes" / "images" / "000001.png").string());
  REQUIRE(frame.has_value());
  CHECK(frame->width() == 640);
  const cli::CsvTable truth = cli::CsvTable::read((dir / "lanes" / "truth.csv").string());
  REQUIRE(truth.ok());
  REQUIRE(truth.rows().size() == 4);  // 2 frames x 2 lanes
  CHECK(truth.field(truth.rows()[2], "file") == "000001.png");
  CHECK(truth.field(truth.rows()[2], "lane") == "0");
  CHECK(truth.field(truth.rows()[3], "lane") == "1");
}

TEST_CASE("synth's shares steer the mix of clean, defective and doubtful fruit", "[integration][app]") {
  test::TempDir dir;
  struct Mix {
    std::string flags;
    bool (*holds)(const cli::CsvTable&, const cli::CsvRecord&);
  };
  const Mix mixes[] = {
      {"--doubt-share 1", [](const cli::CsvTable& t, const cli::CsvRecord& r) { return !t.field(r, "doubt").empty(); }},
      {"--defect-share 1", [](const cli::CsvTable& t, const cli::CsvRecord& r) {
         return t.field(r, "defect_mm2") != "0.0" && t.field(r, "doubt").empty();
       }},
      {"--clean-share 1", [](const cli::CsvTable& t, const cli::CsvRecord& r) { return t.field(r, "defect_mm2") == "0.0"; }},
  };
  int set = 0;
  for (const Mix& mix : mixes) {
    const fs::path out = dir / ("mix" + std::to_string(set++));
    const Run r = synth("--out " + out.string() + " --count 12 --empty-share 0 " + mix.flags + kSmall);
    INFO(mix.flags << ": " << r.output);
    REQUIRE(r.exit_code == 0);
    const cli::CsvTable truth = cli::CsvTable::read((out / "truth.csv").string());
    REQUIRE(truth.ok());
    REQUIRE(truth.rows().size() == 12);
    for (const cli::CsvRecord& row : truth.rows()) {
      INFO(truth.where(row, "file"));
      CHECK(truth.field(row, "present") == "1");
      CHECK(mix.holds(truth, row));
    }
  }
}

TEST_CASE("synth refuses bad arguments with exit 2 and says which", "[integration][app]") {
  test::TempDir dir;
  const std::string out = " --out " + (dir / "x").string();
  const std::pair<std::string, std::string> cases[] = {
      {"--count 3", "--out DIR is required"},
      {out + " --count 0", "--count must be between 1 and"},
      {out + " --views 17", "--views must be between 1 and 16"},
      {out + " --px-per-mm fast", "px-per-mm"},
      {out + " --clean-share 0.7 --defect-share 0.6", "add up to more than 1"},
      {out + " --clean-share 0.2 --defect-share 0.2 --doubt-share 0.2", "must add up to 1"},
      {out + " --doubt-share 1.5", "--doubt-share must be between 0 and 1"},
      {out + " --lanes 8 --width 200", "narrower than 32 px"},
      {out + " --lanes 3 --width 640", "multiple of --lanes"},
      {out + " --colour red", "unrecognised option"},
      {out + " --standard " + (dir / "missing.json").string(), "missing.json"},
  };
  for (const auto& [arguments, message] : cases) {
    const Run r = synth(arguments);
    INFO("coldsort synth " << arguments << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(message) != std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir / "x"));  // nothing written on bad usage

  // A folder that cannot be made is a run-time failure, not a usage error.
  std::ofstream(dir / "file") << "not a folder";
  const Run r = synth("--out " + (dir / "file" / "set").string() + " --count 1" + kSmall);
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("cannot create") != std::string::npos);
}

TEST_CASE("synth finds the config folder's standard by itself", "[integration][app]") {
  test::TempDir dir;
  const Run r = synth("--out " + (dir / "set").string() + " --count 1 --width 320 --height 280 --px-per-mm 2");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  // The Codex standard when it ships, the house standard until then.
  CHECK((r.output.find("codex") != std::string::npos || r.output.find("house-diameter-v1") != std::string::npos));
}
