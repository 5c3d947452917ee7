// Calibration against images rendered from a known camera: a chessboard seen through a lens
// with known distortion, discs of known size, and weighed samples from a known model.
#include <catch2/catch.hpp>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <string>
#include <vector>

#include "coldsort/vision/calibration.hpp"
#include "pixels.hpp"

using namespace coldsort;

namespace {

// The board: 10x7 squares, so 9x6 inner corners, 20 mm squares, one white square of margin.
constexpr int kCols = 9, kRows = 6;
constexpr double kSquareMm = 20;
constexpr int kTexturePxPerSquare = 32;

cv::Mat board_texture() {
  const int w = (kCols + 3) * kTexturePxPerSquare, h = (kRows + 3) * kTexturePxPerSquare;
  cv::Mat t(h, w, CV_8UC1, cv::Scalar(235));
  for (int r = 0; r < kRows + 1; ++r)
    for (int c = 0; c < kCols + 1; ++c)
      if ((r + c) % 2 == 0)
        t(cv::Rect((c + 1) * kTexturePxPerSquare, (r + 1) * kTexturePxPerSquare,
                   kTexturePxPerSquare, kTexturePxPerSquare))
            .setTo(20);
  return t;
}

// Board millimetres (origin at the outer corner of the first square) -> texture pixels.
cv::Point2f texture_of(double x_mm, double y_mm) {
  return {static_cast<float>((x_mm / kSquareMm + 1) * kTexturePxPerSquare - 0.5),
          static_cast<float>((y_mm / kSquareMm + 1) * kTexturePxPerSquare - 0.5)};
}

// Renders the board: `board_of` maps every image pixel to board millimetres.
template <class F>
vision::Image render(cv::Size size, F board_of) {
  static const cv::Mat texture = board_texture();
  cv::Mat map(size, CV_32FC2);
  for (int y = 0; y < size.height; ++y)
    for (int x = 0; x < size.width; ++x) {
      cv::Point2d mm = board_of(x, y);
      cv::Point2f t = texture_of(mm.x, mm.y);
      map.at<cv::Vec2f>(y, x) = {t.x, t.y};
    }
  cv::Mat grey, bgr;
  cv::remap(texture, grey, map, cv::noArray(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
            cv::Scalar(90));
  cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
  return vision::make_image(bgr);
}

// A flat board under a distortion-free camera: `px_per_mm`, turned by `angle_deg`.
vision::Image flat_board(double px_per_mm, double angle_deg) {
  const double a = angle_deg * CV_PI / 180, c = std::cos(a), s = std::sin(a);
  const cv::Point2d centre(320, 240),
      board_centre((kCols + 1) * kSquareMm / 2, (kRows + 1) * kSquareMm / 2);
  return render({640, 480}, [&](int x, int y) {
    const double dx = (x - centre.x) / px_per_mm, dy = (y - centre.y) / px_per_mm;
    return cv::Point2d(c * dx + s * dy + board_centre.x, -s * dx + c * dy + board_centre.y);
  });
}

// A pinhole camera with barrel distortion, 640x480.
struct TrueCamera {
  cv::Matx33d camera{700, 0, 319.5, 0, 700, 239.5, 0, 0, 1};
  cv::Vec<double, 5> distortion{-0.25, 0.08, 0, 0, 0};
  cv::Size size{640, 480};
  core::LensCalibration lens() const {
    core::LensCalibration l;
    l.present = true;
    for (int i = 0; i < 9; ++i) l.camera_matrix.push_back(camera.val[i]);
    for (int i = 0; i < 5; ++i) l.distortion.push_back(distortion[i]);
    l.image_width_px = size.width;
    l.image_height_px = size.height;
    return l;
  }
};

// The board posed at rotation `rvec` (Rodrigues) with its centre at `centre_mm` in camera
// coordinates, seen through the distorting lens: every pixel is undistorted, then its ray is
// met with the board plane.
vision::Image board_seen_by(const TrueCamera& cam, cv::Vec3d rvec, cv::Vec3d centre_mm) {
  cv::Matx33d rot;
  cv::Rodrigues(rvec, rot);
  const cv::Vec3d half((kCols + 1) * kSquareMm / 2, (kRows + 1) * kSquareMm / 2, 0);
  const cv::Vec3d t = centre_mm - rot * half;
  const cv::Matx33d to_board = cv::Matx33d(rot(0, 0), rot(0, 1), t[0], rot(1, 0), rot(1, 1), t[1],
                                           rot(2, 0), rot(2, 1), t[2])
                                   .inv();
  std::vector<cv::Point2f> pixels, normalised;
  for (int y = 0; y < cam.size.height; ++y)
    for (int x = 0; x < cam.size.width; ++x) pixels.emplace_back(float(x), float(y));
  cv::undistortPoints(pixels, normalised, cam.camera, cam.distortion, cv::noArray(), cv::noArray(),
                      cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 40, 1e-9));
  return render(cam.size, [&](int x, int y) {
    const cv::Point2f n = normalised[static_cast<std::size_t>(y * cam.size.width + x)];
    const cv::Vec3d b = to_board * cv::Vec3d(n.x, n.y, 1);
    return cv::Point2d(b[0] / b[2], b[1] / b[2]);
  });
}

// The belt view: board square to the camera at 350 mm, so fx / Z = 2 px/mm at the board.
constexpr double kBeltDistanceMm = 350;

std::vector<vision::NamedImage> lens_views(const TrueCamera& cam) {
  std::vector<vision::NamedImage> views;
  views.push_back({"belt.png", board_seen_by(cam, {0, 0, 0}, {0, 0, kBeltDistanceMm})});
  const cv::Vec3d poses[][2] = {
      {{0.45, 0, 0}, {0, 0, 400}},       {{-0.45, 0, 0}, {0, 0, 400}},
      {{0, 0.5, 0}, {0, 0, 400}},        {{0, -0.5, 0}, {0, 0, 400}},
      {{0.3, 0.3, 0.3}, {-40, 20, 420}}, {{-0.3, 0.35, -0.2}, {40, -20, 430}},
      {{0.2, -0.4, 0.5}, {30, 30, 380}}, {{0, 0, 0.4}, {-60, -40, 460}},
  };
  for (std::size_t i = 0; i < std::size(poses); ++i)
    views.push_back(
        {"tilt" + std::to_string(i) + ".png", board_seen_by(cam, poses[i][0], poses[i][1])});
  return views;
}

}  // namespace

