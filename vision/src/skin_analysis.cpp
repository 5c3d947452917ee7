#include "skin_analysis.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "pixel_hue.hpp"
#include "skin_regions.hpp"

namespace coldsort::vision::detail {
namespace {

// Skin darker than this share of the fruit's own shaded brightness is a dark defect. Sound
// pomegranate skin varies by about +-15 % around the shading model; bruises sit at 40-60 %
// and rot below 40 % of it.
constexpr double kDarkRatio = 0.68;
// Sun-scald and healed scars are orange-brown, hue ~18-46 deg. Skin yellower than that is
// the variety's ground colour showing through the red: it lowers the colour share but is
// not a defect, and neither is the orange band where the red blends into it. A light
// defect must also differ from the fruit's own median hue (a brown kiwi is not sunburnt)
// and carry some colour (white stickers and lamp highlights are grey).
constexpr int kLightDefectHueMin = 18, kLightDefectHueMax = 46;
constexpr double kLightDefectHueOverSkin = 12;
constexpr double kMinDefectSaturation = 0.2;
// ...and no more than this: sun-scald and scars are dull (saturation <= ~0.5), printed
// stickers and labels are vivid.
constexpr double kMaxDefectSaturation = 0.68;
// Pixels with a channel at or above this are clipped: the skin under them is not seen.
constexpr int kClipped = 250;

// V ~ c0 + c1 u + c2 v + c3 (u^2 + v^2) over the fruit (u, v from its centre, in radii): a
// lit sphere darkens toward its rim, a lamp off to one side adds a gradient. The rim term
// is held to darkening (c3 <= 0): a free quadratic would fit a bowl around a large central
// bruise and call the bruise sound skin.
struct Shading {
  double c[4] = {0, 0, 0, 0};
  cv::Point2d centre;
  double scale = 1;
  double at(double x, double y) const {
    const double u = (x - centre.x) * scale, v = (y - centre.y) * scale;
    return c[0] + c[1] * u + c[2] * v + c[3] * (u * u + v * v);
  }
};

struct Sample {
  float x, y, v, hue;
};


// The pixel's skin class for light defects: 0 none, 1 orange-brown (a light defect
// candidate), 2 the yellow ground colour. With red the largest channel,
// hue = 60 (G - B) / (R - B); integer compares keep the per-pixel test cheap.
int light_class(const cv::Vec3b& p, int hue_min) {
  const int r = p[2], g = p[1], b = p[0];
  if (r < g || r <= b) return 0;
  const int chroma = r - b;
  const int g60 = 60 * (g - b);
  // The ground colour is often pale cream: half the colour a defect needs still counts.
  if (g60 > kLightDefectHueMax * chroma) return chroma >= kMinDefectSaturation / 2 * r ? 2 : 0;
  if (chroma < kMinDefectSaturation * r) return 0;
  const bool vivid = chroma > kMaxDefectSaturation * r;
  return g60 >= hue_min * chroma && !vivid ? 1 : 0;
}

// Least squares over the samples in `use`, with the rim term fixed at zero when asked.
bool solve_shading(const std::vector<Sample>& samples, const std::vector<char>& use, bool flat,
                   Shading& s) {
  const int n = flat ? 3 : 4;
  cv::Matx44d ata = cv::Matx44d::zeros();
  cv::Vec4d atb = cv::Vec4d::all(0);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!use[i]) continue;
    const double u = (samples[i].x - s.centre.x) * s.scale, v = (samples[i].y - s.centre.y) * s.scale;
    const double f[4] = {1, u, v, u * u + v * v};
    for (int r = 0; r < n; ++r) {
      atb[r] += f[r] * samples[i].v;
      for (int c = 0; c < n; ++c) ata(r, c) += f[r] * f[c];
    }
  }
  if (flat) ata(3, 3) = 1;  // c3 = 0
  cv::Vec4d x;
  if (!cv::solve(ata, atb, x, cv::DECOMP_CHOLESKY)) return false;
  for (int k = 0; k < 4; ++k) s.c[k] = x[k];
  return true;
}

Shading fit_shading(const std::vector<Sample>& samples, const cv::Point2d& centre, double radius) {
  Shading s;
  s.centre = centre;
  s.scale = 1.0 / std::max(1.0, radius);
  std::vector<char> use(samples.size(), 1);
  for (int pass = 0; pass < 3; ++pass) {
    if (!solve_shading(samples, use, false, s)) break;
    if (s.c[3] > 0 && !solve_shading(samples, use, true, s)) break;
    // Refit without the pixels that are not sound skin (defects, highlights, the crown):
    // those far from the fit, measured against the spread of the sound majority.
    std::vector<double> residual(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i)
      residual[i] = samples[i].v / std::max(1.0, s.at(samples[i].x, samples[i].y)) - 1;
    std::vector<double> spread(residual);
    for (double& r : spread) r = std::abs(r);
    auto mid = spread.begin() + static_cast<std::ptrdiff_t>(spread.size() / 2);
    std::nth_element(spread.begin(), mid, spread.end());
    const double limit = std::clamp(3.0 * 1.4826 * *mid, 0.05, 0.2);
    for (std::size_t i = 0; i < samples.size(); ++i) use[i] = std::abs(residual[i]) <= limit;
  }
  return s;
}

