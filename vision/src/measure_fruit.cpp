#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "coldsort/vision/grader.hpp"
#include "pixels.hpp"

namespace coldsort::vision {
namespace {

using core::errc;

// A fruit smaller than this many mm² is not a fruit (leaf, sticker, dirt).
constexpr double kMinFruitAreaMm2 = 1200;  // ~39 mm disc, below any marketable pomegranate
// Convex-hull solidity below this means two fruits or a broken one.
constexpr double kMinSolidity = 0.95;
// A defect is skin much darker than the fruit's own median brightness.
constexpr double kDefectValueRatio = 0.55;

struct Feret {
  double major_px = 0;
  double minor_px = 0;
};

// Largest caliper width of the hull, and the width perpendicular to it. Pixel centres on
// the contour sit half a pixel inside the true edge on each side, hence +1 px.
Feret feret_of(const std::vector<cv::Point>& hull) {
  Feret f;
  cv::Point2d axis(1, 0);
  for (std::size_t i = 0; i < hull.size(); ++i) {
    for (std::size_t j = i + 1; j < hull.size(); ++j) {
      cv::Point2d d = hull[j] - hull[i];
      double len = std::hypot(d.x, d.y);
      if (len > f.major_px) {
        f.major_px = len;
        axis = d / len;
      }
    }
  }
  double lo = 1e9, hi = -1e9;
  for (const cv::Point& p : hull) {
    double s = -axis.y * p.x + axis.x * p.y;
    lo = std::min(lo, s);
    hi = std::max(hi, s);
  }
  f.major_px += 1;
  f.minor_px = hi - lo + 1;
  return f;
}

bool touches_border(const cv::Rect& box, const cv::Size& size) {
  return box.x <= 1 || box.y <= 1 || box.x + box.width >= size.width - 1 ||
         box.y + box.height >= size.height - 1;
}

// Circular mean of OpenCV hues (0..180 = 0..360 degrees) over masked pixels.
double mean_hue_deg(const cv::Mat& hsv, const cv::Mat& mask) {
  double sx = 0, sy = 0;
  for (int y = 0; y < hsv.rows; ++y) {
    const auto* p = hsv.ptr<cv::Vec3b>(y);
    const uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < hsv.cols; ++x) {
      if (!m[x]) continue;
      double a = p[x][0] * 2.0 * M_PI / 180.0;
      sx += std::cos(a);
      sy += std::sin(a);
    }
  }
  double deg = std::atan2(sy, sx) * 180.0 / M_PI;
  return deg < 0 ? deg + 360 : deg;
}

// Median of an 8-bit channel over a mask, by histogram; -1 when the mask is empty.
int median_in(const cv::Mat& channel, const cv::Mat& mask) {
  int histogram[256] = {0};
  int total = 0;
  for (int y = 0; y < channel.rows; ++y) {
    const uchar* c = channel.ptr<uchar>(y);
    const uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < channel.cols; ++x)
      if (m[x]) {
        ++histogram[c[x]];
        ++total;
      }
  }
  for (int v = 0, seen = 0; v < 256; ++v) {
    seen += histogram[v];
    if (total > 0 && seen * 2 >= total) return v;
  }
  return -1;
}

// Otsu sits near the dark background when the fruit is bright, which puts the outline
// outside the true edge. Re-threshold halfway between the background and the fruit's rim,
// so the outline passes where anti-aliased edge pixels are half covered.
cv::Mat edge_accurate_mask(const cv::Mat& value, const cv::Mat& otsu) {
  auto disc = [](int d) { return cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d}); };
  cv::Mat outer, inner2, inner6;
  cv::dilate(otsu, outer, disc(7));
  cv::erode(otsu, inner2, disc(3));
  cv::erode(otsu, inner6, disc(9));
  int background = median_in(value, ~outer);
  int rim = median_in(value, inner2 & ~inner6);
  cv::Mat mask;
  if (background < 0 || rim < 0) return otsu;
  cv::threshold(value, mask, (background + rim) / 2.0, 255, cv::THRESH_BINARY);
  return mask;
}

}  // namespace

