// Lens undistortion with remap tables built once (initUndistortRectifyMap), so that each
// frame costs one remap. The output keeps the calibration's camera matrix: the same scale
// (px/mm at the belt) at the image centre, straight lines straight.
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "coldsort/vision/calibration.hpp"
#include "lens_matrices.hpp"
#include "pixels.hpp"

namespace coldsort::vision {

struct Undistorter::Maps {
  cv::Size size;
  cv::Mat map1, map2;  // fixed-point tables (CV_16SC2 + CV_16UC1): the fastest remap form
};

namespace {

std::shared_ptr<const Undistorter::Maps> make_maps(const detail::LensMats& m, cv::Size size) {
  auto maps = std::make_shared<Undistorter::Maps>();
  maps->size = size;
  cv::Mat camera = m.camera.clone();
  if (size != m.size) {
    // Same field of view at another resolution (binning): scale focal lengths and centre.
    // Pixel centres sit at +0.5, so the principal point scales about -0.5.
    const double sx = double(size.width) / m.size.width, sy = double(size.height) / m.size.height;
    camera.at<double>(0, 0) *= sx;
    camera.at<double>(0, 1) *= sx;
    camera.at<double>(0, 2) = (camera.at<double>(0, 2) + 0.5) * sx - 0.5;
    camera.at<double>(1, 1) *= sy;
    camera.at<double>(1, 2) = (camera.at<double>(1, 2) + 0.5) * sy - 0.5;
  }
  cv::initUndistortRectifyMap(camera, m.distortion, cv::noArray(), camera, size, CV_16SC2,
                              maps->map1, maps->map2);
  return maps;
}

}  // namespace

Undistorter::Undistorter(const core::LensCalibration& lens) : lens_(lens) {
  if (!lens.present) return;
  if (!detail::lens_is_usable(lens))
    throw std::invalid_argument(
        "lens calibration needs a 3x3 camera matrix, 4/5/8/12/14 distortion coefficients and "
        "the frame size");
  const detail::LensMats m = detail::mats_of(lens);
  maps_ = make_maps(m, m.size);
}

Undistorter::~Undistorter() = default;

Image Undistorter::apply(const Image& image) const {
  const cv::Mat& src = mat_of(image);
  if (!maps_ || src.empty()) return image;
  std::shared_ptr<const Maps> maps = maps_;
  if (src.size() != maps->size) maps = make_maps(detail::mats_of(lens_), src.size());
  cv::Mat out;
  // Pixels that come from outside the sensor are black, like the rollers between cups.
  cv::remap(src, out, maps->map1, maps->map2, cv::INTER_LINEAR, cv::BORDER_CONSTANT,
            cv::Scalar::all(0));
  return make_image(std::move(out));
}

}  // namespace coldsort::vision
