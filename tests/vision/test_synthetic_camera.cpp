// The synthetic camera's renderer and truth: determinism, outline size, what each view
// shows, the mix of fruit, and multi-lane frames. Measurements here use plain OpenCV, not
// the grader, so that they test the renderer alone.
#include <catch2/catch.hpp>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "coldsort/vision/synthetic_camera.hpp"
#include "pixels.hpp"

using namespace coldsort;
using vision::FruitTruth;
using vision::SyntheticCamera;
using vision::SyntheticScene;

namespace {

core::CameraConfig issue_camera(int views = 1) {  // the issue's 640x480 at ~3.6 px/mm
  core::CameraConfig c;
  c.width_px = 640;
  c.height_px = 480;
  c.px_per_mm = 3.6;
  c.seed = 77;
  c.empty_cup_share = 0.05;
  c.views_per_fruit = views;
  return c;
}

core::CameraConfig line_camera() {  // the default line's 320x280 at 2 px/mm
  core::CameraConfig c;
  c.seed = 5;
  return c;
}

cv::Mat pixels(const vision::Image& image) { return vision::mat_of(image); }

bool same_pixels(const vision::Image& a, const vision::Image& b) {
  return a.width() == b.width() && a.height() == b.height() &&
         cv::norm(pixels(a), pixels(b), cv::NORM_INF) == 0;
}

// The first present fruit from `cup` on for which `wanted` holds.
template <class F>
FruitTruth find_fruit(const SyntheticCamera& camera, F&& wanted, std::uint64_t from = 0) {
  for (std::uint64_t cup = from; cup < from + 2000; ++cup) {
    FruitTruth t = camera.truth_for(0, cup);
    if (t.present && wanted(t)) return t;
  }
  FAIL("no such fruit in 2,000 cups");
  return {};
}

struct Outline {
  double major_px = 0, minor_px = 0;
  cv::Rect box;
};

// Threshold halfway between the rollers and the fruit's rim (both known from the truth),
// keep the largest contour, fill it, and read the axes from its second moments (a filled
// ellipse of semi-axes A, B has central moments A²/4 and B²/4 along its axes).
Outline measure_outline(const cv::Mat& bgr, const vision::ViewTruth& v, double px_per_mm,
                        double softness_px) {
  cv::Mat value;
  cv::Mat planes[3];
  cv::split(bgr, planes);
  cv::max(planes[0], planes[1], value);
  cv::max(value, planes[2], value);
  const double r_px = v.minor_diameter_mm / 2 * px_per_mm;
  cv::Mat outside(value.size(), CV_8U, cv::Scalar(255)), rim = cv::Mat::zeros(value.size(), CV_8U);
  const cv::Point2f centre(static_cast<float>(v.centre_x_px), static_cast<float>(v.centre_y_px));
  const float angle = static_cast<float>(v.outline_angle_deg);
  const cv::Size2f axes(static_cast<float>(v.diameter_mm * px_per_mm), static_cast<float>(2 * r_px));
  cv::ellipse(outside, cv::RotatedRect(centre, axes + cv::Size2f(24, 24), angle), cv::Scalar(0), cv::FILLED);
  // The rim just inside the outline (0.5-1.5 px, plus the softness's reach): the skin
  // darkens toward the limb, so a ring further in would set the level too high.
  const float inset = static_cast<float>(1 + 4 * softness_px);
  cv::ellipse(rim, cv::RotatedRect(centre, axes - cv::Size2f(inset, inset), angle), cv::Scalar(255), cv::FILLED);
  cv::ellipse(rim, cv::RotatedRect(centre, axes - cv::Size2f(inset + 2, inset + 2), angle), cv::Scalar(0), cv::FILLED);
  const double level = (cv::mean(value, outside)[0] + cv::mean(value, rim)[0]) / 2;
  cv::Mat mask;
  cv::threshold(value, mask, level, 255, cv::THRESH_BINARY);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  REQUIRE(!contours.empty());
  auto largest = std::max_element(contours.begin(), contours.end(), [](auto& a, auto& b) {
    return cv::contourArea(a) < cv::contourArea(b);
  });
  cv::Mat filled = cv::Mat::zeros(mask.size(), CV_8U);
  cv::drawContours(filled, contours, static_cast<int>(largest - contours.begin()), cv::Scalar(255), cv::FILLED);
  const cv::Moments m = cv::moments(filled, true);
  const double xx = m.mu20 / m.m00, yy = m.mu02 / m.m00, xy = m.mu11 / m.m00;
  const double mean = (xx + yy) / 2, spread = std::hypot((xx - yy) / 2, xy);
  return {4 * std::sqrt(mean + spread), 4 * std::sqrt(mean - spread), cv::boundingRect(*largest)};
}


}  // namespace

