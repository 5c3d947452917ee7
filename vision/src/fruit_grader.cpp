#include "coldsort/vision/grader.hpp"

namespace coldsort::vision {

using core::DecisionReason;
using core::errc;
using core::Grade;

FruitGrader::FruitGrader(core::GradingStandard standard, MeasureOptions options)
    : standard_(std::move(standard)), options_(options) {}

GradeResult FruitGrader::grade_measurement(const core::Measurement& m) const {
  GradeResult r;
  r.measured = m;
  if (m.confidence < standard_.min_confidence) return r;  // unknown, uncertain: never guessed
  r.grade = standard_.grade_for(m);
  const core::SizeBand* band = standard_.size_for(m.diameter_mm);
  if (r.grade == Grade::out_of_grade || band == nullptr) {
    r.grade = Grade::out_of_grade;  // too defective, undersized or oversized
    r.reason = DecisionReason::out_of_grade;
    return r;
  }
  r.size_code = band->code;
  r.reason = DecisionReason::graded;
  return r;
}

GradeResult FruitGrader::grade(const Frame& frame) const {
  auto measured = measure_fruit(frame.image, options_);
  if (measured) return grade_measurement(*measured);
  GradeResult r;
  if (measured.error() == errc::no_fruit) {
    r.reason = DecisionReason::empty_cup;
  } else {
    r.reason = DecisionReason::camera_drop;
  }
  return r;
}

}  // namespace coldsort::vision
