#pragma once
// Measures a fruit in a frame and grades it under a standard. Never guesses: a fruit that
// cannot be measured with confidence gets Grade::unknown and DecisionReason::uncertain.
// Thread safety: FruitGrader is immutable after construction; grade() may run on many
// threads at once.
#include "coldsort/core/error.hpp"
#include "coldsort/core/fruit.hpp"
#include "coldsort/core/grading_standard.hpp"
#include "coldsort/vision/frame.hpp"

namespace coldsort::vision {

struct MeasureOptions {
  double px_per_mm = 2.0;
  // Spheroid weight model: weight_g = density * pi/6 * D * d^2 (cm^3). A placeholder
  // density until `coldsort calibrate weight` fits it from weighed samples.
  double density_g_per_cm3 = 0.92;
};

// Errors: no_fruit (empty cup), camera_drop (no usable image).
core::Result<core::Measurement> measure_fruit(const Image& image, const MeasureOptions& options);

struct GradeResult {
  core::Measurement measured;
  core::Grade grade = core::Grade::unknown;
  std::string size_code;
  core::DecisionReason reason = core::DecisionReason::uncertain;
};

class Grader {
 public:
  virtual ~Grader() = default;
  virtual GradeResult grade(const Frame& frame) const = 0;
};

class FruitGrader final : public Grader {
 public:
  FruitGrader(core::GradingStandard standard, MeasureOptions options);
  GradeResult grade(const Frame& frame) const override;
  // Grading of an existing measurement (the standard's rules alone).
  GradeResult grade_measurement(const core::Measurement& m) const;

 private:
  core::GradingStandard standard_;
  MeasureOptions options_;
};

}  // namespace coldsort::vision