TEST_CASE("synthetic fruit are a pure function of seed, lane, cup and view", "[unit][vision]") {
  SyntheticCamera a(issue_camera(3)), b(issue_camera(3));
  const FruitTruth ta = a.truth_for(2, 12345), tb = b.truth_for(2, 12345);
  CHECK(ta.present == tb.present);
  CHECK(ta.diameter_mm == tb.diameter_mm);
  CHECK(ta.weight_g == tb.weight_g);
  CHECK(ta.defect_mm2 == tb.defect_mm2);
  CHECK(ta.defects.size() == tb.defects.size());
  CHECK(ta.render_seed == tb.render_seed);
  CHECK(a.truth_for(1, 12345).render_seed != ta.render_seed);
  CHECK(a.truth_for(2, 12346).render_seed != ta.render_seed);
  for (int view = 0; view < 3; ++view) CHECK(same_pixels(a.render(ta, view), b.render(tb, view)));
  CHECK_FALSE(same_pixels(a.render(ta, 0), a.render(ta, 1)));
  auto frame = a.capture(2, 12345, 1, {});
  REQUIRE(frame.has_value());
  CHECK(frame->lane == 2);
  CHECK(frame->cup == 12345);
  CHECK(frame->view == 1);
  CHECK(same_pixels(frame->image, a.render(ta, 1)));
  // A changed knob changes only its own aspect: sizes stay when the defect mix changes.
  SyntheticScene all_defective;
  all_defective.defect_share = 1;
  SyntheticCamera c(issue_camera(3), all_defective);
  CHECK(c.truth_for(2, 12345).diameter_mm == ta.diameter_mm);
}

TEST_CASE("the rendered outline has the true size to within half a pixel", "[unit][vision]") {
  struct Case {
    core::CameraConfig camera;
    SyntheticScene scene;
  };
  SyntheticScene lit = SyntheticScene();  // lighting, tint, noise, softness, belt, dirt...
  lit.calyx = false;                      // ...but no crown standing out of the outline
  lit.sticker_share = 0;
  lit.set_doubt_share(0);
  SyntheticScene plain = SyntheticScene::plain();
  const Case cases[] = {{issue_camera(2), plain}, {issue_camera(2), lit}, {line_camera(), lit}};
  double worst = 0;
  int measured = 0;
  for (const Case& c : cases) {
    SyntheticCamera camera(c.camera, c.scene);
    const double ppm = c.camera.px_per_mm;
    int in_case = 0;
    for (std::uint64_t cup = 0; in_case < 8 && cup < 40; ++cup) {
      const FruitTruth t = camera.truth_for(0, cup);
      if (!t.present || t.doubt != core::Doubt::none) continue;
      const int view = static_cast<int>(cup % 2);
      const vision::ViewTruth v = camera.view_truth(t, view);
      CHECK(v.diameter_mm == Approx(t.diameter_mm).epsilon(1e-9));
      CHECK(v.minor_diameter_mm >= t.minor_diameter_mm - 1e-9);
      CHECK(v.minor_diameter_mm <= t.diameter_mm + 1e-9);
      const Outline o = measure_outline(pixels(camera.render(t, view)), v, ppm, t.softness_px);
      INFO("cup " << cup << " at " << ppm << " px/mm: major " << o.major_px << " vs "
                  << v.diameter_mm * ppm << ", minor " << o.minor_px << " vs "
                  << v.minor_diameter_mm * ppm);
      // Plain frames: the coverage-weighted edge sits on the true outline (a threshold
      // halfway to the darkened limb reads it ~0.1 px small). Lit, noisy, softened frames:
      // within half a pixel.
      const double limit = c.scene.mottling == 0 ? 0.25 : 0.5;
      CHECK(std::abs(o.major_px - v.diameter_mm * ppm) < limit);
      CHECK(std::abs(o.minor_px - v.minor_diameter_mm * ppm) < limit);
      // A fruit that is not doubtful stays clear of the frame's edge.
      CHECK(o.box.x > 1);
      CHECK(o.box.y > 1);
      CHECK(o.box.x + o.box.width < c.camera.width_px - 1);
      CHECK(o.box.y + o.box.height < c.camera.height_px - 1);
      worst = std::max({worst, std::abs(o.major_px - v.diameter_mm * ppm),
                        std::abs(o.minor_px - v.minor_diameter_mm * ppm)});
      ++in_case;
      ++measured;
    }
  }
  INFO("worst axis error " << worst << " px");
  CHECK(measured == 24);
}