TEST_CASE("a flat board gives px/mm from its square size, in any orientation",
          "[unit][vision][calibration]") {
  for (double angle : {0.0, 17.0, -38.0}) {
    std::vector<vision::NamedImage> images{{"flat.png", flat_board(2.6, angle)}};
    auto cal = vision::calibrate_from_chessboard(images, kCols, kRows, kSquareMm);
    INFO("angle " << angle << ": " << cal.error);
    REQUIRE(cal.ok());
    CHECK(cal.px_per_mm == Approx(2.6).epsilon(0.01));
    CHECK(cal.scale_gradient < 0.01);
    CHECK_FALSE(cal.lens.present);  // one view cannot give a lens
    CHECK(cal.views_used == 1);
  }
}

TEST_CASE("images without the board are named, and the rest still calibrate",
          "[unit][vision][calibration]") {
  cv::Mat blank(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));
  std::vector<vision::NamedImage> images{{"flat.png", flat_board(3.0, 5)},
                                         {"blank.png", vision::make_image(blank)}};
  auto cal = vision::calibrate_from_chessboard(images, kCols, kRows, kSquareMm);
  REQUIRE(cal.ok());
  REQUIRE(cal.views.size() == 2);
  CHECK(cal.views[0].board_found);
  CHECK(cal.views[1].name == "blank.png");
  CHECK_FALSE(cal.views[1].board_found);
  CHECK(cal.views[1].problem.find("9x6") != std::string::npos);
  CHECK(cal.px_per_mm == Approx(3.0).epsilon(0.01));

  vision::ChessboardOptions options;
  options.pattern_cols = kCols;
  options.pattern_rows = kRows;
  options.square_mm = kSquareMm;
  options.belt_view = 1;  // the blank one: no scale at the belt
  auto failed = vision::calibrate_from_chessboard(images, options);
  CHECK_FALSE(failed.ok());
  CHECK(failed.error.find("blank.png") != std::string::npos);
  CHECK(failed.px_per_mm == 0);
}

TEST_CASE("the wrong pattern size is reported, not guessed", "[unit][vision][calibration]") {
  std::vector<vision::NamedImage> images{{"flat.png", flat_board(2.6, 0)}};
  auto cal = vision::calibrate_from_chessboard(images, 7, 5, kSquareMm);
  CHECK_FALSE(cal.ok());
  CHECK(cal.error.find("flat.png") != std::string::npos);
  CHECK(vision::calibrate_from_chessboard(images, kCols, kRows, 0).error.find("square") !=
        std::string::npos);
}

