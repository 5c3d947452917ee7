// `coldsort calibrate` as an operator runs it: images of a board or disc rendered here from a
// known pinhole camera (plain C++, written as PPM), weighed-fruit CSVs, a copy of the default
// config rewritten with --write, and the one line that names each bad input.
#include <sys/wait.h>

#include <array>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "config_camera_writer.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using coldsort::test::TempDir;

namespace {

using Run = coldsort::test::CommandRun;

Run run(const std::string& arguments) {
  return coldsort::test::run_command(std::string(COLDSORT_CLI) + " " + arguments);
}

bool has(const Run& r, const std::string& text) { return r.output.find(text) != std::string::npos; }

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The JSON the command prints for the config's camera object.
json::object printed_json(const Run& r) {
  const std::string marker = "for the config's \"camera\" object:\n";
  const auto at = r.output.find(marker);
  REQUIRE(at != std::string::npos);
  const auto start = at + marker.size();
  const auto end = r.output.find("\n}", start);
  REQUIRE(end != std::string::npos);
  return json::parse(r.output.substr(start, end + 2 - start)).as_object();
}

constexpr int kWidth = 640, kHeight = 480;

// Writes a grey image as binary PPM; `grey(x, y)` gives the brightness at a pixel.
void write_ppm(const fs::path& file, const std::function<double(double, double)>& grey,
               std::array<double, 3> tint = {1, 1, 1}) {
  std::ofstream out(file, std::ios::binary);
  out << "P6\n" << kWidth << " " << kHeight << "\n255\n";
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x) {
      // 3x3 samples per pixel: edges carry their coverage, as a real sensor's do.
      double sum = 0;
      for (int j = 0; j < 3; ++j)
        for (int i = 0; i < 3; ++i) sum += grey(x + (i - 1) / 3.0, y + (j - 1) / 3.0);
      for (double t : tint)
        out.put(static_cast<char>(std::lround(std::clamp(sum / 9 * t, 0.0, 255.0))));
    }
}

using Mat3 = std::array<double, 9>;

Mat3 multiply(const Mat3& a, const Mat3& b) {
  Mat3 c{};
  for (int r = 0; r < 3; ++r)
    for (int k = 0; k < 3; ++k)
      for (int i = 0; i < 3; ++i) c[r * 3 + k] += a[r * 3 + i] * b[i * 3 + k];
  return c;
}

Mat3 inverse(const Mat3& m) {
  const double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7],
               i = m[8];
  const double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return {(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
          (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
          (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det};
}

// The board: 10x7 squares of 20 mm (9x6 inner corners) with a white square of margin.
constexpr double kSquareMm = 20, kFocalPx = 600;

double board_grey(double x_mm, double y_mm) {
  const double u = x_mm / kSquareMm, v = y_mm / kSquareMm;
  if (u < -1 || v < -1 || u >= 11 || v >= 8) return 90;  // the belt around the print
  if (u < 0 || v < 0 || u >= 10 || v >= 7) return 235;
  return (static_cast<int>(std::floor(u)) + static_cast<int>(std::floor(v))) % 2 == 0 ? 20 : 235;
}

// The board turned by `rx`, `ry` (radians) about its centre, which sits `z_mm` in front of a
// distortion-free pinhole camera (focal length kFocalPx, centred principal point).
void write_board(const fs::path& file, double rx, double ry, double z_mm) {
  const Mat3 rot_x{1, 0, 0, 0, std::cos(rx), -std::sin(rx), 0, std::sin(rx), std::cos(rx)};
  const Mat3 rot_y{std::cos(ry), 0, std::sin(ry), 0, 1, 0, -std::sin(ry), 0, std::cos(ry)};
  const Mat3 r = multiply(rot_y, rot_x);
  const double cx = 100, cy = 70;  // board centre in board millimetres
  const double t[3] = {-(r[0] * cx + r[1] * cy), -(r[3] * cx + r[4] * cy),
                       z_mm - (r[6] * cx + r[7] * cy)};
  const Mat3 k{kFocalPx, 0, (kWidth - 1) / 2.0, 0, kFocalPx, (kHeight - 1) / 2.0, 0, 0, 1};
  const Mat3 to_board =
      inverse(multiply(k, {r[0], r[1], t[0], r[3], r[4], t[1], r[6], r[7], t[2]}));
  write_ppm(file, [&](double x, double y) {
    const double w = to_board[6] * x + to_board[7] * y + to_board[8];
    return board_grey((to_board[0] * x + to_board[1] * y + to_board[2]) / w,
                      (to_board[3] * x + to_board[4] * y + to_board[5]) / w);
  });
}

// A bright disc (or a red fruit-like ellipse with `tint`) on a dark ground.
void write_ellipse(const fs::path& file, double cx, double cy, double a_px, double b_px,
                   std::array<double, 3> tint = {1, 1, 1}) {
  write_ppm(
      file,
      [&](double x, double y) {
        const double u = (x - cx) / a_px, v = (y - cy) / b_px;
        return u * u + v * v <= 1 ? 210 : 25;
      },
      tint);
}

// Images for a camera calibration: the belt view (square on, 300 mm: 2 px/mm) and four
// tilted views, in `dir`.
std::vector<std::string> board_images(const fs::path& dir) {
  write_board(dir / "belt.ppm", 0, 0, 300);
  write_board(dir / "tilt1.ppm", 0.35, 0, 360);
  write_board(dir / "tilt2.ppm", -0.35, 0.1, 360);
  write_board(dir / "tilt3.ppm", 0, 0.4, 370);
  write_board(dir / "tilt4.ppm", 0.2, -0.35, 360);
  std::vector<std::string> files;
  for (const char* name : {"belt.ppm", "tilt1.ppm", "tilt2.ppm", "tilt3.ppm", "tilt4.ppm"})
    files.push_back((dir / name).string());
  return files;
}

std::string joined(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) out += " " + f;
  return out;
}

// A copy of config/ (default.json and the files it names) in `dir`.
fs::path config_copy(const TempDir& dir) {
  fs::copy(COLDSORT_CONFIG_DIR, dir / "config", fs::copy_options::recursive);
  return dir / "config" / "default.json";
}

}  // namespace