TEST_CASE("a defect facing the camera is hidden half a turn later", "[unit][vision]") {
  SyntheticScene scene;
  scene.defect_share = 1;
  scene.sticker_share = 0;
  scene.set_doubt_share(0);
  SyntheticCamera camera(issue_camera(2), scene);
  const FruitTruth t = find_fruit(camera, [&](const FruitTruth& f) {
    if (f.defects.size() != 1 || f.defects[0].area_mm2 < 60) return false;
    const vision::ViewTruth v = camera.view_truth(f, 0);
    return v.defects[0].visible_mm2 > 0.9 * f.defects[0].area_mm2;  // near the centre
  });
  const vision::ViewTruth front = camera.view_truth(t, 0), back = camera.view_truth(t, 1);
  CHECK(front.defects[0].visible);
  CHECK(front.visible_defect_mm2 <= front.visible_surface_defect_mm2);
  CHECK(front.visible_surface_defect_mm2 == Approx(t.defects[0].area_mm2).epsilon(0.01));
  CHECK_FALSE(back.defects[0].visible);
  CHECK(back.visible_defect_mm2 == 0);
  CHECK(back.turn_deg == Approx(std::fmod(front.turn_deg + 180, 360)).margin(1e-6));

  // The pixels agree: the defect shows where the truth puts it in view 0, nowhere in view 1.
  FruitTruth clean = t;
  clean.defects.clear();
  const cv::Mat with0 = pixels(camera.render(t, 0)), without0 = pixels(camera.render(clean, 0));
  cv::Mat diff;
  cv::absdiff(with0, without0, diff);
  const cv::Rect spot(cvRound(front.defects[0].x_px) - 1, cvRound(front.defects[0].y_px) - 1, 3, 3);
  const cv::Scalar at_defect = cv::mean(diff(spot));
  CHECK(std::max({at_defect[0], at_defect[1], at_defect[2]}) > 20);
  CHECK(same_pixels(camera.render(t, 1), camera.render(clean, 1)));
}

TEST_CASE("defects are foreshortened toward the rim and their areas add up", "[unit][vision]") {
  SyntheticScene scene;
  scene.defect_share = 1;
  SyntheticCamera camera(issue_camera(4), scene);
  int rim_seen = 0, checked = 0;
  for (std::uint64_t cup = 0; cup < 60; ++cup) {
    const FruitTruth t = camera.truth_for(1, cup);
    if (!t.present) continue;
    double sum = 0, largest = 0;
    core::DefectKinds kinds = 0;
    for (const vision::DefectTruth& d : t.defects) {
      sum += d.area_mm2;
      largest = std::max(largest, d.area_mm2);
      kinds |= core::bit(d.kind);
    }
    CHECK(t.defect_mm2 == Approx(sum));
    CHECK(t.largest_defect_mm2 == Approx(largest));
    CHECK(t.defect_kinds == kinds);
    CHECK(t.defect_share == Approx(t.defect_mm2 / t.surface_mm2));
    for (int view = 0; view < 4; ++view) {
      const vision::ViewTruth v = camera.view_truth(t, view);
      REQUIRE(v.defects.size() == t.defects.size());
      for (std::size_t i = 0; i < t.defects.size(); ++i) {
        const vision::DefectView& d = v.defects[i];
        CHECK(d.visible_mm2 <= d.visible_surface_mm2 + 1e-9);
        CHECK(d.visible_surface_mm2 <= t.defects[i].area_mm2 * 1.001);
        CHECK(d.visible == (d.visible_mm2 > 0.01));
        // Whole but near the rim: seen at a slant, much smaller than it is.
        if (d.visible_surface_mm2 > 0.99 * t.defects[i].area_mm2 && d.visible_mm2 < 0.5 * d.visible_surface_mm2)
          ++rim_seen;
        ++checked;
      }
    }
  }
  CHECK(checked > 100);
  CHECK(rim_seen > 0);
}

