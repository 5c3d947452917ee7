#pragma once
// Finding the one fruit in a view. A coarse pass on a downsampled brightness image finds the
// fruit's box (and any second fruit); the outline is then traced at full resolution inside
// that box only, so the cost follows the fruit's size, not the frame's.
// Thread safety: free functions, no shared state.
#include <opencv2/core.hpp>

#include <vector>

#include "coldsort/core/error.hpp"
#include "coldsort/core/fruit.hpp"

namespace coldsort::vision::detail {

struct RegionOptions {
  double px_per_mm = 2.0;
  // false: the straightforward way (whole-frame colour conversion, no coarse pass, no ROI),
  // kept as the benchmark's baseline.
  bool use_roi = true;
};

struct FruitRegion {
  cv::Rect roi;                     // in frame pixels
  cv::Mat bgr;                      // the frame's pixels inside roi (shared, not copied)
  cv::Mat value;                    // max(B, G, R) inside roi: the skin's brightness
  cv::Mat signal;                   // fruit_signal inside roi: what segmentation thresholds
  std::vector<cv::Point> contour;   // outline, in roi pixels
  double background_level = 0;      // median signal just outside the outline
  double rim_level = 0;             // median signal just inside it
  double edge_offset_px = 0.5;      // the true edge lies this far outside the outline's pixels
  bool touches_border = false;      // the outline reaches the frame's edge
  bool second_fruit = false;        // another fruit-sized object in view
};

// Errors: no_fruit (nothing fruit-sized and brighter than the background), low_confidence
// (the frame is too dark to tell whether a fruit is there).
core::Result<FruitRegion> find_fruit(const cv::Mat& bgr, const RegionOptions& options);

// max(B, G, R): the brightness of a coloured fruit on a grey background.
cv::Mat channel_max(const cv::Mat& bgr);

// The segmentation signal, (2 max - min) / 2 = (brightness + chroma) / 2 of each pixel:
// fruit skin keeps its colour where shading darkens it to near the rollers' grey, so
// brightness plus chroma separates a shaded fruit from grey rollers better than
// brightness alone. `value` gets max(B, G, R).
void value_and_signal(const cv::Mat& bgr, cv::Mat& value, cv::Mat& signal);

}  // namespace coldsort::vision::detail