TEST_CASE("calibrate camera finds the scale and the lens from chessboard views",
          "[integration][cli][calibration]") {
  TempDir dir;
  auto files = board_images(dir.path());
  write_ellipse(dir / "blank.ppm", -500, -500, 1, 1);  // no board at all
  Run r = run("calibrate camera --chessboard 9x6 --square-mm 20" + joined(files) + " " +
              (dir / "blank.ppm").string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r, "found in 5 of 6 images"));
  CHECK(has(r, "blank.ppm: not used: no 9x6 chessboard found"));
  json::object camera = printed_json(r);
  CHECK(camera.at("px_per_mm").to_number<double>() == Approx(kFocalPx / 300).epsilon(0.01));
  const json::object& lens = camera.at("lens").as_object();
  REQUIRE(lens.at("camera_matrix").as_array().size() == 9);
  CHECK(lens.at("camera_matrix").as_array()[0].to_number<double>() ==
        Approx(kFocalPx).epsilon(0.03));
  CHECK(lens.at("distortion").as_array().size() == 5);
  CHECK(lens.at("image_width_px").to_number<int>() == kWidth);
  CHECK(lens.at("image_height_px").to_number<int>() == kHeight);
  CHECK(lens.at("rms_error_px").to_number<double>() < 0.5);
}

TEST_CASE("calibrate camera --write updates the config's camera and keeps a backup",
          "[integration][cli][calibration]") {
  TempDir dir;
  const fs::path config = config_copy(dir);
  const std::string before = read_text(config);
  auto files = board_images(dir.path());
  Run r = run("calibrate camera --chessboard 9x6 --square-mm 20 --config " + config.string() +
              " --write" + joined(files));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r, "wrote " + config.string()));
  CHECK(read_text(config.string() + ".bak") == before);
  CHECK_FALSE(fs::exists(config.string() + ".tmp"));

  json::object after = json::parse(read_text(config)).as_object();
  json::object original = json::parse(before).as_object();
  const json::object& camera = after.at("camera").as_object();
  CHECK(camera.at("px_per_mm").to_number<double>() == Approx(2.0).epsilon(0.01));
  CHECK(camera.at("lens").as_object().at("camera_matrix").as_array().size() == 9);
  CHECK(camera.at("source") == original.at("camera").as_object().at("source"));
  CHECK(camera.at("seed") == original.at("camera").as_object().at("seed"));
  for (const char* key : {"line", "products", "outlets", "stations", "devices", "grading"})
    CHECK(after.at(key) == original.at(key));
  CHECK(run("check-config " + config.string()).exit_code == 0);
}

