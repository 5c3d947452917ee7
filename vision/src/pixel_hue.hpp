#pragma once
// The HSV hue of one 8-bit BGR pixel, in degrees from -60 to 300 (reds either side of 0).
// Thread safety: a pure function.
#include <opencv2/core.hpp>

#include <algorithm>

namespace coldsort::vision::detail {

inline double hue_deg(const cv::Vec3b& p) {
  const int mx = std::max({p[0], p[1], p[2]}), mn = std::min({p[0], p[1], p[2]});
  const double d = std::max(1, mx - mn);
  if (mx == p[2]) return 60.0 * (p[1] - p[0]) / d;
  if (mx == p[1]) return 60.0 * (2.0 + (p[0] - p[2]) / d);
  return 60.0 * (4.0 + (p[2] - p[1]) / d);
}

}  // namespace coldsort::vision::detail