TEST_CASE("views through a distorting lens recover the lens and the belt scale",
          "[unit][vision][calibration]") {
  const TrueCamera cam;
  const auto views = lens_views(cam);
  auto cal = vision::calibrate_from_chessboard(views, kCols, kRows, kSquareMm);
  INFO(cal.error);
  REQUIRE(cal.ok());
  CHECK(cal.views_used == static_cast<int>(views.size()));
  REQUIRE(cal.lens.present);
  CHECK(cal.lens.rms_error_px < 0.5);
  CHECK(cal.lens.image_width_px == 640);
  REQUIRE(cal.lens.camera_matrix.size() == 9);
  CHECK(cal.lens.camera_matrix[0] == Approx(700).epsilon(0.02));
  CHECK(cal.lens.camera_matrix[4] == Approx(700).epsilon(0.02));
  REQUIRE(cal.lens.distortion.size() == 5);
  CHECK(cal.lens.distortion[0] < -0.15);  // barrel, about -0.25
  CHECK(cal.lens.distortion[0] > -0.35);
  CHECK(std::abs(cal.lens.distortion[2]) < 0.01);  // no tangential distortion
  CHECK(cal.lens_undistorted_belt_view);
  CHECK(cal.px_per_mm == Approx(700 / kBeltDistanceMm).epsilon(0.01));
  for (const auto& v : cal.views) CHECK(v.reprojection_rms_px < 1.0);

  // The same belt view alone, without a lens, misses the 1 % the lens gives.
  auto raw = vision::calibrate_from_chessboard(std::span(views).first(1), kCols, kRows, kSquareMm);
  REQUIRE(raw.ok());
  CHECK(std::abs(raw.px_per_mm / (700 / kBeltDistanceMm) - 1) > 0.01);
}

TEST_CASE("an earlier lens undistorts the belt view when there are too few views",
          "[unit][vision][calibration]") {
  const TrueCamera cam;
  std::vector<vision::NamedImage> belt{
      {"belt.png", board_seen_by(cam, {0, 0, 0}, {0, 0, kBeltDistanceMm})}};
  vision::ChessboardOptions options;
  options.pattern_cols = kCols;
  options.pattern_rows = kRows;
  options.square_mm = kSquareMm;
  options.known_lens = cam.lens();
  auto cal = vision::calibrate_from_chessboard(belt, options);
  REQUIRE(cal.ok());
  CHECK(cal.lens_undistorted_belt_view);
  CHECK_FALSE(cal.lens.present);
  CHECK(cal.px_per_mm == Approx(700 / kBeltDistanceMm).epsilon(0.01));
}

TEST_CASE("the undistorter straightens the board to its true scale",
          "[unit][vision][calibration]") {
  const TrueCamera cam;
  const vision::Image distorted = board_seen_by(cam, {0, 0, 0}, {0, 0, kBeltDistanceMm});
  const vision::Undistorter undistort(cam.lens());
  REQUIRE(undistort.active());
  std::vector<vision::NamedImage> straight{{"belt.png", undistort.apply(distorted)}};
  CHECK(straight[0].image.width() == 640);
  auto cal = vision::calibrate_from_chessboard(straight, kCols, kRows, kSquareMm);
  REQUIRE(cal.ok());
  CHECK(cal.px_per_mm == Approx(700 / kBeltDistanceMm).epsilon(0.01));
  CHECK(cal.scale_gradient < 0.02);

  // Half-size frames (binning) are corrected with the camera matrix scaled to them.
  cv::Mat half;
  cv::resize(vision::mat_of(distorted), half, {320, 240}, 0, 0, cv::INTER_AREA);
  std::vector<vision::NamedImage> small{{"half.png", undistort.apply(vision::make_image(half))}};
  auto cal_half = vision::calibrate_from_chessboard(small, kCols, kRows, kSquareMm);
  REQUIRE(cal_half.ok());
  CHECK(cal_half.px_per_mm == Approx(350 / kBeltDistanceMm).epsilon(0.015));

  const vision::Undistorter none(core::LensCalibration{});
  CHECK_FALSE(none.active());
  CHECK(none.apply(distorted).pixels() == distorted.pixels());
  core::LensCalibration broken = cam.lens();
  broken.distortion.resize(3);
  CHECK_THROWS_AS(vision::Undistorter(broken), std::invalid_argument);
}

