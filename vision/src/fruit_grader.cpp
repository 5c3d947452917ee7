#include "coldsort/vision/grader.hpp"

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

namespace coldsort::vision {

using core::DecisionReason;
using core::errc;
using core::Grade;

void set_vision_threads(int threads) { cv::setNumThreads(threads); }

MeasureOptions measure_options(const core::CameraConfig& camera,
                               const core::GradingStandard& standard) {
  MeasureOptions options;
  options.px_per_mm = camera.px_per_mm;
  options.weight = camera.weight;
  options.colour = standard.colour;
  return options;
}

FruitGrader::FruitGrader(core::GradingStandard standard, MeasureOptions options)
    : standard_(std::move(standard)), options_(options) {
  // OpenCV fills its colour-conversion tables on first use without a lock; doing it here,
  // before grading threads start, keeps two first uses from racing (and leaking a table).
  cv::Mat3f pixel(1, 1, cv::Vec3f(0.5f, 0.4f, 0.3f)), converted;
  cv::cvtColor(pixel, converted, cv::COLOR_BGR2Lab);
  cv::cvtColor(pixel, converted, cv::COLOR_BGR2HSV);
}

GradeResult FruitGrader::grade_measurement(const core::Measurement& m) const {
  GradeResult r;
  r.measured = m;
  if (m.diameter_mm > 0) r.measured.colour_class = standard_.colour_class_for(m.colour_share);
  if (m.confidence < standard_.min_confidence) return r;  // unknown, uncertain: never guessed
  r.grade = standard_.grade_for(r.measured);
  const core::SizeBand* band = standard_.size_for(r.measured);
  if (r.grade == Grade::out_of_grade || band == nullptr) {
    r.grade = Grade::out_of_grade;  // too defective, undersized or oversized
    r.reason = DecisionReason::out_of_grade;
    return r;
  }
  r.size_code = band->code;
  r.reason = DecisionReason::graded;
  return r;
}

GradeResult FruitGrader::grade(const Frame& frame) const { return grade_views({&frame, 1}); }

GradeResult FruitGrader::grade_views(std::span<const Frame> frames) const {
  std::vector<ViewMeasurement> views;
  views.reserve(frames.size());
  bool any_empty = false;
  for (const Frame& frame : frames) {
    auto view = measure_view(frame.image, options_);
    if (view) {
      views.push_back(std::move(*view));
    } else if (view.error() == errc::no_fruit) {
      any_empty = true;
    }
  }
  GradeResult r;
  if (views.empty()) {
    r.reason = any_empty ? DecisionReason::empty_cup : DecisionReason::camera_drop;
    return r;
  }
  core::Measurement merged = merge_views(views, options_.weight);
  if (views.size() != frames.size()) {
    // A view lost, or a view that saw no fruit where others did: not the whole fruit seen.
    merged.confidence = std::min(merged.confidence, 0.5);
    if (merged.doubt == core::Doubt::none) merged.doubt = core::Doubt::lost_frame;
  }
  return grade_measurement(merged);
}

}  // namespace coldsort::vision
