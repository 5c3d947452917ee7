// Chessboard calibration: inner corners in every view, the lens from OpenCV's
// calibrateCamera (Zhang's method: several views of a plane at different tilts), and the
// scale at the belt from the view of the board lying on the rollers.
#include "coldsort/vision/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lens_matrices.hpp"
#include "pixels.hpp"

namespace coldsort::vision {
namespace {

// With few views the 6th-order radial term k3 is poorly constrained and trades off against
// k1; OpenCV's own sample calibrations fix it until there are plenty of views.
constexpr int kMinViewsForK3 = 6;
// cornerSubPix search half-window: a quarter of a square keeps the window inside the
// corner's own four squares; 11 px is OpenCV's usual maximum.
constexpr int kMaxSubPixHalfWindow = 11;

struct FoundBoard {
  std::size_t index = 0;
  std::vector<cv::Point2f> corners;  // row by row, pattern_cols per row
  cv::Size size;
};

std::string size_text(cv::Size s) {
  return std::to_string(s.width) + "x" + std::to_string(s.height);
}

double min_neighbour_distance(const std::vector<cv::Point2f>& pts, cv::Size pattern) {
  double best = 1e9;
  for (int r = 0; r < pattern.height; ++r)
    for (int c = 0; c + 1 < pattern.width; ++c)
      best = std::min(best, cv::norm(pts[static_cast<std::size_t>(r * pattern.width + c + 1)] -
                                     pts[static_cast<std::size_t>(r * pattern.width + c)]));
  return best;
}

std::optional<std::vector<cv::Point2f>> find_corners(const cv::Mat& bgr, cv::Size pattern) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  std::vector<cv::Point2f> corners;
  const int flags =
      cv::CALIB_CB_ADAPTIVE_THRESH | cv::CALIB_CB_NORMALIZE_IMAGE | cv::CALIB_CB_FAST_CHECK;
  if (!cv::findChessboardCorners(gray, pattern, corners, flags)) return std::nullopt;
  const int half = std::clamp(static_cast<int>(min_neighbour_distance(corners, pattern) / 4), 2,
                              kMaxSubPixHalfWindow);
  cv::cornerSubPix(gray, corners, {half, half}, {-1, -1},
                   cv::TermCriteria(cv::TermCriteria::EPS + cv::TermCriteria::COUNT, 50, 0.005));
  return corners;
}

std::vector<cv::Point3f> board_points(const ChessboardOptions& o) {
  std::vector<cv::Point3f> pts;
  for (int r = 0; r < o.pattern_rows; ++r)
    for (int c = 0; c < o.pattern_cols; ++c)
      pts.emplace_back(static_cast<float>(c * o.square_mm), static_cast<float>(r * o.square_mm),
                       0.0f);
  return pts;
}

std::string check_options(std::span<const NamedImage> images, const ChessboardOptions& o) {
  if (o.pattern_cols < 3 || o.pattern_rows < 3) return "the board needs at least 3x3 inner corners";
  if (!(o.square_mm > 0)) return "the square size must be positive";
  if (images.empty()) return "no images given";
  if (o.belt_view >= images.size()) return "the belt view is not one of the images";
  return {};
}

// Finds the board in every image; records why each unusable image was not used.
std::vector<FoundBoard> find_boards(std::span<const NamedImage> images, const ChessboardOptions& o,
                                    ChessboardCalibration& out) {
  const cv::Size pattern(o.pattern_cols, o.pattern_rows);
  std::vector<FoundBoard> found;
  for (std::size_t i = 0; i < images.size(); ++i) {
    ChessboardView view;
    view.name = images[i].name;
    const cv::Mat& bgr = mat_of(images[i].image);
    if (bgr.empty()) {
      view.problem = "no image";
    } else if (auto corners = find_corners(bgr, pattern)) {
      view.board_found = true;
      found.push_back({i, std::move(*corners), bgr.size()});
    } else {
      view.problem = "no " + size_text(pattern) +
                     " chessboard found (the size counts inner corners; check focus, glare, "
                     "and that the whole board is in view)";
    }
    out.views.push_back(std::move(view));
  }
  return found;
}

// Fits the lens to the views of the reference frame size; the others are marked unusable.
void fit_lens(std::vector<FoundBoard>& found, cv::Size frame, const ChessboardOptions& o,
              ChessboardCalibration& out) {
  std::vector<std::vector<cv::Point2f>> image_points;
  std::vector<std::size_t> used;
  for (const FoundBoard& b : found) {
    if (b.size != frame) {
      out.views[b.index].problem =
          "frame size " + size_text(b.size) + " differs from the belt view's " + size_text(frame);
      continue;
    }
    image_points.push_back(b.corners);
    used.push_back(b.index);
  }
  out.views_used = static_cast<int>(used.size());
  if (out.views_used < kMinLensViews) return;
  std::vector<std::vector<cv::Point3f>> object_points(used.size(), board_points(o));
  cv::Mat camera, distortion, std_intrinsic, std_extrinsic, per_view;
  std::vector<cv::Mat> rvecs, tvecs;
  const int flags = out.views_used < kMinViewsForK3 ? cv::CALIB_FIX_K3 : 0;
  const double rms = cv::calibrateCamera(
      object_points, image_points, frame, camera, distortion, rvecs, tvecs, std_intrinsic,
      std_extrinsic, per_view, flags,
      cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 100, 1e-9));
  if (!cv::checkRange(camera) || !cv::checkRange(distortion) || !std::isfinite(rms)) return;
  out.lens = detail::lens_of(camera, distortion, frame, rms);
  for (std::size_t k = 0; k < used.size(); ++k)
    out.views[used[k]].reprojection_rms_px = per_view.at<double>(static_cast<int>(k));
}

