#include "fruit_region.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace coldsort::vision::detail {
namespace {

using core::errc;

// Smaller than this is not a fruit (leaf, sticker, dirt): a ~39 mm disc, below any
// marketable pomegranate (Codex CXS 310-2013's smallest size code is far above it).
constexpr double kMinFruitAreaMm2 = 1200;
// A second object at least this share of the main fruit's area is a second fruit.
constexpr double kSecondFruitShare = 0.25;
// Fruit must stand out from the rollers by this much brightness (of 255).
constexpr double kMinContrast = 25;
// Lit rollers read 15-45 of 255; a frame whose median is below this is badly underexposed.
constexpr int kDarkFrameMedian = 12;
// ...and something in it at least this bright may be a fruit that cannot be seen properly.
constexpr int kDimObjectLevel = 20;
// ...and a frame with hardly anything above black (lit rollers never are) was not lit at all.
constexpr int kDeadFrameLevel = 6;
// The fruit grown into its shaded rim may be at most this much larger than its bright part.
constexpr double kMaxGrowth = 2.2;

int coarse_factor(const cv::Mat& bgr, const RegionOptions& options) {
  if (!options.use_roi) return 1;
  // Keep a fruit of the smallest size at least ~20 coarse pixels across.
  const double min_fruit_px = std::sqrt(kMinFruitAreaMm2) * options.px_per_mm;
  int f = 1;
  while (f < 8 && min_fruit_px / (f * 2) >= 20 && bgr.cols / (f * 2) >= 32) f *= 2;
  return f;
}

// A frame far darker than lit rollers ever are, yet with something dimly brighter in it:
// an empty cup cannot be told from a fruit there (the lamps failed or the shutter is off).
bool too_dark_to_tell(const cv::Mat& signal) {
  int histogram[256] = {0};
  for (int y = 0; y < signal.rows; ++y) {
    const uchar* s = signal.ptr<uchar>(y);
    for (int x = 0; x < signal.cols; ++x) ++histogram[s[x]];
  }
  const long total = static_cast<long>(signal.total());
  long seen = 0;
  int median = -1, p99 = 255;
  for (int v = 0; v < 256; ++v) {
    seen += histogram[v];
    if (median < 0 && seen * 2 >= total) median = v;
    if (seen * 100 >= total * 99) {
      p99 = v;
      break;
    }
  }
  // All but black is no empty cup either: the lamps or the camera are dead.
  return median < kDarkFrameMedian && (p99 >= kDimObjectLevel || p99 < kDeadFrameLevel);
}

struct Coarse {
  cv::Rect box;                    // in frame pixels
  std::vector<cv::Point> outline;  // approximate, in frame pixels
  bool second_fruit = false;
};

// The segmentation signal (see fruit_signal) at every factor-th pixel: enough to find a
// fruit many pixels across, and far cheaper than filtering the whole frame.
cv::Mat sampled_signal(const cv::Mat& bgr, int factor) {
  cv::Mat v(bgr.rows / factor, bgr.cols / factor, CV_8U);
  for (int y = 0; y < v.rows; ++y) {
    const auto* p = bgr.ptr<cv::Vec3b>(y * factor + factor / 2);
    uchar* out = v.ptr<uchar>(y);
    for (int x = 0; x < v.cols; ++x) {
      const cv::Vec3b& q = p[x * factor + factor / 2];
      const int mx = std::max({q[0], q[1], q[2]}), mn = std::min({q[0], q[1], q[2]});
      out[x] = static_cast<uchar>((2 * mx - mn) / 2);
    }
  }
  return v;
}

core::Result<Coarse> coarse_find(const cv::Mat& bgr, const RegionOptions& options, int factor,
                                 const cv::Mat& full_signal) {
  cv::Mat small_v = factor == 1 ? full_signal : sampled_signal(bgr, factor);
  cv::Mat fg;
  cv::threshold(small_v, fg, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  const double fg_mean = cv::mean(small_v, fg)[0], bg_mean = cv::mean(small_v, ~fg)[0];
  if (fg_mean - bg_mean < kMinContrast) return too_dark_to_tell(small_v) ? errc::low_confidence : errc::no_fruit;
  // Outlines, not labels: tracing a few blobs is cheaper than labelling every pixel.
  std::vector<std::vector<cv::Point>> blobs;
  cv::findContours(fg, blobs, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  const double px_area_mm2 = std::pow(factor / options.px_per_mm, 2);
  std::vector<double> areas;
  std::size_t best = 0;
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    areas.push_back(cv::contourArea(blobs[i]) + cv::arcLength(blobs[i], true) / 2);
    if (areas[i] > areas[best]) best = i;
  }
  if (blobs.empty() || areas[best] * px_area_mm2 < kMinFruitAreaMm2) return errc::no_fruit;
  Coarse c;
  for (std::size_t i = 0; i < blobs.size(); ++i)
    if (i != best && areas[i] >= kSecondFruitShare * areas[best] &&
        areas[i] * px_area_mm2 >= kMinFruitAreaMm2 / 2)
      c.second_fruit = true;
  for (const cv::Point& p : blobs[best])
    c.outline.emplace_back(p.x * factor + factor / 2, p.y * factor + factor / 2);
  const cv::Rect b = cv::boundingRect(blobs[best]);
  // Room for the shaded rim that the coarse threshold missed, so the outline rarely has to
  // be traced twice.
  const int margin = 2 * factor + 4 + static_cast<int>(0.12 * std::max(b.width, b.height) * factor);
  c.box = cv::Rect(b.x * factor - margin, b.y * factor - margin, b.width * factor + 2 * margin,
                   b.height * factor + 2 * margin) & cv::Rect(0, 0, bgr.cols, bgr.rows);
  return c;
}

std::vector<cv::Point> largest_contour(const cv::Mat& mask) {
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  std::vector<cv::Point> best;
  double best_area = 0;
  for (auto& c : contours) {
    const double a = cv::contourArea(c);
    if (a > best_area) best_area = a, best = std::move(c);
  }
  return best;
}

double median_of(std::vector<uchar>& v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

struct Levels {
  double inside = 0;   // median brightness at `depth` of the way in toward the centre
  double outside = 0;  // median brightness `reach_px` outside the outline
};

// Brightness either side of an outline, sampled along the line from each outline point to
// the outline's centre.
Levels levels_around(const cv::Mat& value, const std::vector<cv::Point>& contour,
                     double reach_px, double depth_share, double depth_px) {
  const cv::Moments m = cv::moments(contour);
  const cv::Point2d centre(m.m10 / std::max(1.0, m.m00), m.m01 / std::max(1.0, m.m00));
  std::vector<uchar> in, out;
  const cv::Rect frame(0, 0, value.cols, value.rows);
  const std::size_t step = std::max<std::size_t>(1, contour.size() / 200);
  for (std::size_t i = 0; i < contour.size(); i += step) {
    const cv::Point2d p = contour[i];
    cv::Point2d d = centre - p;
    const double len = std::hypot(d.x, d.y);
    if (len < 2 * reach_px) continue;
    d /= len;
    const double depth = std::max(depth_px, depth_share * len);
    const cv::Point pi(cvRound(p.x + depth * d.x), cvRound(p.y + depth * d.y));
    const cv::Point po(cvRound(p.x - reach_px * d.x), cvRound(p.y - reach_px * d.y));
    if (frame.contains(pi)) in.push_back(value.at<uchar>(pi));
    if (frame.contains(po)) out.push_back(value.at<uchar>(po));
  }
  return {median_of(in), median_of(out)};
}

}  // namespace

// Both with OpenCV's vectorised channel operations: a plain per-pixel loop over interleaved
// BGR does not vectorise and costs ten times as much (0.7 ms against 0.06 ms for a fruit's
// region at 3.6 px/mm, measured).
cv::Mat channel_max(const cv::Mat& bgr) {
  cv::Mat planes[3], v;
  cv::split(bgr, planes);
  cv::max(planes[0], planes[1], v);
  cv::max(v, planes[2], v);
  return v;
}

void value_and_signal(const cv::Mat& bgr, cv::Mat& value, cv::Mat& signal) {
  cv::Mat planes[3], low;
  cv::split(bgr, planes);
  cv::max(planes[0], planes[1], value);
  cv::max(value, planes[2], value);
  cv::min(planes[0], planes[1], low);
  cv::min(low, planes[2], low);
  cv::addWeighted(value, 1.0, low, -0.5, 0, signal);  // (2 max - min) / 2
}

// Bilinear sample of an 8-bit image; false outside it.
bool sample(const cv::Mat& img, double x, double y, double& v) {
  const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  if (x0 < 0 || y0 < 0 || x0 + 1 >= img.cols || y0 + 1 >= img.rows) return false;
  const double fx = x - x0, fy = y - y0;
  const uchar* a = img.ptr<uchar>(y0);
  const uchar* b = img.ptr<uchar>(y0 + 1);
  v = (a[x0] * (1 - fx) + a[x0 + 1] * fx) * (1 - fy) + (b[x0] * (1 - fx) + b[x0 + 1] * fx) * fy;
  return true;
}

// Where the fruit's edge really is, relative to the outline's pixel centres, in px along the
// outward normal (median over the outline). Along each normal the brightness profile is
// read from 6 px inside to 6 px outside, and the edge is where it crosses halfway between
// the two: a blur or a soft lens spreads an edge symmetrically, so halfway stays put
// whatever level traced the outline.
double edge_offset(const cv::Mat& signal, const std::vector<cv::Point>& contour) {
  constexpr int kReach = 6;
  const cv::Moments m = cv::moments(contour);
  const cv::Point2d centre(m.m10 / std::max(1.0, m.m00), m.m01 / std::max(1.0, m.m00));
  std::vector<double> offsets;
  const std::size_t step = std::max<std::size_t>(1, contour.size() / 90);
  for (std::size_t i = 0; i < contour.size(); i += step) {
    const cv::Point2d p = contour[i];
    cv::Point2d n = p - centre;
    const double len = std::hypot(n.x, n.y);
    if (len < 4 * kReach) continue;
    n /= len;
    double profile[2 * kReach + 1];
    bool ok = true;
    for (int t = -kReach; t <= kReach && ok; ++t)
      ok = sample(signal, p.x + t * n.x, p.y + t * n.y, profile[t + kReach]);
    if (!ok) continue;
    const double half = (profile[0] + profile[2 * kReach]) / 2;
    if (profile[0] - profile[2 * kReach] < kMinContrast / 2) continue;
    // The last crossing from above to below half, walking outward.
    for (int k = 2 * kReach; k > 0; --k) {
      if (profile[k - 1] >= half && profile[k] < half) {
        const double frac = (profile[k - 1] - half) / std::max(1e-6, profile[k - 1] - profile[k]);
        offsets.push_back(k - 1 - kReach + frac);
        break;
      }
    }
  }
  if (offsets.size() < 8) return 0.5;
  auto mid = offsets.begin() + static_cast<std::ptrdiff_t>(offsets.size() / 2);
  std::nth_element(offsets.begin(), mid, offsets.end());
  return std::clamp(*mid, -3.0, 3.0);
}

// Real fruit lit from above shades to almost black underneath, so one threshold halfway
// between background and fruit cuts off its lower part. Hysteresis instead: the fruit is
// everything a little brighter than the background that connects to its clearly bright
// part, unless that grows well beyond it (then the background joined in).
core::Result<void> trace_outline(FruitRegion& r, const std::vector<cv::Point>& approx, int factor) {
  const Levels coarse_levels = levels_around(r.signal, approx, 4 + factor, 0.2, 4);
  const double bg = coarse_levels.outside, fruit = coarse_levels.inside;
  if (fruit - bg < kMinContrast) return errc::no_fruit;
  const double high = (bg + fruit) / 2, low = bg + std::max(10.0, 0.15 * (fruit - bg));
  cv::Mat mask;
  cv::threshold(r.signal, mask, high, 255, cv::THRESH_BINARY);
  r.contour = largest_contour(mask);
  if (r.contour.size() < 5) return errc::no_fruit;
  cv::threshold(r.signal, mask, low, 255, cv::THRESH_BINARY);
  std::vector<cv::Point> grown = largest_contour(mask);
  if (grown.size() >= 5 && cv::contourArea(grown) <= kMaxGrowth * cv::contourArea(r.contour) &&
      cv::pointPolygonTest(grown, r.contour.front(), false) >= 0) {
    r.contour = std::move(grown);
  }
  const Levels edge = levels_around(r.signal, r.contour, 4, 0, 4);
  r.background_level = edge.outside;
  r.rim_level = edge.inside;
  r.edge_offset_px = edge_offset(r.signal, r.contour);
  return {};
}

core::Result<FruitRegion> find_fruit(const cv::Mat& bgr, const RegionOptions& options) {
  const int factor = coarse_factor(bgr, options);
  cv::Mat full_value, full_signal;
  if (factor == 1) {
    // The baseline converts the whole frame, as a first implementation would.
    cv::Mat hsv;
    cv::cvtColor(bgr, hsv, cv::COLOR_BGR2HSV);
    cv::extractChannel(hsv, full_value, 2);
    value_and_signal(bgr, full_value, full_signal);
  }
  auto coarse = coarse_find(bgr, options, factor, full_signal);
  if (!coarse) return coarse.error();
  FruitRegion r;
  r.second_fruit = coarse->second_fruit;
  r.roi = coarse->box;
  for (int attempt = 0;; ++attempt) {
    r.bgr = bgr(r.roi);
    if (factor == 1) {
      r.value = full_value(r.roi);
      r.signal = full_signal(r.roi);
    } else {
      value_and_signal(r.bgr, r.value, r.signal);
    }
    std::vector<cv::Point> approx;
    for (const cv::Point& p : coarse->outline) approx.push_back(p - r.roi.tl());
    auto traced = trace_outline(r, approx, factor);
    if (!traced) return traced.error();
    // The shaded part may reach beyond the box the coarse pass found: widen and retrace.
    const cv::Rect box = cv::boundingRect(r.contour);
    const cv::Rect frame(0, 0, bgr.cols, bgr.rows);
    const int grow_x = r.roi.width * 2 / 5, grow_y = r.roi.height * 2 / 5;
    cv::Rect wider = r.roi;
    if (box.x <= 0 && r.roi.x > 0) wider.x -= grow_x, wider.width += grow_x;
    if (box.y <= 0 && r.roi.y > 0) wider.y -= grow_y, wider.height += grow_y;
    if (box.br().x >= r.roi.width && r.roi.br().x < bgr.cols) wider.width += grow_x;
    if (box.br().y >= r.roi.height && r.roi.br().y < bgr.rows) wider.height += grow_y;
    wider &= frame;
    if (wider == r.roi || attempt == 2) break;
    r.roi = wider;
  }
  const double area_mm2 = cv::contourArea(r.contour) / (options.px_per_mm * options.px_per_mm);
  if (area_mm2 < kMinFruitAreaMm2) return errc::no_fruit;
  const cv::Rect box = cv::boundingRect(r.contour) + r.roi.tl();
  r.touches_border = box.x <= 0 || box.y <= 0 || box.br().x >= bgr.cols || box.br().y >= bgr.rows;
  return r;
}

}  // namespace coldsort::vision::detail
