// Scale from a disc of known diameter: segment it, fit an ellipse to its outline, then move
// each outline point to where the brightness crosses halfway between disc and ground
// (sub-pixel), and fit again. A pixel-grid outline sits about half a pixel inside the true
// edge, which on a 100 px disc is already a 1 % error in px/mm.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <vector>

#include "coldsort/vision/calibration.hpp"
#include "pixels.hpp"

namespace coldsort::vision {
namespace {

constexpr double kMinDiscAreaPx = 200;   // ~16 px across: too small to measure to 0.5 %
constexpr double kMinCircularity = 0.7;  // 4*pi*A/P^2: 1 for a circle, ~0.95 at 0.75 aspect
constexpr double kSearchPx = 4;          // how far each ray looks around the first fit
constexpr double kSearchStepPx = 0.25;
constexpr double kMinEdgeShare = 0.6;  // rays that must find the edge
constexpr double kMinContrast = 20;    // grey levels between disc and ground (of 255)

struct Candidate {
  std::vector<cv::Point> contour;
  bool dark = false;
  double area = 0;
};

bool touches_border(const cv::Rect& box, cv::Size size) {
  return box.x <= 0 || box.y <= 0 || box.x + box.width >= size.width ||
         box.y + box.height >= size.height;
}

// The largest round blob of either polarity that lies wholly inside the image.
std::optional<Candidate> find_disc(const cv::Mat& gray) {
  cv::Mat smooth, bright;
  cv::GaussianBlur(gray, smooth, {5, 5}, 0);
  cv::threshold(smooth, bright, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  std::optional<Candidate> best;
  for (bool dark : {false, true}) {
    cv::Mat mask = dark ? ~bright : bright;
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
    for (auto& c : contours) {
      const double area = cv::contourArea(c);
      const double perimeter = cv::arcLength(c, true);
      if (area < kMinDiscAreaPx || c.size() < 5 || touches_border(cv::boundingRect(c), gray.size()))
        continue;
      if (4 * CV_PI * area / (perimeter * perimeter) < kMinCircularity) continue;
      if (!best || area > best->area) best = Candidate{std::move(c), dark, area};
    }
  }
  return best;
}

float sample(const cv::Mat& img, double x, double y) {
  const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  if (x0 < 0 || y0 < 0 || x0 + 1 >= img.cols || y0 + 1 >= img.rows) return NAN;
  const float fx = static_cast<float>(x - x0), fy = static_cast<float>(y - y0);
  const float* r0 = img.ptr<float>(y0);
  const float* r1 = img.ptr<float>(y0 + 1);
  return (r0[x0] * (1 - fx) + r0[x0 + 1] * fx) * (1 - fy) +
         (r1[x0] * (1 - fx) + r1[x0 + 1] * fx) * fy;
}

// Median grey level inside (scale < 1) or in a ring outside (scale > 1) the ellipse.
double level_near(const cv::Mat& gray, const cv::RotatedRect& e, double inner, double outer) {
  cv::Mat mask = cv::Mat::zeros(gray.size(), CV_8U);
  auto scaled = [&](double k) {
    return cv::RotatedRect(e.center, cv::Size2f(e.size.width * float(k), e.size.height * float(k)),
                           e.angle);
  };
  cv::ellipse(mask, scaled(outer), 255, cv::FILLED);
  if (inner > 0) cv::ellipse(mask, scaled(inner), 0, cv::FILLED);
  std::vector<uchar> values;
  for (int y = 0; y < gray.rows; ++y)
    for (int x = 0; x < gray.cols; ++x)
      if (mask.at<uchar>(y, x)) values.push_back(gray.at<uchar>(y, x));
  if (values.empty()) return NAN;
  std::nth_element(values.begin(), values.begin() + static_cast<long>(values.size() / 2),
                   values.end());
  return values[values.size() / 2];
}

// Distance from the centre to the ellipse along direction `theta` (radians, image axes).
double ellipse_radius(const cv::RotatedRect& e, double theta) {
  const double a = e.size.width / 2.0, b = e.size.height / 2.0;
  const double alpha = theta - e.angle * CV_PI / 180.0;
  return a * b / std::hypot(b * std::cos(alpha), a * std::sin(alpha));
}

// The outline moved to the half-level crossing along rays from the centre.
std::vector<cv::Point2f> subpixel_edge(const cv::Mat& gray_f, const cv::RotatedRect& e,
                                       double level, int rays) {
  std::vector<cv::Point2f> edge;
  for (int k = 0; k < rays; ++k) {
    const double theta = 2 * CV_PI * k / rays;
    const double ux = std::cos(theta), uy = std::sin(theta);
    const double r0 = ellipse_radius(e, theta);
    std::optional<double> best;
    double prev_s = r0 - kSearchPx;
    float prev = sample(gray_f, e.center.x + prev_s * ux, e.center.y + prev_s * uy);
    for (double s = prev_s + kSearchStepPx; s <= r0 + kSearchPx; s += kSearchStepPx) {
      const float v = sample(gray_f, e.center.x + s * ux, e.center.y + s * uy);
      if (std::isfinite(prev) && std::isfinite(v) && (prev - level) * (v - level) <= 0 &&
          prev != v) {
        const double hit = prev_s + (level - prev) / (v - prev) * kSearchStepPx;
        if (!best || std::abs(hit - r0) < std::abs(*best - r0)) best = hit;
      }
      prev = v;
      prev_s = s;
    }
    if (best)
      edge.emplace_back(static_cast<float>(e.center.x + *best * ux),
                        static_cast<float>(e.center.y + *best * uy));
  }
  return edge;
}

}  // namespace

DiscCalibration calibrate_from_disc(const Image& image, double disc_diameter_mm) {
  DiscCalibration out;
  const cv::Mat& bgr = mat_of(image);
  if (!(disc_diameter_mm > 0)) out.error = "the disc diameter must be positive";
  if (bgr.empty()) out.error = "no image";
  if (!out.ok()) return out;
  cv::Mat gray, gray_f;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  gray.convertTo(gray_f, CV_32F);
  auto disc = find_disc(gray);
  if (!disc) {
    out.error =
        "no whole round disc found (it must contrast with the ground and lie wholly "
        "inside the image)";
    return out;
  }
  cv::RotatedRect e = cv::fitEllipse(disc->contour);
  const double inside = level_near(gray, e, 0, 0.8);
  const double outside = level_near(gray, e, 1.15, 1.35);
  if (!(std::abs(inside - outside) >= kMinContrast)) {
    out.error = "the disc does not contrast enough with the ground around it";
    return out;
  }
  const int rays = std::clamp(static_cast<int>(cv::arcLength(disc->contour, true)), 90, 1440);
  // Twice: the second pass searches around an ellipse already within a fraction of a pixel.
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<cv::Point2f> edge = subpixel_edge(gray_f, e, (inside + outside) / 2, rays);
    if (edge.size() < kMinEdgeShare * rays) {
      out.error = "the disc's edge is not sharp or not uniform enough to measure";
      return out;
    }
    e = cv::fitEllipse(edge);
  }
  out.major_px = std::max(e.size.width, e.size.height);
  out.minor_px = std::min(e.size.width, e.size.height);
  out.roundness = out.minor_px / out.major_px;
  out.px_per_mm = (out.major_px + out.minor_px) / 2 / disc_diameter_mm;
  out.centre = {e.center.x, e.center.y};
  out.dark_disc = disc->dark;
  return out;
}

}  // namespace coldsort::vision
