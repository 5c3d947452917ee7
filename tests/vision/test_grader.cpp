#include <catch2/catch.hpp>

#include "coldsort/core/config.hpp"
#include "coldsort/vision/grader.hpp"
#include "coldsort/vision/synthetic_camera.hpp"

using namespace coldsort;
using core::DecisionReason;
using core::Grade;

namespace {
core::GradingStandard standard() {
  core::ConfigErrors errors;
  auto s = core::load_grading_standard(
      std::string(COLDSORT_CONFIG_DIR) + "/grading/house-diameter-v1.json", errors);
  INFO(errors.joined());
  REQUIRE(s);
  return *s;
}
core::Measurement measurement(double diameter_mm, double defect_share, double confidence = 1) {
  core::Measurement m;
  m.diameter_mm = diameter_mm;
  m.minor_diameter_mm = diameter_mm * 0.95;
  m.defect_share = defect_share;
  m.confidence = confidence;
  return m;
}
}  // namespace

TEST_CASE("grades follow the standard's defect limits and size bands", "[unit][vision]") {
  vision::FruitGrader grader(standard(), {});
  auto extra = grader.grade_measurement(measurement(104, 0.004));
  CHECK(extra.grade == Grade::extra);
  CHECK(extra.size_code == "A");
  CHECK(extra.reason == DecisionReason::graded);
  auto one = grader.grade_measurement(measurement(85, 0.03));
  CHECK(one.grade == Grade::class_i);
  CHECK(one.size_code == "C");
  CHECK(grader.grade_measurement(measurement(95, 0.08)).grade == Grade::class_ii);
  auto bad = grader.grade_measurement(measurement(95, 0.2));
  CHECK(bad.grade == Grade::out_of_grade);
  CHECK(bad.reason == DecisionReason::out_of_grade);
  auto small = grader.grade_measurement(measurement(65, 0.0));
  CHECK(small.grade == Grade::out_of_grade);
  CHECK(small.size_code.empty());
}

TEST_CASE("a fruit measured without confidence is never graded", "[unit][vision]") {
  vision::FruitGrader grader(standard(), {});
  auto r = grader.grade_measurement(measurement(104, 0.0, 0.5));
  CHECK(r.grade == Grade::unknown);
  CHECK(r.reason == DecisionReason::uncertain);
  CHECK(r.size_code.empty());
}

TEST_CASE("frames of empty cups, doubles and edge fruit are not graded", "[unit][vision]") {
  core::CameraConfig cam;
  cam.seed = 5;
  cam.empty_cup_share = 0.05;
  vision::SyntheticCamera camera(cam);
  vision::MeasureOptions options;
  options.px_per_mm = cam.px_per_mm;
  vision::FruitGrader grader(standard(), options);
  int empties = 0, odd = 0;
  for (std::uint64_t cup = 0; cup < 600; ++cup) {
    auto truth = camera.truth_for(3, cup);
    auto frame = camera.capture(3, cup, 0, {});
    REQUIRE(frame.has_value());
    auto r = grader.grade(*frame);
    if (!truth.present) {
      CHECK(r.reason == DecisionReason::empty_cup);
      ++empties;
    } else if (truth.touches_edge || truth.doubled) {
      CHECK(r.reason == DecisionReason::uncertain);
      CHECK(r.grade == Grade::unknown);
      ++odd;
    }
  }
  CHECK(empties > 10);
  CHECK(odd > 2);
}
