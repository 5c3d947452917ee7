#include "coldsort/vision/lane_splitter.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "pixels.hpp"

namespace coldsort::vision {

std::vector<Frame> split_lanes(const Frame& wide, int lanes, int overlap_px) {
  if (wide.image.empty()) return {};
  const cv::Mat& whole = mat_of(wide.image);
  if (lanes < 1 || lanes > whole.cols || overlap_px < 0)
    throw std::invalid_argument("split_lanes: " + std::to_string(lanes) + " lanes with overlap " +
                                std::to_string(overlap_px) + " px do not fit a " +
                                std::to_string(whole.cols) + " px wide frame");
  std::vector<Frame> out;
  out.reserve(static_cast<std::size_t>(lanes));
  for (int i = 0; i < lanes; ++i) {
    // Integer boundaries i*W/lanes tile the width exactly, with no gap and no double column.
    int x0 = static_cast<int>(static_cast<long long>(i) * whole.cols / lanes);
    int x1 = static_cast<int>(static_cast<long long>(i + 1) * whole.cols / lanes);
    x0 = std::max(0, x0 - overlap_px);
    x1 = std::min(whole.cols, x1 + overlap_px);
    // A ROI of a cv::Mat shares the buffer and its reference count: no pixel is copied.
    cv::Mat lane_view = whole(cv::Rect(x0, 0, x1 - x0, whole.rows));
    out.push_back(Frame{wide.lane * lanes + i, wide.cup, wide.view, wide.captured_at,
                        make_image(std::move(lane_view))});
  }
  return out;
}

}  // namespace coldsort::vision
