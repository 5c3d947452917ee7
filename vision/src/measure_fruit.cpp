// measure_view: one view of one fruit -> size, shape, colour and skin defects, each in
// physical units, with the doubts that make the view untrustworthy.
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "coldsort/vision/grader.hpp"
#include "fruit_region.hpp"
#include "fruit_shape.hpp"
#include "outline_geometry.hpp"
#include "pixels.hpp"
#include "skin_analysis.hpp"

namespace coldsort::vision {
namespace {

using core::Doubt;
using core::errc;
using detail::FruitRegion;
using detail::Outline;

// Shape limits of a sound pomegranate seen from any side (it is close to a sphere, a bit
// flattened at the poles): anything far from an ellipse is two fruit, a broken fruit or
// not a fruit.
constexpr double kMinSolidity = 0.90;
constexpr double kMinAspect = 0.62;         // minor / major
constexpr double kMaxResidualShare = 0.05;  // RMS distance from the ellipse / radius
// A sharp edge rises over ~1-2 px: gradient / contrast ~0.45-0.6, and ~0.28-0.4 through the
// softness of a cheap lens or JPEG. Motion blur over 5 px or more brings it under ~0.25
// along most of the outline (measured on the synthetic renderer's blur of known length).
constexpr double kMinEdgeSharpness = 0.26;
// A lit sphere's highlight clips a few % of the fruit even at a normal exposure (up to ~14 %
// at the brightest lamp setting); far more means the skin itself is washed out.
constexpr double kMaxClippedShare = 0.25;
// Sound red skin below this brightness (of 255) shows too little contrast for defects; a
// normal exposure puts it at 95-200.
constexpr double kMinSkinValue = 70;
// ...unless the rollers are lit as usual (15-45): then the fruit is simply dark-skinned.
constexpr double kMaxDarkRollers = 14;
constexpr double kDoubtConfidence = 0.3;

// Median over outline points of the steepest brightness step near each point, divided by
// the brightness difference between fruit and background.
double edge_sharpness(const FruitRegion& r) {
  const double contrast = std::max(1.0, r.rim_level - r.background_level);
  std::vector<double> s;
  const std::size_t step = std::max<std::size_t>(1, r.contour.size() / 120);
  const cv::Mat& v = r.signal;
  for (std::size_t i = 0; i < r.contour.size(); i += step) {
    const cv::Point p = r.contour[i];
    double best = 0;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const int x = p.x + dx, y = p.y + dy;
        if (x < 1 || y < 1 || x >= v.cols - 1 || y >= v.rows - 1) continue;
        const double gx = (v.at<uchar>(y, x + 1) - v.at<uchar>(y, x - 1)) / 2.0;
        const double gy = (v.at<uchar>(y + 1, x) - v.at<uchar>(y - 1, x)) / 2.0;
        best = std::max(best, std::hypot(gx, gy));
      }
    s.push_back(best / contrast);
  }
  if (s.empty()) return 0;
  // The 40th percentile: motion blur widens the edges across its direction, most of them.
  auto at = s.begin() + static_cast<std::ptrdiff_t>(s.size() * 2 / 5);
  std::nth_element(s.begin(), at, s.end());
  return *at;
}

// sRGB (IEC 61966-2-1) to linear light.
double linear(double c) { return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }

// CIE 1976 L*a*b* under D65 of an sRGB colour, and its HSV hue. Worked out directly: one
// colour per view does not need OpenCV's image converters (whose set-up costs more than
// the arithmetic).
void colour_of(const cv::Scalar& mean_bgr, core::Measurement& m) {
  const double b = mean_bgr[0] / 255, g = mean_bgr[1] / 255, r = mean_bgr[2] / 255;
  const double lr = linear(r), lg = linear(g), lb = linear(b);
  // sRGB primaries to XYZ, normalised by the D65 white point (0.95047, 1, 1.08883).
  const double x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047;
  const double y = 0.2126729 * lr + 0.7151522 * lg + 0.0721750 * lb;
  const double z = (0.0193339 * lr + 0.1191920 * lg + 0.9503041 * lb) / 1.08883;
  auto f = [](double t) { return t > 216.0 / 24389 ? std::cbrt(t) : (24389.0 / 27 * t + 16) / 116; };
  m.lab_l = 116 * f(y) - 16;
  m.lab_a = 500 * (f(x) - f(y));
  m.lab_b = 200 * (f(y) - f(z));
  const double mx = std::max({r, g, b}), mn = std::min({r, g, b}), d = mx - mn;
  double hue = 0;
  if (d > 0) {
    if (mx == r) hue = 60 * (g - b) / d;
    else if (mx == g) hue = 60 * (2 + (b - r) / d);
    else hue = 60 * (4 + (r - g) / d);
  }
  m.mean_hue_deg = hue < 0 ? hue + 360 : hue;
}

Doubt doubt_of(const FruitRegion& r, const Outline& o, const detail::SkinFindings& skin) {
  if (r.touches_border) return Doubt::touches_border;
  if (r.second_fruit) return Doubt::two_fruit;
  const double aspect = o.minor_px / std::max(1.0, o.major_px);
  if (o.solidity < kMinSolidity || aspect < kMinAspect ||
      o.residual_rms_px > kMaxResidualShare * o.minor_px / 2)
    return aspect < 0.8 && o.solidity < 0.95 ? Doubt::two_fruit : Doubt::odd_shape;
  if (skin.clipped_share > kMaxClippedShare) return Doubt::overexposed;
  if (skin.median_v < kMinSkinValue && r.background_level < kMaxDarkRollers) return Doubt::underexposed;
  if (edge_sharpness(r) < kMinEdgeSharpness) return Doubt::blurred;
  return Doubt::none;
}

std::vector<PointPx> to_frame(const std::vector<cv::Point>& pts, cv::Point offset) {
  std::vector<PointPx> out;
  out.reserve(pts.size());
  for (const cv::Point& p : pts) out.push_back({double(p.x + offset.x), double(p.y + offset.y)});
  return out;
}

}  // namespace