namespace {

// An ellipse (full axes in px, angle in degrees) rendered at 8x and area-averaged down, so
// edge pixels carry their true coverage; grey `disc` on grey `ground`, with sensor noise.
vision::Image disc_image(cv::Point2d centre, double major_px, double minor_px, double angle_deg,
                         int disc, int ground) {
  constexpr int kSuper = 8;
  cv::Mat big(480 * kSuper, 640 * kSuper, CV_8UC1, cv::Scalar(ground));
  // Small-image coordinate c (pixel centres at integers) is big coordinate (c + 0.5) * 8 - 0.5.
  const cv::Point2f c(float((centre.x + 0.5) * kSuper - 0.5),
                      float((centre.y + 0.5) * kSuper - 0.5));
  cv::ellipse(big,
              cv::RotatedRect(c, cv::Size2f(float(major_px * kSuper), float(minor_px * kSuper)),
                              float(angle_deg)),
              cv::Scalar(disc), cv::FILLED);
  cv::Mat small, noise(480, 640, CV_16SC1), out;
  cv::resize(big, small, {640, 480}, 0, 0, cv::INTER_AREA);
  cv::RNG rng(12345);
  rng.fill(noise, cv::RNG::NORMAL, 0, 4);
  small.convertTo(out, CV_16SC1);
  out += noise;
  out.convertTo(small, CV_8UC1);  // saturating
  cv::Mat bgr;
  cv::cvtColor(small, bgr, cv::COLOR_GRAY2BGR);
  return vision::make_image(bgr);
}

}  // namespace

TEST_CASE("a bright disc on a dark belt gives px/mm within 0.5 %", "[unit][vision][calibration]") {
  // 200 px across for a 50 mm disc: 4 px/mm.
  auto cal = vision::calibrate_from_disc(disc_image({321.3, 238.7}, 200, 200, 0, 215, 30), 50);
  INFO(cal.error);
  REQUIRE(cal.ok());
  CHECK(cal.px_per_mm == Approx(4.0).epsilon(0.005));
  CHECK(cal.roundness > 0.995);
  CHECK_FALSE(cal.dark_disc);
  CHECK(cal.centre.x == Approx(321.3).margin(0.2));
  CHECK(cal.centre.y == Approx(238.7).margin(0.2));
}

TEST_CASE("a dark disc on a light ground works the same", "[unit][vision][calibration]") {
  // 93.4 px across for a 30 mm disc: 3.1133 px/mm.
  auto cal = vision::calibrate_from_disc(disc_image({200.6, 300.2}, 93.4, 93.4, 0, 25, 200), 30);
  INFO(cal.error);
  REQUIRE(cal.ok());
  CHECK(cal.dark_disc);
  CHECK(cal.px_per_mm == Approx(93.4 / 30).epsilon(0.005));
}

TEST_CASE("a disc seen obliquely reports its roundness", "[unit][vision][calibration]") {
  auto cal = vision::calibrate_from_disc(disc_image({320, 240}, 240, 200, 30, 220, 35), 60);
  REQUIRE(cal.ok());
  CHECK(cal.major_px == Approx(240).margin(0.6));
  CHECK(cal.minor_px == Approx(200).margin(0.6));
  CHECK(cal.roundness == Approx(200.0 / 240).margin(0.005));
  CHECK(cal.px_per_mm == Approx(220.0 / 60).epsilon(0.005));
}

TEST_CASE("no disc, or a disc cut by the image edge, is an error", "[unit][vision][calibration]") {
  auto cut = vision::calibrate_from_disc(disc_image({20, 240}, 200, 200, 0, 215, 30), 50);
  CHECK_FALSE(cut.ok());
  CHECK(cut.px_per_mm == 0);
  cv::Mat flat(480, 640, CV_8UC3, cv::Scalar(40, 40, 40));
  CHECK_FALSE(vision::calibrate_from_disc(vision::make_image(flat), 50).ok());
  CHECK_FALSE(vision::calibrate_from_disc(vision::Image{}, 50).ok());
  auto bad = vision::calibrate_from_disc(disc_image({320, 240}, 200, 200, 0, 215, 30), -1);
  CHECK(bad.error.find("diameter") != std::string::npos);
}

TEST_CASE("spheroid volume is pi/6 D^2 d in cm3", "[unit][vision][calibration]") {
  CHECK(vision::spheroid_volume_cm3(80, 80) == Approx(4.0 / 3 * CV_PI * 64));  // 8 cm sphere
  CHECK(vision::spheroid_volume_cm3(100, 80) == Approx(CV_PI / 6 * 100 * 8));
  vision::WeightSample s;
  s.diameter_mm = 90;
  s.minor_mm = 81;
  CHECK(s.volume() == Approx(vision::spheroid_volume_cm3(90, 81)));
  s.volume_cm3 = 123;
  CHECK(s.volume() == 123);
}