core::Result<ViewMeasurement> measure_view(const Image& image, const MeasureOptions& options) {
  const cv::Mat& bgr = mat_of(image);
  if (bgr.empty() || bgr.type() != CV_8UC3) return errc::camera_drop;
  cv::Mat hsv;
  cv::cvtColor(bgr, hsv, cv::COLOR_BGR2HSV);
  std::vector<cv::Mat> channels;
  cv::split(hsv, channels);
  const cv::Mat& value = channels[2];

  // Fruit against dark rollers: Otsu splits the brightness histogram, whatever the gain.
  cv::Mat fg;
  double level = cv::threshold(value, fg, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  if (level < 40) return errc::no_fruit;  // all background: nothing bright to separate
  fg = edge_accurate_mask(value, fg);
  cv::morphologyEx(fg, fg, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(fg, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  const double mm2_per_px = 1.0 / (options.px_per_mm * options.px_per_mm);
  auto largest = std::max_element(contours.begin(), contours.end(), [](auto& a, auto& b) {
    return cv::contourArea(a) < cv::contourArea(b);
  });
  if (largest == contours.end() || cv::contourArea(*largest) * mm2_per_px < kMinFruitAreaMm2)
    return errc::no_fruit;

  // The fruit region is the filled outline: dark defects inside it still belong to it.
  cv::Mat fruit = cv::Mat::zeros(bgr.size(), CV_8U);
  cv::drawContours(fruit, contours, static_cast<int>(largest - contours.begin()), 255, cv::FILLED);
  std::vector<cv::Point> hull;
  cv::convexHull(*largest, hull);
  Feret feret = feret_of(hull);

  core::Measurement m;
  m.diameter_mm = feret.major_px / options.px_per_mm;
  m.minor_diameter_mm = feret.minor_px / options.px_per_mm;
  double fruit_px = cv::countNonZero(fruit);
  m.area_mm2 = fruit_px * mm2_per_px;
  // Spheroid volume pi/6 * D * d^2, in cm^3.
  m.volume_cm3 = M_PI / 6.0 * (m.diameter_mm / 10) * std::pow(m.minor_diameter_mm / 10, 2);
  m.weight_g = options.weight.g_per_cm3 * m.volume_cm3 + options.weight.offset_g;

  // Skin defects: pixels well below the fruit's own median brightness.
  cv::Mat inner;
  cv::erode(fruit, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
  std::vector<uchar> values;
  values.reserve(static_cast<std::size_t>(fruit_px));
  for (int y = 0; y < value.rows; ++y)
    for (int x = 0; x < value.cols; ++x)
      if (inner.at<uchar>(y, x)) values.push_back(value.at<uchar>(y, x));
  if (values.empty()) return errc::no_fruit;
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  double median = values[values.size() / 2];
  cv::Mat dark;
  cv::threshold(value, dark, median * kDefectValueRatio, 255, cv::THRESH_BINARY_INV);
  cv::Mat defects = dark & inner;
  m.defect_share = cv::countNonZero(defects) / fruit_px;
  m.mean_hue_deg = mean_hue_deg(hsv, inner & ~defects);

  // Confidence: a fruit cut by the frame edge or two fruits touching cannot be sized.
  double solidity = cv::contourArea(*largest) / std::max(1.0, cv::contourArea(hull));
  m.confidence = 1.0;
  if (touches_border(cv::boundingRect(*largest), bgr.size())) m.confidence = std::min(m.confidence, 0.2);
  if (solidity < kMinSolidity) m.confidence = std::min(m.confidence, 0.3);
  if (m.minor_diameter_mm < 0.6 * m.diameter_mm) m.confidence = std::min(m.confidence, 0.4);
  ViewMeasurement view;
  view.measured = m;
  return view;
}

core::Result<core::Measurement> measure_fruit(const Image& image, const MeasureOptions& options) {
  auto view = measure_view(image, options);
  if (!view) return view.error();
  return view->measured;
}

}  // namespace coldsort::vision