core::Result<ViewMeasurement> measure_view(const Image& image, const MeasureOptions& options) {
  const cv::Mat& bgr = mat_of(image);
  if (bgr.empty() || bgr.type() != CV_8UC3) return errc::camera_drop;
  auto region = detail::find_fruit(bgr, {options.px_per_mm, options.use_roi});
  if (!region && region.error() == errc::low_confidence) {
    ViewMeasurement dark;  // nothing measured: a doubt, never an empty cup
    dark.measured.doubt = Doubt::underexposed;
    dark.measured.confidence = 0;
    return dark;
  }
  if (!region) return region.error();
  const Outline outline = detail::measure_outline(region->contour, region->edge_offset_px);
  const detail::SkinFindings skin =
      detail::analyse_skin(*region, outline, {options.px_per_mm, options.min_defect_mm2, &options.colour});

  const double ppm = options.px_per_mm;
  ViewMeasurement view;
  core::Measurement& m = view.measured;
  m.diameter_mm = outline.major_px / ppm;
  m.minor_diameter_mm = outline.minor_px / ppm;
  m.area_mm2 = (cv::contourArea(region->contour) + cv::arcLength(region->contour, true) / 2) / (ppm * ppm);
  for (const DefectRegion& d : skin.defects) {
    m.defect_area_mm2 += d.area_mm2;
    m.largest_defect_mm2 = std::max(m.largest_defect_mm2, d.area_mm2);
    m.defect_kinds |= core::bit(d.kind);
  }
  m.defect_count = static_cast<int>(skin.defects.size());
  detail::complete_shape(m, options.weight);
  colour_of(skin.mean_bgr, m);
  m.colour_share = skin.colour_share;
  m.doubt = doubt_of(*region, outline, skin);
  m.confidence = m.doubt == Doubt::none ? 1.0 : kDoubtConfidence;

  const cv::Point offset = region->roi.tl();
  view.defects = skin.defects;
  view.calyx = skin.calyx;
  view.outline = to_frame(region->contour, offset);
  view.major_a = {outline.major_a.x + offset.x, outline.major_a.y + offset.y};
  view.major_b = {outline.major_b.x + offset.x, outline.major_b.y + offset.y};
  view.centre = {outline.ellipse.center.x + offset.x, outline.ellipse.center.y + offset.y};
  return view;
}

core::Result<core::Measurement> measure_fruit(const Image& image, const MeasureOptions& options) {
  auto view = measure_view(image, options);
  if (!view) return view.error();
  return view->measured;
}

}  // namespace coldsort::vision
