#pragma once
// Geometry of a fruit outline: an ellipse fitted robustly so that the crown (calyx) sticking
// out of a side-on pomegranate does not count toward its diameter, the maximum caliper
// (Feret) diameter of the body, and the width perpendicular to it.
// Thread safety: free functions, no shared state.
#include <opencv2/core.hpp>

#include <vector>

namespace coldsort::vision::detail {

struct Outline {
  cv::RotatedRect ellipse;               // robust fit to the body
  std::vector<cv::Point> body_hull;      // convex hull without outward protrusions
  std::vector<cv::Point> protrusion;     // contour points well outside the body (crown)
  std::vector<double> protrusion_height_px;  // how far each stands out of the body
  double major_px = 0;                   // maximum caliper width of the body
  double minor_px = 0;                   // width perpendicular to it
  cv::Point2d major_a, major_b;          // ends of the maximum width
  double residual_rms_px = 0;            // of body points from the ellipse
  double solidity = 1;                   // contour area / hull area (whole contour)
};

// `contour` must hold at least 5 points. The fruit's true edge lies `edge_offset_px` outside
// its pixel centres (measured on the image: see fruit_region.cpp).
Outline measure_outline(const std::vector<cv::Point>& contour, double edge_offset_px);

}  // namespace coldsort::vision::detail