TEST_CASE("calibrate camera with a disc of known diameter", "[integration][cli][calibration]") {
  TempDir dir;
  // 180 px across for a 50 mm disc: 3.6 px/mm.
  write_ellipse(dir / "disc.ppm", 311.4, 247.8, 90, 90);
  Run r = run("calibrate camera --disc-mm 50 " + (dir / "disc.ppm").string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r, "roundness"));
  CHECK(printed_json(r).at("px_per_mm").to_number<double>() == Approx(3.6).epsilon(0.005));
}

TEST_CASE("calibrate camera refuses bad usage and names what failed",
          "[integration][cli][calibration]") {
  TempDir dir;
  write_board(dir / "belt.ppm", 0, 0, 300);
  write_ellipse(dir / "blank.ppm", -500, -500, 1, 1);
  const std::string belt = (dir / "belt.ppm").string(), blank = (dir / "blank.ppm").string();
  CHECK(run("calibrate").exit_code == 2);
  CHECK(run("calibrate camera " + belt).exit_code == 2);
  CHECK(run("calibrate camera --chessboard 9x6 " + belt).exit_code == 2);  // no --square-mm
  CHECK(run("calibrate camera --chessboard nine --square-mm 20 " + belt).exit_code == 2);
  CHECK(run("calibrate camera --disc-mm 50 --write " + belt).exit_code == 2);
  Run missing = run("calibrate camera --disc-mm 50 " + (dir / "nope.png").string());
  CHECK(missing.exit_code == 2);
  CHECK(has(missing, "nope.png: cannot read the image"));
  Run not_belt = run("calibrate camera --chessboard 9x6 --square-mm 20 --belt " + blank + " " +
                     belt + " " + blank);
  CHECK(not_belt.exit_code == 1);
  CHECK(has(not_belt, "not found in the belt view " + blank));
  CHECK(
      run("calibrate camera --chessboard 9x6 --square-mm 20 --belt other.png " + belt).exit_code ==
      2);
}

TEST_CASE("calibrate weight fits the model from diameters and writes it",
          "[integration][cli][calibration]") {
  TempDir dir;
  const fs::path config = config_copy(dir);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> size(68, 102), flat(0.85, 0.95);
  std::normal_distribution<double> noise(0, 4);
  std::ofstream csv(dir / "samples.csv");
  csv << "diameter_mm,minor_mm,weight_g\n";
  for (int i = 0; i < 15; ++i) {
    const double d = size(rng), minor = d * flat(rng);
    const double volume_cm3 = M_PI / 6 * (d / 10) * (d / 10) * (minor / 10);
    csv << d << "," << minor << "," << 0.93 * volume_cm3 + 10 + noise(rng) << "\n";
  }
  csv.close();
  Run r = run("calibrate weight " + (dir / "samples.csv").string() + " --config " +
              config.string() + " --write");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r, "samples: 15"));
  const json::object model = printed_json(r).at("weight_model").as_object();
  CHECK(model.at("g_per_cm3").to_number<double>() == Approx(0.93).margin(0.06));
  CHECK(model.at("samples").to_number<int>() == 15);
  CHECK(model.at("rms_error_g").to_number<double>() < 8);
  const json::object written = json::parse(read_text(config)).as_object();
  CHECK(written.at("camera").as_object().at("weight_model") == json::value(model));
  CHECK(fs::exists(config.string() + ".bak"));
  CHECK(run("check-config " + config.string()).exit_code == 0);
  // Numbers elsewhere keep their form: 6.0 stays 6.0 (a reader sees the same file).
  CHECK(read_text(config).find("\"setpoint_c\": 6.0,") != std::string::npos);
}

