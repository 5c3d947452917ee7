#include <catch2/catch.hpp>

#include <cmath>

#include "coldsort/vision/grader.hpp"
#include "coldsort/vision/synthetic_camera.hpp"

using namespace coldsort;
using vision::SyntheticCamera;

namespace {
core::CameraConfig camera_config() {
  core::CameraConfig c;
  c.px_per_mm = 2.0;
  c.width_px = 320;
  c.height_px = 280;
  c.seed = 77;
  c.empty_cup_share = 0.05;
  return c;
}
}  // namespace

TEST_CASE("synthetic fruit are a pure function of seed, lane and cup", "[unit][vision]") {
  SyntheticCamera a(camera_config()), b(camera_config());
  auto ta = a.truth_for(2, 12345), tb = b.truth_for(2, 12345);
  CHECK(ta.diameter_mm == tb.diameter_mm);
  CHECK(ta.defect_share == tb.defect_share);
  CHECK(a.truth_for(1, 12345).diameter_mm != ta.diameter_mm);
  auto fa = a.capture(2, 12345, 0, {});
  REQUIRE(fa.has_value());
  CHECK(fa->lane == 2);
  CHECK(fa->cup == 12345);
  CHECK(fa->image.width() == 320);
  CHECK(fa->image.height() == 280);
}

TEST_CASE("measured diameter and defects match the rendered truth", "[unit][vision]") {
  SyntheticCamera camera(camera_config());
  vision::MeasureOptions options;
  options.px_per_mm = 2.0;
  int measured = 0, empty = 0;
  double worst_diameter_error = 0, sum_abs = 0, worst_defect_error = 0;
  for (std::uint64_t cup = 0; cup < 400; ++cup) {
    auto truth = camera.truth_for(0, cup);
    auto frame = camera.capture(0, cup, 0, {});
    REQUIRE(frame.has_value());
    auto m = vision::measure_fruit(frame->image, options);
    if (!truth.present) {
      CHECK(m.error() == core::errc::no_fruit);
      ++empty;
      continue;
    }
    REQUIRE(m.has_value());
    if (truth.touches_edge || truth.doubled) {
      CHECK(m->confidence < 0.8);
      continue;
    }
    CHECK(m->confidence >= 0.8);
    double err = m->diameter_mm - truth.diameter_mm;
    worst_diameter_error = std::max(worst_diameter_error, std::abs(err));
    sum_abs += std::abs(err);
    worst_defect_error = std::max(worst_defect_error, std::abs(m->defect_share - truth.defect_share));
    CHECK(m->minor_diameter_mm == Approx(truth.minor_diameter_mm).margin(1.0));
    ++measured;
  }
  INFO("measured " << measured << ", mean |error| " << sum_abs / measured << " mm, worst "
                   << worst_diameter_error << " mm, worst defect share error "
                   << worst_defect_error);
  CHECK(measured > 300);
  CHECK(empty > 5);
  CHECK(worst_diameter_error <= 1.0);
  CHECK(sum_abs / measured <= 0.4);
  CHECK(worst_defect_error <= 0.006);
}

TEST_CASE("an unreadable image is a camera drop, naming no fruit", "[unit][vision]") {
  CHECK(vision::load_image("/nonexistent/frame.png").error() == core::errc::camera_drop);
  CHECK(vision::measure_fruit(vision::Image{}, {}).error() == core::errc::camera_drop);
}
