#pragma once
// Turning candidate defect pixels into defect regions: size, kind (bruise, rot, crack,
// sunburn, scar), area on the fruit's surface, and the crown (calyx) set apart.
// Thread safety: free functions, no shared state.
#include <opencv2/core.hpp>

#include "fruit_region.hpp"
#include "outline_geometry.hpp"
#include "skin_analysis.hpp"

namespace coldsort::vision::detail {

struct RegionContext {
  const FruitRegion& region;
  const Outline& outline;
  double px_per_mm;
  double min_defect_mm2;
  const cv::Mat& darkness;  // CV_8U: 100 x brightness / the shading model's, where dark
  const cv::Mat& ground;    // CV_8U: skin in the variety's yellow ground colour
  const cv::Mat& smooth;    // the ROI, lightly smoothed
  double scale = 1;         // frame pixels per analysed pixel (the skin may be analysed at half size)
};

// Adds the regions of `candidates` (CV_8U, ROI pixels) to `out.defects` (or `out.calyx`).
void find_regions(cv::Mat& candidates, bool is_dark, const RegionContext& ctx, SkinFindings& out);

// Area on the fruit's surface of a patch seen at normalised radius rho (0 centre, 1 limb)
// of a sphere-like fruit: the projection shrinks it by cos(angle) = sqrt(1 - rho^2).
double surface_area_from_projected(double projected, double rho);

}  // namespace coldsort::vision::detail
