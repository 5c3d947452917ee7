#pragma once
// The OpenCV side of vision::Image. Only vision/src includes this.
#include <opencv2/core.hpp>

#include "coldsort/vision/frame.hpp"

namespace coldsort::vision {

struct Image::Pixels {
  cv::Mat bgr;  // CV_8UC3
};

inline Image make_image(cv::Mat bgr) {
  auto pixels = std::make_shared<Image::Pixels>();
  pixels->bgr = std::move(bgr);
  return Image(std::move(pixels));
}

inline const cv::Mat& mat_of(const Image& image) {
  static const cv::Mat empty;
  return image.empty() ? empty : image.pixels()->bgr;
}

}  // namespace coldsort::vision