TEST_CASE("calibrate weight measures the fruit in images", "[integration][cli][calibration]") {
  TempDir dir;
  std::ofstream csv(dir / "weighed.csv");
  csv << "image,weight_g\n";
  // Red fruit-like ellipses on a dark belt at 2 px/mm; weight from the true shape.
  const double sizes[][2] = {{72, 66}, {80, 72}, {86, 78}, {92, 82}, {98, 88}, {76, 70}};
  for (std::size_t i = 0; i < std::size(sizes); ++i) {
    const std::string name = "fruit" + std::to_string(i) + ".ppm";
    write_ellipse(dir / name, 320, 240, sizes[i][0], sizes[i][1], {0.25, 0.2, 1.0});
    const double volume_cm3 = M_PI / 6 * std::pow(sizes[i][0] / 10, 2) * (sizes[i][1] / 10);
    csv << name << "," << 0.95 * volume_cm3 << "\n";
  }
  csv.close();
  Run r = run("calibrate weight --px-per-mm 2 " + (dir / "weighed.csv").string());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r, "samples: 6"));
  // The measurement is good to ~1-2 mm on clean fruit; the fitted model must give the
  // weighed fruit back within a few per cent.
  const json::object model = printed_json(r).at("weight_model").as_object();
  const double g = model.at("g_per_cm3").to_number<double>();
  const double offset = model.at("offset_g").to_number<double>();
  const double mid_volume = M_PI / 6 * 8.6 * 8.6 * 7.8;
  CHECK((g * mid_volume + offset) == Approx(0.95 * mid_volume).epsilon(0.06));

  CHECK(run("calibrate weight " + (dir / "weighed.csv").string()).exit_code == 2);  // no scale
}

TEST_CASE("calibrate weight names the file and line of bad input",
          "[integration][cli][calibration]") {
  TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const std::string ok_rows = "80,72,240\n90,80,330\n";
  std::string file =
      write("word.csv", "diameter_mm,minor_mm,weight_g\n" + ok_rows + "85,76,heavy\n");
  Run word = run("calibrate weight " + file);
  CHECK(word.exit_code == 2);
  CHECK(has(word, file + ":4: weight_g: \"heavy\" is not a number"));

  file = write("negative.csv", "diameter_mm,minor_mm,weight_g\n80,72,240\n85,76,-5\n90,80,330\n");
  Run negative = run("calibrate weight " + file);
  CHECK(negative.exit_code == 2);
  CHECK(has(negative, file + ":3: weight_g: must be positive"));

  file = write("short.csv", "diameter_mm,minor_mm,weight_g\n" + ok_rows + "85,76\n");
  Run short_row = run("calibrate weight " + file);
  CHECK(short_row.exit_code == 2);
  CHECK(has(short_row, file + ":4:"));

  file = write("header.csv", "size,weight\n80,240\n");
  Run header = run("calibrate weight " + file);
  CHECK(header.exit_code == 2);
  CHECK(has(header, file + ":1: the header must name"));

  file = write("two.csv", "diameter_mm,minor_mm,weight_g\n" + ok_rows);
  Run two = run("calibrate weight " + file);
  CHECK(two.exit_code == 2);
  CHECK(has(two, "at least 3"));

  file = write("images.csv", "image,weight_g\nmissing.png,250\n");
  Run image = run("calibrate weight --px-per-mm 2 " + file);
  CHECK(image.exit_code == 2);
  CHECK(has(image, file + ":2: image: cannot read"));

  Run missing = run("calibrate weight " + (dir / "nope.csv").string());
  CHECK(missing.exit_code == 2);
  CHECK(has(missing, (dir / "nope.csv").string()));
}

TEST_CASE("the config writer keeps numbers readable and refuses an invalid result",
          "[unit][cli][calibration]") {
  using coldsort::cli::pretty_json;
  const json::value v = json::parse(R"({"a": 2.0, "b": [1, 0.5, -3e-7], "c": {"d": "x\"y"},
                                        "e": [], "f": [{"g": true}]})");
  CHECK(pretty_json(v) ==
        "{\n  \"a\": 2.0,\n  \"b\": [1, 0.5, -3e-07],\n  \"c\": {\n    \"d\": \"x\\\"y\"\n  },\n"
        "  \"e\": [],\n  \"f\": [\n    {\n      \"g\": true\n    }\n  ]\n}");
  CHECK(coldsort::cli::rounded(3.14159, 2) == 3.14);
  CHECK(coldsort::cli::significant(-0.000123456789, 3) == -0.000123);

  TempDir dir;
  const fs::path config = config_copy(dir);
  const std::string before = read_text(config);
  auto w = coldsort::cli::update_camera_config(config.string(), {{"px_per_mm", 99.0}});
  CHECK_FALSE(w.ok());
  CHECK(w.error.find("camera.px_per_mm") != std::string::npos);
  CHECK(read_text(config) == before);
  CHECK_FALSE(fs::exists(config.string() + ".bak"));

  auto missing = coldsort::cli::update_camera_config((dir / "nope.json").string(), {});
  CHECK_FALSE(missing.ok());
  CHECK(missing.error.find("nope.json") != std::string::npos);
}