// Mean corner spacing, and the largest difference in spacing between opposite board edges
// as a share of it (perspective from a tilted camera shrinks the far edge).
void scale_from_belt_view(std::vector<cv::Point2f> corners, const ChessboardOptions& o,
                          const core::LensCalibration* lens, ChessboardCalibration& out) {
  if (lens != nullptr) {
    const detail::LensMats m = detail::mats_of(*lens);
    cv::undistortPoints(
        corners, corners, m.camera, m.distortion, cv::noArray(), m.camera,
        cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 30, 1e-6));
    out.lens_undistorted_belt_view = true;
  }
  const int cols = o.pattern_cols, rows = o.pattern_rows;
  auto at = [&](int r, int c) { return corners[static_cast<std::size_t>(r * cols + c)]; };
  auto row_mean = [&](int r) {
    double s = 0;
    for (int c = 0; c + 1 < cols; ++c) s += cv::norm(at(r, c + 1) - at(r, c));
    return s / (cols - 1);
  };
  auto col_mean = [&](int c) {
    double s = 0;
    for (int r = 0; r + 1 < rows; ++r) s += cv::norm(at(r + 1, c) - at(r, c));
    return s / (rows - 1);
  };
  double sum = 0;
  for (int r = 0; r < rows; ++r) sum += row_mean(r) * (cols - 1);
  for (int c = 0; c < cols; ++c) sum += col_mean(c) * (rows - 1);
  const double mean_px = sum / (rows * (cols - 1) + cols * (rows - 1));
  out.px_per_mm = mean_px / o.square_mm;
  out.scale_gradient = std::max(std::abs(row_mean(0) - row_mean(rows - 1)),
                                std::abs(col_mean(0) - col_mean(cols - 1))) /
                       mean_px;
}

}  // namespace

ChessboardCalibration calibrate_from_chessboard(std::span<const NamedImage> images,
                                                const ChessboardOptions& options) {
  ChessboardCalibration out;
  out.error = check_options(images, options);
  if (!out.ok()) return out;
  std::vector<FoundBoard> found = find_boards(images, options, out);
  auto belt = std::find_if(found.begin(), found.end(),
                           [&](const FoundBoard& b) { return b.index == options.belt_view; });
  const cv::Size frame = belt != found.end() ? belt->size
                         : found.empty()     ? cv::Size()
                                             : found.front().size;
  fit_lens(found, frame, options, out);
  if (belt == found.end()) {
    out.error = "the board was not found in the belt view " + images[options.belt_view].name +
                ", so the scale at the belt is unknown";
    return out;
  }
  const core::LensCalibration* lens = nullptr;
  if (out.lens.present) {
    lens = &out.lens;
  } else if (detail::lens_is_usable(options.known_lens) &&
             options.known_lens.image_width_px == frame.width &&
             options.known_lens.image_height_px == frame.height) {
    lens = &options.known_lens;
  }
  scale_from_belt_view(belt->corners, options, lens, out);
  return out;
}

ChessboardCalibration calibrate_from_chessboard(std::span<const NamedImage> images,
                                                int pattern_cols, int pattern_rows,
                                                double square_mm) {
  ChessboardOptions options;
  options.pattern_cols = pattern_cols;
  options.pattern_rows = pattern_rows;
  options.square_mm = square_mm;
  return calibrate_from_chessboard(images, options);
}

}  // namespace coldsort::vision
