#pragma once
// The fruit's skin in one view: a shading model of the fruit's own brightness, defects as
// regions that differ from it (darker: bruise, rot, crack; yellower: sunburn, scar), the
// crown (calyx) told apart from defects, and colour statistics of the sound skin.
// Thread safety: free functions, no shared state.
#include <opencv2/core.hpp>

#include <vector>

#include "coldsort/core/grading_standard.hpp"
#include "coldsort/vision/grader.hpp"
#include "fruit_region.hpp"
#include "outline_geometry.hpp"

namespace coldsort::vision::detail {

struct SkinOptions {
  double px_per_mm = 2.0;
  double min_defect_mm2 = 6;
  const core::ColourProfile* colour = nullptr;
};

struct SkinFindings {
  std::vector<DefectRegion> defects;  // in frame pixels
  std::vector<PointPx> calyx;         // outline of the crown, if seen; frame pixels
  cv::Scalar mean_bgr;                // of sound skin
  double colour_share = 0;            // sound skin inside the variety's colour range
  double clipped_share = 0;           // fruit pixels with a saturated channel
  double median_v = 0;                // of sound skin
};

SkinFindings analyse_skin(const FruitRegion& region, const Outline& outline,
                          const SkinOptions& options);

}  // namespace coldsort::vision::detail