TEST_CASE("a small defect's area is its outline's area, a spheroid's surface its formula's",
          "[unit][vision]") {
  SyntheticScene scene;
  scene.defect_share = 1;
  SyntheticCamera camera(issue_camera(), scene);
  int small = 0;
  for (std::uint64_t cup = 0; cup < 200 && small < 10; ++cup) {
    const FruitTruth t = camera.truth_for(0, cup);
    for (const vision::DefectTruth& d : t.defects) {
      if (d.area_mm2 > 30 || d.kind == core::DefectKind::crack) continue;
      double wobble = 0;
      for (double w : d.wobble) wobble += w * w;
      // On a ~45 mm radius the skin under a 3 mm spot is flat to 0.2 %.
      CHECK(d.area_mm2 == Approx(M_PI / 4 * d.length_mm * d.width_mm * (1 + wobble / 2)).epsilon(0.005));
      ++small;
    }
  }
  CHECK(small >= 5);
  // Surface of revolution, numerically: S = 2 pi ∫ x ds over the meridian ellipse.
  for (auto [eq, pol] : {std::pair{90.0, 80.0}, std::pair{80.0, 95.0}, std::pair{70.0, 70.0}}) {
    double s = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      double t0 = M_PI * i / n, t1 = M_PI * (i + 1) / n, tm = (t0 + t1) / 2;
      double ds = std::hypot(eq / 2 * (std::sin(t1) - std::sin(t0)), pol / 2 * (std::cos(t1) - std::cos(t0)));
      s += 2 * M_PI * eq / 2 * std::sin(tm) * ds;
    }
    CHECK(vision::spheroid_surface_mm2(eq, pol) == Approx(s).epsilon(1e-5));
  }
}

TEST_CASE("the harvest spans the sizes, defects and limits a grader must tell apart",
          "[unit][vision]") {
  SyntheticCamera camera(issue_camera());
  int present = 0, empty = 0, defective = 0, light = 0, under = 0;
  double smallest = 1e9, largest = 0;
  core::DefectKinds kinds = 0;
  int near[6] = {0};
  for (std::uint64_t cup = 0; cup < 500; ++cup) {
    const FruitTruth t = camera.truth_for(0, cup);
    if (!t.present) {
      ++empty;
      continue;
    }
    ++present;
    CHECK(t.diameter_mm >= 58);
    CHECK(t.diameter_mm <= 118);
    CHECK(t.minor_diameter_mm <= t.diameter_mm);
    CHECK(t.volume_cm3 == Approx(M_PI / 6 * t.diameter_mm * t.diameter_mm * t.minor_diameter_mm / 1000));
    CHECK(t.weight_g == Approx(t.density_g_per_cm3 * t.volume_cm3));
    CHECK(t.light_for_size == (t.density_g_per_cm3 < 0.85));
    CHECK(t.colour_share >= 0);
    CHECK(t.colour_share <= 1);
    if (t.under_colour_share == 0) CHECK(t.colour_share == 1);
    light += t.light_for_size;
    under += t.under_colour_share > 0;
    if (t.defects.empty()) continue;
    ++defective;
    kinds |= t.defect_kinds;
    for (const vision::DefectTruth& d : t.defects) {
      smallest = std::min(smallest, d.area_mm2);
      largest = std::max(largest, d.area_mm2);
    }
    const double limits[6] = {50, 100, 200, 0.01 * t.surface_mm2, 0.05 * t.surface_mm2, 0.10 * t.surface_mm2};
    for (int i = 0; i < 6; ++i) near[i] += std::abs(t.defect_mm2 / limits[i] - 1) < 0.2;
  }
  INFO(present << " fruit, " << empty << " empty, " << defective << " defective, defects "
               << smallest << ".." << largest << " mm2");
  CHECK(empty > 10);
  CHECK(empty < 50);
  CHECK(defective > present / 3);
  CHECK(defective < present * 2 / 3);
  CHECK(smallest < 10);
  CHECK(largest > 1000);
  CHECK(kinds == 0x1fu);  // bruise, rot, sunburn, scar and crack all occur
  for (int count : near) CHECK(count >= 4);
  CHECK(light > 0);
  CHECK(under > present / 8);
}

