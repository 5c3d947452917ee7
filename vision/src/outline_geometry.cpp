#include "outline_geometry.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace coldsort::vision::detail {
namespace {

// Radial distance of a point outside (+) or inside (-) an ellipse, in px, approximately:
// the normalised radius scaled by the ellipse's radius in that direction.
class RadialOffset {
 public:
  explicit RadialOffset(const cv::RotatedRect& e)
      : cx_(e.center.x), cy_(e.center.y), a_(std::max(1.0, e.size.width / 2.0)),
        b_(std::max(1.0, e.size.height / 2.0)), c_(std::cos(e.angle * CV_PI / 180.0)),
        s_(std::sin(e.angle * CV_PI / 180.0)) {}
  double operator()(const cv::Point& p) const {
    const double dx = p.x - cx_, dy = p.y - cy_;
    const double u = (dx * c_ + dy * s_) / a_, v = (-dx * s_ + dy * c_) / b_;
    const double r = std::sqrt(u * u + v * v);
    if (r < 1e-9) return -std::min(a_, b_);
    return (r - 1.0) * std::sqrt(u * u * a_ * a_ + v * v * b_ * b_) / r;
  }

 private:
  double cx_, cy_, a_, b_, c_, s_;
};

// A point further than this beyond the body's local radius belongs to a protrusion. A
// pixel outline of a smooth fruit stays within ~1 px of its running median radius; the
// share allows for the lobes of a slightly irregular fruit.
constexpr double kMinOutlierPx = 2.5;
constexpr double kOutlierShare = 0.025;

// Fitting to every 4th point of a pixel outline gives the same ellipse at a quarter of the
// cost.
cv::RotatedRect fit_ellipse(const std::vector<cv::Point>& points) {
  if (points.size() < 80) return cv::fitEllipse(points);
  std::vector<cv::Point> some;
  some.reserve(points.size() / 4 + 1);
  for (std::size_t i = 0; i < points.size(); i += 4) some.push_back(points[i]);
  return cv::fitEllipse(some);
}

// Splits the outline into body and protrusion (a pomegranate's crown side-on, a sticker's
// edge, a leaf). Around the centre, the body's radius changes slowly with the angle; a
// crown is a narrow bump. First each point is compared with the body radius at its angle:
// the median, over +-30 degrees, of each 5-degree sector's median radius (windows by angle,
// not by point count: a crown's jagged sepals have a great deal of outline). The points
// that agree with it fix an ellipse, and protrusions are what stands out of that ellipse.
// (An ellipse fitted to every point stretches toward the crown and hides it.)
void fit_body(const std::vector<cv::Point>& contour, Outline& out, std::vector<cv::Point>& body) {
  constexpr int kSectors = 72, kHalfWindow = 6;
  const std::size_t n = contour.size();
  const cv::Moments m = cv::moments(contour);
  const cv::Point2d centre(m.m10 / std::max(1.0, m.m00), m.m01 / std::max(1.0, m.m00));
  std::vector<double> radius(n);
  std::vector<int> sector(n);
  std::vector<std::vector<double>> in_sector(kSectors);
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = contour[i].x - centre.x, dy = contour[i].y - centre.y;
    radius[i] = std::hypot(dx, dy);
    const double turn = (std::atan2(dy, dx) + CV_PI) / (2 * CV_PI);
    sector[i] = std::min(kSectors - 1, static_cast<int>(turn * kSectors));
    in_sector[static_cast<std::size_t>(sector[i])].push_back(radius[i]);
  }
  std::vector<double> sector_median(kSectors, -1);
  for (int k = 0; k < kSectors; ++k) {
    auto& v = in_sector[static_cast<std::size_t>(k)];
    if (v.empty()) continue;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    sector_median[static_cast<std::size_t>(k)] = v[v.size() / 2];
  }
  std::vector<double> local(kSectors, 0), window;
  for (int k = 0; k < kSectors; ++k) {
    window.clear();
    for (int j = -kHalfWindow; j <= kHalfWindow; ++j) {
      const double r = sector_median[static_cast<std::size_t>((k + j + kSectors) % kSectors)];
      if (r >= 0) window.push_back(r);
    }
    if (window.empty()) continue;
    auto mid = window.begin() + static_cast<std::ptrdiff_t>(window.size() / 2);
    std::nth_element(window.begin(), mid, window.end());
    local[static_cast<std::size_t>(k)] = *mid;
  }
  std::vector<cv::Point> agree;
  agree.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double r_body = local[static_cast<std::size_t>(sector[i])];
    if (std::abs(radius[i] - r_body) <= std::max(kMinOutlierPx, kOutlierShare * r_body))
      agree.push_back(contour[i]);
  }
  out.ellipse = fit_ellipse(agree.size() >= 5 ? agree : contour);
  const RadialOffset offset(out.ellipse);
  const double tolerance = std::max(kMinOutlierPx, kOutlierShare * out.ellipse.size.height / 2);
  body.clear();
  out.protrusion.clear();
  out.protrusion_height_px.clear();
  double sum2 = 0;
  for (const cv::Point& p : contour) {
    const double beyond = offset(p);
    if (beyond > tolerance) {
      out.protrusion.push_back(p);
      out.protrusion_height_px.push_back(beyond);
    } else {
      body.push_back(p);
      if (beyond > -tolerance) sum2 += beyond * beyond;
    }
  }
  if (body.size() < 5) body = contour;
  out.residual_rms_px = std::sqrt(sum2 / std::max<std::size_t>(1, agree.size()));
}

// Largest caliper width over the hull, and the width perpendicular to it, with the outline
// moved out to the true edge on both sides.
void feret(Outline& out, double edge_offset_px) {
  const auto& h = out.body_hull;
  double best = 0;
  cv::Point2d axis(1, 0);
  for (std::size_t i = 0; i < h.size(); ++i) {
    for (std::size_t j = i + 1; j < h.size(); ++j) {
      const double dx = h[j].x - h[i].x, dy = h[j].y - h[i].y;
      const double len2 = dx * dx + dy * dy;
      if (len2 > best) {
        best = len2;
        out.major_a = h[i];
        out.major_b = h[j];
      }
    }
  }
  const double len = std::sqrt(best);
  if (len > 0) axis = (out.major_b - out.major_a) / len;
  double lo = 1e18, hi = -1e18;
  for (const cv::Point& p : h) {
    const double s = -axis.y * p.x + axis.x * p.y;
    lo = std::min(lo, s);
    hi = std::max(hi, s);
  }
  out.major_px = len + 2 * edge_offset_px;
  out.minor_px = hi - lo + 2 * edge_offset_px;
}

}  // namespace

Outline measure_outline(const std::vector<cv::Point>& contour, double edge_offset_px) {
  Outline out;
  std::vector<cv::Point> body;
  fit_body(contour, out, body);
  std::vector<cv::Point> whole_hull;
  cv::convexHull(contour, whole_hull);
  out.solidity = cv::contourArea(contour) / std::max(1.0, cv::contourArea(whole_hull));
  if (out.protrusion.empty()) out.body_hull = std::move(whole_hull);
  else cv::convexHull(body, out.body_hull);
  feret(out, edge_offset_px);
  return out;
}

}  // namespace coldsort::vision::detail