// The body shrunk toward its centre: the limb of a sphere is dark and its edge pixels are
// part background, neither says anything about the skin.
cv::Mat inner_mask(cv::Size size, const Outline& outline) {
  const cv::Point2d c = outline.ellipse.center;
  const double radius = outline.minor_px / 2;
  const double margin = std::max(2.0, 0.03 * radius);
  const double k = std::max(0.1, 1.0 - margin / std::max(1.0, radius));
  std::vector<cv::Point> shrunk;
  shrunk.reserve(outline.body_hull.size());
  for (const cv::Point& p : outline.body_hull)
    shrunk.emplace_back(cvRound(c.x + (p.x - c.x) * k), cvRound(c.y + (p.y - c.y) * k));
  cv::Mat mask = cv::Mat::zeros(size, CV_8U);
  if (shrunk.size() >= 3) cv::fillConvexPoly(mask, shrunk, 255);
  return mask;
}

std::vector<Sample> sample_skin(const cv::Mat& bgr, const cv::Mat& value, const cv::Mat& inner,
                                int step) {
  std::vector<Sample> samples;
  for (int y = 0; y < bgr.rows; y += step) {
    const auto* p = bgr.ptr<cv::Vec3b>(y);
    const uchar* v = value.ptr<uchar>(y);
    const uchar* m = inner.ptr<uchar>(y);
    for (int x = 0; x < bgr.cols; x += step)
      if (m[x]) samples.push_back({float(x), float(y), float(v[x]), static_cast<float>(hue_deg(p[x]))});
  }
  return samples;
}

double median_hue(std::vector<Sample> samples) {
  if (samples.empty()) return 0;
  auto mid = samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2);
  std::nth_element(samples.begin(), mid, samples.end(),
                   [](const Sample& a, const Sample& b) { return a.hue < b.hue; });
  return mid->hue;
}

bool in_range(const core::ColourProfile& c, const cv::Vec3b& p) {
  const int mx = std::max({p[0], p[1], p[2]}), mn = std::min({p[0], p[1], p[2]});
  if (mx == 0) return false;
  const double sat = double(mx - mn) / mx;
  if (sat < c.min_saturation) return false;
  double hue = hue_deg(p);
  if (hue < 0) hue += 360;
  if (c.hue_min_deg <= c.hue_max_deg) return hue >= c.hue_min_deg && hue <= c.hue_max_deg;
  return hue >= c.hue_min_deg || hue <= c.hue_max_deg;
}

void colour_statistics(const cv::Mat& bgr, const cv::Mat& inner, const cv::Mat& not_skin,
                       const SkinOptions& options, SkinFindings& out) {
  double sum[3] = {0, 0, 0};
  long n = 0, in_colour = 0;
  std::vector<uchar> values;
  // Every third pixel each way: ~10,000 skin samples for a 90 mm fruit at 3.6 px/mm.
  for (int y = 0; y < bgr.rows; y += 3) {
    const auto* p = bgr.ptr<cv::Vec3b>(y);
    const uchar* m = inner.ptr<uchar>(y);
    const uchar* bad = not_skin.ptr<uchar>(y);
    for (int x = 0; x < bgr.cols; x += 3) {
      if (!m[x] || bad[x]) continue;
      for (int c = 0; c < 3; ++c) sum[c] += p[x][c];
      values.push_back(std::max({p[x][0], p[x][1], p[x][2]}));
      if (options.colour != nullptr && in_range(*options.colour, p[x])) ++in_colour;
      ++n;
    }
  }
  if (n == 0) return;
  out.mean_bgr = cv::Scalar(sum[0] / n, sum[1] / n, sum[2] / n);
  out.colour_share = options.colour != nullptr ? double(in_colour) / n : 0;
  std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
  out.median_v = values[values.size() / 2];
}

}  // namespace

