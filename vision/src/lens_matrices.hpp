#pragma once
// core::LensCalibration (plain numbers in the config) to and from OpenCV's matrices.
// Only vision/src includes this.
#include <opencv2/core.hpp>

#include "coldsort/core/config.hpp"

namespace coldsort::vision::detail {

struct LensMats {
  cv::Mat camera;      // 3x3 CV_64F
  cv::Mat distortion;  // 1xN CV_64F
  cv::Size size;       // the frame size the calibration was taken at
};

// A present lens with 9 matrix entries, 4/5/8/12/14 distortion coefficients (the counts
// OpenCV's distortion models take) and a frame size.
inline bool lens_is_usable(const core::LensCalibration& lens) {
  const std::size_t n = lens.distortion.size();
  return lens.present && lens.camera_matrix.size() == 9 &&
         (n == 4 || n == 5 || n == 8 || n == 12 || n == 14) && lens.image_width_px > 0 &&
         lens.image_height_px > 0;
}

// Precondition: lens_is_usable(lens).
inline LensMats mats_of(const core::LensCalibration& lens) {
  LensMats m;
  m.camera = cv::Mat(3, 3, CV_64F);
  for (int i = 0; i < 9; ++i)
    m.camera.at<double>(i / 3, i % 3) = lens.camera_matrix[static_cast<std::size_t>(i)];
  m.distortion = cv::Mat(1, static_cast<int>(lens.distortion.size()), CV_64F);
  for (std::size_t i = 0; i < lens.distortion.size(); ++i)
    m.distortion.at<double>(0, static_cast<int>(i)) = lens.distortion[i];
  m.size = {lens.image_width_px, lens.image_height_px};
  return m;
}

inline core::LensCalibration lens_of(const cv::Mat& camera, const cv::Mat& distortion,
                                     cv::Size size, double rms_px) {
  core::LensCalibration lens;
  lens.present = true;
  cv::Mat k, d;
  camera.convertTo(k, CV_64F);
  distortion.reshape(1, 1).convertTo(d, CV_64F);
  for (int i = 0; i < 9; ++i) lens.camera_matrix.push_back(k.at<double>(i / 3, i % 3));
  for (int i = 0; i < d.cols; ++i) lens.distortion.push_back(d.at<double>(0, i));
  lens.image_width_px = size.width;
  lens.image_height_px = size.height;
  lens.rms_error_px = rms_px;
  return lens;
}

}  // namespace coldsort::vision::detail