TEST_CASE("the weight fit recovers density and offset from noisy weighed fruit",
          "[unit][vision][calibration]") {
  const double density = 0.95, offset = 15, noise_g = 6;
  std::mt19937 rng(20240601);
  std::uniform_real_distribution<double> diameter(70, 100), flattening(0.85, 0.95);
  std::normal_distribution<double> noise(0, noise_g);
  std::vector<vision::WeightSample> samples;
  for (int i = 0; i < 20; ++i) {
    vision::WeightSample s;
    s.diameter_mm = diameter(rng);
    s.minor_mm = s.diameter_mm * flattening(rng);
    s.weight_g = density * s.volume() + offset + noise(rng);
    samples.push_back(s);
  }
  auto fit = vision::fit_weight_model(samples);
  INFO(fit.error << fit.note);
  REQUIRE(fit.ok());
  CHECK_FALSE(fit.through_origin);
  // Slope standard error ~0.015 g/cm3 and offset ~5 g for this spread: 4 sigma bounds.
  CHECK(fit.model.g_per_cm3 == Approx(density).margin(0.06));
  CHECK(fit.model.offset_g == Approx(offset).margin(20));
  CHECK(fit.model.samples == 20);
  CHECK(fit.model.rms_error_g > noise_g * 0.5);
  CHECK(fit.model.rms_error_g < noise_g * 1.5);

  // Without noise the fit is exact.
  for (auto& s : samples) s.weight_g = density * s.volume() + offset;
  auto exact = vision::fit_weight_model(samples);
  REQUIRE(exact.ok());
  CHECK(exact.model.g_per_cm3 == Approx(density).epsilon(1e-9));
  CHECK(exact.model.offset_g == Approx(offset).margin(1e-6));
  CHECK(exact.model.rms_error_g < 1e-6);
}

TEST_CASE("the weight fit goes through the origin when sizes cannot separate slope and offset",
          "[unit][vision][calibration]") {
  std::vector<vision::WeightSample> same(4);
  const double weights[] = {250, 262, 244, 256};
  for (std::size_t i = 0; i < same.size(); ++i) {
    same[i].volume_cm3 = 270;
    same[i].weight_g = weights[i];
  }
  auto fit = vision::fit_weight_model(same);
  REQUIRE(fit.ok());
  CHECK(fit.through_origin);
  CHECK(fit.model.offset_g == 0);
  CHECK(fit.model.g_per_cm3 == Approx(253.0 / 270));
  CHECK_FALSE(fit.note.empty());

  // Nearly equal sizes whose weights happen to fall with volume: a free fit's slope is
  // negative, which no fruit has.
  std::vector<vision::WeightSample> alike(3);
  const double volumes[] = {270, 272, 274}, falling[] = {262, 255, 248};
  for (std::size_t i = 0; i < alike.size(); ++i) {
    alike[i].volume_cm3 = volumes[i];
    alike[i].weight_g = falling[i];
  }
  auto origin = vision::fit_weight_model(alike);
  REQUIRE(origin.ok());
  CHECK(origin.through_origin);
  double svw = 0, svv = 0;
  for (const auto& s : alike) {
    svw += s.volume_cm3 * s.weight_g;
    svv += s.volume_cm3 * s.volume_cm3;
  }
  CHECK(origin.model.g_per_cm3 == Approx(svw / svv));
}

TEST_CASE("the weight fit refuses too few or impossible samples", "[unit][vision][calibration]") {
  std::vector<vision::WeightSample> two(2);
  two[0] = {200, 0, 0, 190};
  two[1] = {300, 0, 0, 285};
  auto fit = vision::fit_weight_model(two);
  CHECK_FALSE(fit.ok());
  CHECK(fit.error.find("at least 3") != std::string::npos);

  std::vector<vision::WeightSample> three{{200, 0, 0, 190}, {300, 0, 0, -5}, {250, 0, 0, 240}};
  auto negative = vision::fit_weight_model(three);
  CHECK(negative.error.find("sample 2") != std::string::npos);

  // Weights in kilograms by mistake: 0.001 g/cm3 is no fruit.
  std::vector<vision::WeightSample> kg{{200, 0, 0, 0.19}, {300, 0, 0, 0.285}, {250, 0, 0, 0.24}};
  auto units = vision::fit_weight_model(kg);
  CHECK_FALSE(units.ok());
  CHECK(units.error.find("units") != std::string::npos);
}