namespace {

SkinFindings analyse_at(const FruitRegion& region, const Outline& outline,
                        const SkinOptions& options, double scale) {
  SkinFindings out;
  const cv::Mat& bgr = region.bgr;
  const cv::Mat inner = inner_mask(bgr.size(), outline);
  const double radius = outline.minor_px / 2;
  // ~2,000 samples fix six coefficients well; more only cost time.
  const int step = std::max(2, static_cast<int>(radius / 20));
  // Candidates are judged on a lightly smoothed copy: sensor noise would otherwise shred
  // soft-edged defects into specks that the opening below then removes.
  cv::Mat smooth;
  cv::blur(bgr, smooth, scale > 1 ? cv::Size(3, 3) : cv::Size(5, 5));
  const cv::Mat smooth_v = channel_max(smooth);
  const std::vector<Sample> samples = sample_skin(smooth, smooth_v, inner, step);
  if (samples.size() < 20) return out;
  const Shading shading = fit_shading(samples, outline.ellipse.center, radius);
  const int hue_min = static_cast<int>(std::max<double>(kLightDefectHueMin,
                                                        median_hue(samples) + kLightDefectHueOverSkin));

  // One pass over the fruit: dark and yellow candidates, and clipped highlights. Along a
  // row the shading model is a quadratic in x, stepped by forward differences.
  cv::Mat dark = cv::Mat::zeros(bgr.size(), CV_8U), light = cv::Mat::zeros(bgr.size(), CV_8U);
  cv::Mat ground = cv::Mat::zeros(bgr.size(), CV_8U);
  cv::Mat darkness = cv::Mat::zeros(bgr.size(), CV_8U);  // V / expected, x100, where dark
  long fruit_px = 0, clipped = 0;
  const double k = shading.scale;
  for (int y = 0; y < bgr.rows; ++y) {
    const auto* p = smooth.ptr<cv::Vec3b>(y);
    const uchar* v = smooth_v.ptr<uchar>(y);
    const uchar* raw_v = region.value.ptr<uchar>(y);
    const uchar* m = inner.ptr<uchar>(y);
    uchar* d = dark.ptr<uchar>(y);
    uchar* l = light.ptr<uchar>(y);
    uchar* gr = ground.ptr<uchar>(y);
    uchar* ratio = darkness.ptr<uchar>(y);
    const double vy = (y - shading.centre.y) * k, u0 = -shading.centre.x * k;
    // e(x) = a + b u + c u^2 with u = u0 + k x.
    const double a = shading.c[0] + shading.c[2] * vy + shading.c[3] * vy * vy;
    const double b = shading.c[1], c = shading.c[3];
    double e = a + b * u0 + c * u0 * u0;
    double de = b * k + c * k * (2 * u0 + k), dde = 2 * c * k * k;
    for (int x = 0; x < bgr.cols; ++x, e += de, de += dde) {
      if (!m[x]) continue;
      ++fruit_px;
      clipped += raw_v[x] >= kClipped;
      const double expected = std::max(8.0, e);
      if (v[x] < kDarkRatio * expected) {
        d[x] = 255;
        ratio[x] = static_cast<uchar>(100.0 * v[x] / expected);
      } else if (const int kind = light_class(p[x], hue_min); kind == 1) {
        l[x] = 255;
      } else if (kind == 2) {
        gr[x] = 255;
      }
    }
  }
  out.clipped_share = fruit_px > 0 ? double(clipped) / fruit_px : 0;
  RegionContext ctx{region, outline, options.px_per_mm, options.min_defect_mm2, darkness, ground, smooth, scale};
  cv::Mat not_skin = dark | light;
  find_regions(dark, /*is_dark=*/true, ctx, out);
  find_regions(light, /*is_dark=*/false, ctx, out);
  colour_statistics(bgr, inner, not_skin, options, out);
  return out;
}

}  // namespace

// Above this scale the skin is analysed at half size: a 6 mm2 defect still covers ~20
// pixels there, and a quarter of the pixels cost a quarter of the time. Half-size pixels
// averaged 2x2 are also half the sensor noise.
constexpr double kHalfSizeFromPxPerMm = 3.0;

SkinFindings analyse_skin(const FruitRegion& region, const Outline& outline,
                          const SkinOptions& options) {
  if (options.px_per_mm < kHalfSizeFromPxPerMm || region.bgr.cols < 8 || region.bgr.rows < 8)
    return analyse_at(region, outline, options, 1);
  const cv::Size half(region.bgr.cols / 2, region.bgr.rows / 2);
  FruitRegion small;
  small.roi = region.roi;
  cv::resize(region.bgr, small.bgr, half, 0, 0, cv::INTER_AREA);
  cv::resize(region.value, small.value, half, 0, 0, cv::INTER_AREA);
  Outline o = outline;
  o.ellipse = cv::RotatedRect(outline.ellipse.center * 0.5f, outline.ellipse.size * 0.5f,
                              outline.ellipse.angle);
  for (cv::Point& p : o.body_hull) p = cv::Point(p.x / 2, p.y / 2);
  for (cv::Point& p : o.protrusion) p = cv::Point(p.x / 2, p.y / 2);
  for (double& h : o.protrusion_height_px) h /= 2;
  o.major_px /= 2;
  o.minor_px /= 2;
  SkinOptions half_options = options;
  half_options.px_per_mm = options.px_per_mm / 2;
  return analyse_at(small, o, half_options, 2);
}

}  // namespace coldsort::vision::detail
