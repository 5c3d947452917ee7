#pragma once
// Measures a fruit in a frame and grades it under a standard. Never guesses: a fruit that
// cannot be measured with confidence gets Grade::unknown and DecisionReason::uncertain,
// with the doubt recorded.
// Thread safety: FruitGrader is immutable after construction; grade() may run on many
// threads at once.
#include <span>
#include <vector>

#include "coldsort/core/config.hpp"
#include "coldsort/core/error.hpp"
#include "coldsort/core/fruit.hpp"
#include "coldsort/core/grading_standard.hpp"
#include "coldsort/vision/frame.hpp"

namespace coldsort::vision {

struct MeasureOptions {
  double px_per_mm = 2.0;
  core::WeightModel weight;      // weight_g from volume_cm3
  core::ColourProfile colour;    // the variety's skin colour range (from the standard)
  double min_defect_mm2 = 6;     // smaller spots are skin texture or noise, not defects
  // false: whole-frame processing with no region of interest, the benchmark's baseline.
  bool use_roi = true;
};

// OpenCV's own worker threads for one call: 1 (the controller grades lanes on its own
// threads, so OpenCV's pool would only oversubscribe the cores), or 0 for OpenCV's default.
void set_vision_threads(int threads);

// Options for a camera and a standard: scale and weight model from the camera's
// calibration, colour range from the standard.
MeasureOptions measure_options(const core::CameraConfig& camera,
                               const core::GradingStandard& standard);

struct PointPx {
  double x = 0;
  double y = 0;
};

// One skin defect found in one view.
struct DefectRegion {
  core::DefectKind kind = core::DefectKind::bruise;
  double area_mm2 = 0;
  PointPx centre;              // in image pixels
  PointPx surface_mm;          // position on the fruit relative to its centre, in mm
  std::vector<PointPx> outline;  // polygon in image pixels, for overlays
};

// Everything one view shows: the measurement plus the geometry an overlay draws.
struct ViewMeasurement {
  core::Measurement measured;
  std::vector<DefectRegion> defects;
  std::vector<PointPx> outline;     // fruit outline in image pixels
  PointPx major_a, major_b;         // ends of the maximum diameter
  PointPx centre;
  std::vector<PointPx> calyx;       // the stem/crown end found (not counted as defect)
};

// Measures the single fruit in a view. Doubtful views come back as values with
// confidence < 1 and `doubt` set. Errors: no_fruit (empty cup), camera_drop (no image).
core::Result<ViewMeasurement> measure_view(const Image& image, const MeasureOptions& options);
core::Result<core::Measurement> measure_fruit(const Image& image, const MeasureOptions& options);

// Merges K views of one cup: median size, defects unioned (each physical defect counted
// once where views overlap), worst colour, lowest confidence and the first doubt. Volume and
// weight are recomputed from the merged diameters with `weight`.
core::Measurement merge_views(std::span<const ViewMeasurement> views,
                              const core::WeightModel& weight);

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
  // All views of one cup (rollers turn the fruit under the camera).
  virtual GradeResult grade_views(std::span<const Frame> frames) const = 0;
};

class FruitGrader final : public Grader {
 public:
  FruitGrader(core::GradingStandard standard, MeasureOptions options);
  GradeResult grade(const Frame& frame) const override;
  GradeResult grade_views(std::span<const Frame> frames) const override;
  // Grading of an existing measurement (the standard's rules alone).
  GradeResult grade_measurement(const core::Measurement& m) const;
  const core::GradingStandard& standard() const { return standard_; }
  const MeasureOptions& options() const { return options_; }

 private:
  core::GradingStandard standard_;
  MeasureOptions options_;
};

}  // namespace coldsort::vision