TEST_CASE("doubtful cups look the way their truth says", "[unit][vision]") {
  SyntheticScene scene;
  scene.set_doubt_share(1);  // every cup with fruit has one doubtful condition
  CHECK(scene.doubt_share() == Approx(1));
  SyntheticCamera camera(issue_camera(), scene);
  int seen[6] = {0};
  for (std::uint64_t cup = 0; cup < 40; ++cup) {
    const FruitTruth t = camera.truth_for(0, cup);
    if (!t.present) continue;
    REQUIRE(t.doubt != core::Doubt::none);
    if (seen[static_cast<int>(t.doubt) % 6]++ > 1) continue;  // two of each kind is enough
    const cv::Mat bgr = pixels(camera.render(t, 0));
    cv::Mat planes[3], value, bright;
    cv::split(bgr, planes);
    cv::max(cv::max(planes[0], planes[1]), planes[2], value);
    const vision::ViewTruth v = camera.view_truth(t, 0);
    const cv::Rect fruit_box(cvRound(v.centre_x_px - 20), cvRound(v.centre_y_px - 20), 41, 41);
    switch (t.doubt) {
      case core::Doubt::touches_border: {
        CHECK(t.touches_edge);
        // The fruit's own pixels reach the frame's edge.
        cv::threshold(value, bright, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
        cv::Mat inner = bright(cv::Rect(1, 1, bright.cols - 2, bright.rows - 2));
        CHECK(cv::countNonZero(bright) - cv::countNonZero(inner) > 20);
        break;
      }
      case core::Doubt::two_fruit: {
        CHECK(t.doubled);
        CHECK(t.second_diameter_mm >= 60);
        // Two fruit-sized bright regions, or one that is far from convex.
        cv::threshold(value, bright, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(bright, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
        double fruit_px = 1200 * 3.6 * 3.6;
        int big = 0;
        double worst_solidity = 1;
        for (const auto& c : contours) {
          if (cv::contourArea(c) < fruit_px) continue;
          ++big;
          std::vector<cv::Point> hull;
          cv::convexHull(c, hull);
          worst_solidity = std::min(worst_solidity, cv::contourArea(c) / cv::contourArea(hull));
        }
        CHECK((big >= 2 || worst_solidity < 0.95));
        break;
      }
      case core::Doubt::blurred: {
        CHECK(t.blur_px >= 5);
        FruitTruth sharp = t;
        sharp.blur_px = 0;
        CHECK_FALSE(same_pixels(camera.render(t, 0), camera.render(sharp, 0)));
        break;
      }
      case core::Doubt::overexposed: {
        CHECK(t.overexposed);
        CHECK(cv::mean(value(fruit_box))[0] > 250);  // the skin is clipped
        break;
      }
      case core::Doubt::underexposed: {
        CHECK(t.underexposed);
        FruitTruth lit = t;
        lit.gain = 1;
        cv::Mat lit_planes[3], lit_value;
        cv::split(pixels(camera.render(lit, 0)), lit_planes);
        cv::max(cv::max(lit_planes[0], lit_planes[1]), lit_planes[2], lit_value);
        CHECK(cv::mean(value(fruit_box))[0] < 0.45 * cv::mean(lit_value(fruit_box))[0]);
        break;
      }
      default: FAIL("unexpected doubt " << core::to_string(t.doubt));
    }
  }
  for (int kind = 1; kind <= 5; ++kind) CHECK(seen[kind] > 0);
}

TEST_CASE("the crown and the sticker are drawn where the truth puts them", "[unit][vision]") {
  SyntheticScene scene;
  scene.sticker_share = 1;
  scene.defect_share = 0;
  scene.set_doubt_share(0);
  SyntheticCamera camera(issue_camera(4), scene);
  int facing = 0, side_on = 0, hidden = 0, stickers = 0;
  for (std::uint64_t cup = 0; cup < 12; ++cup) {
    const FruitTruth t = camera.truth_for(0, cup);
    if (!t.present) continue;
    CHECK(t.calyx);
    FruitTruth bare = t;
    bare.calyx = false;
    bare.sticker.present = false;
    for (int view = 0; view < 4; ++view) {
      const vision::ViewTruth v = camera.view_truth(t, view);
      if (v.calyx_visible == false && v.sticker_visible == false && hidden > 2) continue;
      cv::Mat diff;
      cv::absdiff(pixels(camera.render(t, view)), pixels(camera.render(bare, view)), diff);
      // Something changes near the point (within a few mm: the crown is a few mm long).
      auto differs_at = [&](double x, double y) {
        const int r = cvRound(4 * 3.6);
        const cv::Rect near = cv::Rect(cvRound(x) - r, cvRound(y) - r, 2 * r + 1, 2 * r + 1) &
                              cv::Rect(0, 0, diff.cols, diff.rows);
        double most = 0;
        cv::minMaxLoc(diff(near).reshape(1), nullptr, &most);
        UNSCOPED_INFO("largest difference near " << x << ", " << y << ": " << most);
        return most > 20;
      };
      INFO("cup " << cup << " view " << view << " crown at " << v.calyx_x_px << ", " << v.calyx_y_px
                  << (v.calyx_facing ? " end-on" : " side-on"));
      if (v.calyx_visible) {
        CHECK(differs_at(v.calyx_x_px, v.calyx_y_px));
        ++(v.calyx_facing ? facing : side_on);
      } else if (!v.sticker_visible) {
        // On the far side the crown is behind the fruit: nothing inside the outline changes.
        cv::Mat inside = cv::Mat::zeros(diff.size(), CV_8U);
        cv::ellipse(inside, cv::RotatedRect(cv::Point2f(static_cast<float>(v.centre_x_px), static_cast<float>(v.centre_y_px)),
                                            cv::Size2f(static_cast<float>(v.diameter_mm * 3.6 - 12), static_cast<float>(v.minor_diameter_mm * 3.6 - 12)),
                                            static_cast<float>(v.outline_angle_deg)),
                    cv::Scalar(255), cv::FILLED);
        double worst = 0;
        cv::Mat grey;
        cv::cvtColor(diff, grey, cv::COLOR_BGR2GRAY);
        cv::minMaxLoc(grey, nullptr, &worst, nullptr, nullptr, inside);
        CHECK(worst == 0);
        ++hidden;
      }
      if (v.sticker_visible) {
        CHECK(t.sticker.area_mm2 > 150);
        CHECK(differs_at(v.sticker_x_px, v.sticker_y_px));
        ++stickers;
      }
    }
  }
  CHECK(facing > 0);
  CHECK(side_on > 0);
  CHECK(hidden > 0);
  CHECK(stickers > 0);
}

TEST_CASE("a multi-lane frame is the lanes' own frames side by side", "[unit][vision]") {
  core::CameraConfig c = line_camera();
  c.width_px = 1280;
  c.lanes_per_frame = 4;
  SyntheticCamera camera(c);
  CHECK(camera.lane_width_px() == 320);
  std::vector<FruitTruth> truths;
  for (int lane = 0; lane < 4; ++lane) truths.push_back(camera.truth_for(lane, 31));
  const vision::Image frame = camera.render_lanes(truths, 1);
  REQUIRE(frame.width() == 1280);
  REQUIRE(frame.height() == 280);
  for (int lane = 0; lane < 4; ++lane) {
    auto single = camera.capture(lane, 31, 1, {});
    REQUIRE(single.has_value());
    CHECK(single->image.width() == 320);
    const cv::Mat roi = pixels(frame)(cv::Rect(lane * 320, 0, 320, 280));
    CHECK(cv::norm(roi, pixels(single->image), cv::NORM_INF) == 0);
  }
}

TEST_CASE("an empty cup shows rollers, dirt and juice but nothing fruit-sized", "[unit][vision]") {
  core::CameraConfig c = issue_camera();
  c.empty_cup_share = 1;
  SyntheticScene scene;
  scene.dirt_share = 1;
  SyntheticCamera camera(c, scene);
  for (std::uint64_t cup = 0; cup < 4; ++cup) {
    const FruitTruth t = camera.truth_for(0, cup);
    CHECK_FALSE(t.present);
    CHECK(t.doubt == core::Doubt::none);
    const cv::Mat bgr = pixels(camera.render(t, 0));
    cv::Mat planes[3], value, bright;
    cv::split(bgr, planes);
    cv::max(cv::max(planes[0], planes[1]), planes[2], value);
    cv::threshold(value, bright, 100, 255, cv::THRESH_BINARY);
    // Less than a 20 mm disc of anything brighter than the rollers' crowns.
    CHECK(cv::countNonZero(bright) < 314 * 3.6 * 3.6);
  }
}
