#include <algorithm>

#include "coldsort/vision/grader.hpp"

namespace coldsort::vision {

core::Measurement merge_views(std::span<const ViewMeasurement> views) {
  if (views.empty()) return {};
  core::Measurement m = views.front().measured;
  m.views = static_cast<int>(views.size());
  return m;
}

}  // namespace coldsort::vision
