// The crown (calyx) of the synthetic fruit, drawn as projected polygons over the fruit.
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "seeded_random.hpp"
#include "synthetic_render.hpp"

namespace coldsort::vision::synth {
namespace {

std::vector<cv::Point> fixed_point(const std::vector<cv::Point2d>& pts, cv::Point origin) {
  constexpr int kShift = 4;
  std::vector<cv::Point> out;
  for (const cv::Point2d& p : pts)
    out.emplace_back(cvRound((p.x - origin.x) * (1 << kShift)), cvRound((p.y - origin.y) * (1 << kShift)));
  return out;
}

void fill(cv::Mat& mask, const std::vector<cv::Point2d>& pts, cv::Point origin) {
  std::vector<cv::Point> fixed = fixed_point(pts, origin);
  cv::fillConvexPoly(mask, fixed, cv::Scalar(255), cv::LINE_AA, 4);
}

// The crown's outline in the frame: the tube (the hull of its foot and top rings), the
// sepals (triangles from the top ring out to their tips) and the opening at the top.
struct CrownShape {
  std::vector<cv::Point2d> tube, opening;
  std::vector<std::vector<cv::Point2d>> sepals;
  cv::Rect box;  // bounding box, clipped to the frame
};

CrownShape crown_shape(const FruitTruth& t, const Pose& pose, const cv::Size& frame) {
  const double dc = t.calyx_diameter_mm, len = t.calyx_length_mm;
  const double r_base = kCalyxBaseShare * dc, r_top = 0.36 * dc, h_top = 0.65 * len;
  const double z0 = spheroid_of(t).c - 1.0;  // sunk 1 mm into the skin: no gap at its foot
  auto project = [&](double r, double angle, double z) {
    Vec3 w = pose.to_world({r * std::cos(angle), r * std::sin(angle), z});
    return cv::Point2d(pose.x_px(w), pose.y_px(w));
  };
  CrownShape c;
  std::vector<cv::Point2f> rings, hull;  // OpenCV's hull wants float or int points
  for (int i = 0; i < 24; ++i) {
    double a = 2 * M_PI * i / 24;
    rings.emplace_back(project(r_base, a, z0));
    rings.emplace_back(project(r_top, a, z0 + h_top));
    c.opening.push_back(project(0.7 * r_top, a, z0 + h_top));
  }
  cv::convexHull(rings, hull);
  c.tube.assign(hull.begin(), hull.end());
  const double turn = SeededRandom(t.render_seed, 0xCA1u, 0).uniform(0, 2 * M_PI);
  const int n = std::max(3, t.calyx_sepals);
  std::vector<cv::Point2d> all = c.tube;
  for (int i = 0; i < n; ++i) {
    double a = turn + 2 * M_PI * i / n, half = 0.8 * M_PI / n;
    c.sepals.push_back({project(r_top, a - half, z0 + h_top), project(dc / 2, a, z0 + len),
                        project(r_top, a + half, z0 + h_top)});
    all.insert(all.end(), c.sepals.back().begin(), c.sepals.back().end());
  }
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (const cv::Point2d& p : all)
    x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
  c.box = cv::Rect(cv::Point(cvFloor(x0) - 2, cvFloor(y0) - 2), cv::Point(cvCeil(x1) + 3, cvCeil(y1) + 3)) &
          cv::Rect(cv::Point(0, 0), frame);
  return c;
}

}  // namespace

// The crown: a short tube at the +z pole ending in 5-8 pointed sepals, brownish and darker
// than the skin. End-on it is a dark star inside the outline; side-on it stands out of it.
void draw_crown(cv::Mat& rad, const FruitTruth& t, const Pose& pose, const Silhouette& sil,
                double skin_hue_deg, double skin_value, Vec3 light) {
  const CrownShape shape = crown_shape(t, pose, rad.size());
  const cv::Rect& box = shape.box;
  if (box.empty()) return;
  cv::Mat tube = cv::Mat::zeros(box.size(), CV_8U), sepals = tube.clone(), opening = tube.clone();
  fill(tube, shape.tube, box.tl());
  for (const auto& sepal : shape.sepals) fill(sepals, sepal, box.tl());
  const Vec3 axis = pose.to_world({0, 0, 1});
  if (axis.z > 0) fill(opening, shape.opening, box.tl());
  const float lit = static_cast<float>(0.6 + 0.4 * std::max(0.0, dot(axis, light)));
  const cv::Vec3f tube_c = hsv_to_bgr(skin_hue_deg + 8, 0.6, skin_value * 0.65) * lit;
  const cv::Vec3f sepal_c = hsv_to_bgr(20, 0.55, skin_value * 0.45) * lit;
  const cv::Vec3f open_c = hsv_to_bgr(25, 0.5, skin_value * 0.14) * lit;
  const double ppm = pose.px_per_mm;
  for (int r = 0; r < box.height; ++r) {
    auto* px = rad.ptr<cv::Vec3f>(box.y + r);
    for (int c = 0; c < box.width; ++c) {
      const double a_tube = tube.at<uchar>(r, c) / 255.0, a_sepal = sepals.at<uchar>(r, c) / 255.0;
      const double a_open = opening.at<uchar>(r, c) / 255.0;
      if (a_tube + a_sepal + a_open <= 0) continue;
      // Pointing away from the camera, the crown shows only outside the body's outline.
      double seen = 1;
      if (axis.z < 0)
        seen = 1 - coverage(sil, (box.x + c - pose.centre_x_px) / ppm, (box.y + r - pose.centre_y_px) / ppm, ppm);
      cv::Vec3f& p = px[box.x + c];
      p = mix(mix(mix(p, tube_c, a_tube * seen), sepal_c, a_sepal * seen), open_c, a_open * seen);
    }
  }
}

}  // namespace coldsort::vision::synth
