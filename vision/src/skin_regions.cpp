#include "skin_regions.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "pixel_hue.hpp"

namespace coldsort::vision::detail {
namespace {

using core::DefectKind;

// A crack is long and thin: length at least this many times its width, and 8 mm long.
constexpr double kCrackElongation = 3.5;
constexpr double kCrackMinLengthMm = 8;
// Rot is darker than a bruise: below this share of the sound skin's shaded brightness.
constexpr double kRotDarkness = 0.40;
// A healed scar is small; larger yellow-brown patches are sun damage.
constexpr double kScarMaxMm2 = 60;
// The crown of a pomegranate seen end-on: a dark star 8-30 mm across whose 5-8 sepals cut
// notches into its outline, around the crown's much darker open centre. A bruise is evenly
// moderately dark, rot evenly very dark; neither has both a black core and sepals.
constexpr double kCalyxMinMm = 8, kCalyxMaxMm = 30, kCalyxNotchMm = 0.6;
constexpr int kCalyxMinNotches = 2;
constexpr int kCoreDarkness = 25;  // x100 of the sound skin's brightness
constexpr double kMinCoreShare = 0.05, kMaxCoreShare = 0.5;
// Seen side-on, the crown's dark base inside the outline is no wider than its tube, and the
// crown stands well out of the outline (7-13 mm on Huili fruit).
constexpr double kCalyxBaseMinMm = 3, kCalyxBaseMaxMm = 20, kCrownStandsOutMm = 2.5;
// The crown's tube is up to ~8 mm wide: its dark base lies that close to the part that
// stands out. Pieces of the crown (sepal tips the threshold cut off) lie within this much
// of the crown region's rim.
constexpr double kCrownReachMm = 8, kCrownPiecesMm = 5;
// A light patch with this much yellow ground colour in and around it is the band where the
// red blends into it, not sun damage.
constexpr double kMaxGroundAround = 0.12;
// Sun-scald and scars have a border, if a soft one: well inside them the hue sits this far
// above the skin 5 mm outside. The ground colour fades in over a centimetre or more, so
// 5 mm out it is still half way there and the step is small.
constexpr double kMinHueStepDeg = 18;
// Foreshortening correction stops at 70 degrees: beyond it the limb hides more than it shows.
constexpr double kMinCosine = 0.34;

// Elongation (long / short axis) of a region from its second moments: a line of length L
// and width w gives L / w.
double elongation(const cv::Moments& m) {
  if (m.m00 <= 0) return 1;
  const double cxx = m.mu20 / m.m00, cyy = m.mu02 / m.m00, cxy = m.mu11 / m.m00;
  const double tr = cxx + cyy, det = cxx * cyy - cxy * cxy;
  const double disc = std::sqrt(std::max(0.0, tr * tr / 4 - det));
  const double l1 = tr / 2 + disc, l2 = std::max(1e-6, tr / 2 - disc);
  return std::sqrt(l1 / l2);
}

// Share of the candidate pixels in the region's box that are black (the crown's opening).
double core_share(const cv::Mat& candidates, const cv::Mat& darkness, const cv::Rect& box) {
  long n = 0, core = 0;
  for (int y = box.y; y < box.y + box.height; ++y) {
    const uchar* c = candidates.ptr<uchar>(y);
    const uchar* d = darkness.ptr<uchar>(y);
    for (int x = box.x; x < box.x + box.width; ++x)
      if (c[x]) ++n, core += d[x] < kCoreDarkness;
  }
  return n > 0 ? double(core) / n : 0;
}

// Mean of `darkness` over the candidate pixels inside the region's box.
double mean_darkness(const cv::Mat& candidates, const cv::Mat& darkness, const cv::Rect& box) {
  double sum = 0;
  long n = 0;
  for (int y = box.y; y < box.y + box.height; ++y) {
    const uchar* c = candidates.ptr<uchar>(y);
    const uchar* d = darkness.ptr<uchar>(y);
    for (int x = box.x; x < box.x + box.width; ++x)
      if (c[x]) sum += d[x], ++n;
  }
  return n > 0 ? sum / n / 100.0 : 1.0;
}

double normalised_radius(const Outline& o, cv::Point2d p) {
  const double a = std::max(1.0, o.ellipse.size.width / 2.0), b = std::max(1.0, o.ellipse.size.height / 2.0);
  const double t = o.ellipse.angle * CV_PI / 180.0;
  const double dx = p.x - o.ellipse.center.x, dy = p.y - o.ellipse.center.y;
  const double u = (dx * std::cos(t) + dy * std::sin(t)) / a;
  const double v = (-dx * std::sin(t) + dy * std::cos(t)) / b;
  return std::hypot(u, v);
}

int notches(const std::vector<cv::Point>& outline, double min_depth_px) {
  if (outline.size() < 5) return 0;
  std::vector<int> hull;
  cv::convexHull(outline, hull, false, false);
  if (hull.size() < 4) return 0;
  std::sort(hull.begin(), hull.end());
  std::vector<cv::Vec4i> defects;
  cv::convexityDefects(outline, hull, defects);
  int n = 0;
  for (const cv::Vec4i& d : defects) n += d[3] / 256.0 >= min_depth_px;
  return n;
}

// Share of yellow ground colour inside the region's outline and in a band around it. A
// light patch in the ground colour's company is the band where red blends into yellow
// (its outline then encloses the yellow), not sun damage on red skin.
double ground_share(const std::vector<cv::Point>& outline, const cv::Mat& ground) {
  constexpr int kBand = 4;
  const cv::Rect box = (cv::boundingRect(outline) + cv::Size(2 * kBand, 2 * kBand) -
                        cv::Point(kBand, kBand)) & cv::Rect(0, 0, ground.cols, ground.rows);
  cv::Mat area = cv::Mat::zeros(box.size(), CV_8U);
  const std::vector<std::vector<cv::Point>> shapes{outline};
  cv::drawContours(area, shapes, 0, 255, cv::FILLED, cv::LINE_8, cv::noArray(), 0, -box.tl());
  cv::drawContours(area, shapes, 0, 255, 2 * kBand + 1, cv::LINE_8, cv::noArray(), 0, -box.tl());
  const int total = cv::countNonZero(area);
  const int yellow = cv::countNonZero(area & ground(box));
  return total > 0 ? double(yellow) / total : 0;
}

// Median over the outline of the hue inside (40 % of the way to the region's centre) minus
// the hue 5 mm outside.
double hue_step(const std::vector<cv::Point>& outline, cv::Point2d centre, const cv::Mat& bgr,
                double px_per_mm) {
  std::vector<double> steps;
  const std::size_t step = std::max<std::size_t>(1, outline.size() / 40);
  const cv::Rect frame(0, 0, bgr.cols, bgr.rows);
  for (std::size_t i = 0; i < outline.size(); i += step) {
    cv::Point2d d = centre - cv::Point2d(outline[i]);
    const double len = std::hypot(d.x, d.y);
    if (len < 1) continue;
    d /= len;
    const double in = 0.4 * len, out = 5 * px_per_mm;
    const cv::Point a(cvRound(outline[i].x + in * d.x), cvRound(outline[i].y + in * d.y));
    const cv::Point b(cvRound(outline[i].x - out * d.x), cvRound(outline[i].y - out * d.y));
    if (frame.contains(a) && frame.contains(b))
      steps.push_back(hue_deg(bgr.at<cv::Vec3b>(a)) - hue_deg(bgr.at<cv::Vec3b>(b)));
  }
  if (steps.empty()) return 0;
  auto mid = steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2);
  std::nth_element(steps.begin(), mid, steps.end());
  return *mid;
}

// True when the outline has a protrusion standing well out of the body (a crown, not the
// lip of a dent) within `px` of the box.
bool near_protrusion(const Outline& o, const cv::Rect& box, double px, double stands_out_px) {
  const cv::Rect grown(box.x - int(px), box.y - int(px), box.width + 2 * int(px), box.height + 2 * int(px));
  for (std::size_t i = 0; i < o.protrusion.size(); ++i)
    if (o.protrusion_height_px[i] >= stands_out_px && grown.contains(o.protrusion[i])) return true;
  return false;
}

std::vector<PointPx> to_frame(const std::vector<cv::Point>& pts, cv::Point offset, double scale) {
  std::vector<PointPx> out;
  out.reserve(pts.size());
  for (const cv::Point& p : pts) out.push_back({p.x * scale + offset.x, p.y * scale + offset.y});
  return out;
}

}  // namespace

double surface_area_from_projected(double projected, double rho) {
  const double cosine = std::sqrt(std::max(0.0, 1.0 - rho * rho));
  return projected / std::max(kMinCosine, cosine);
}

namespace {

struct Candidate {
  const std::vector<cv::Point>* outline;
  cv::Rect box;
  cv::Point2d centre;
  double area_px, area_mm2, stretch;
};

// The crown, if one of the dark regions is it: the largest that looks like a crown end-on
// (a star around a black core) or like the base of a crown standing out of the outline.
int find_crown(const std::vector<Candidate>& regions, const cv::Mat& candidates,
               const RegionContext& ctx) {
  int best = -1;
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const Candidate& c = regions[i];
    const double across_mm = 2 * std::sqrt(c.area_mm2 / CV_PI);
    const bool crown_sized = across_mm >= kCalyxMinMm && across_mm <= kCalyxMaxMm;
    const double core = crown_sized ? core_share(candidates, ctx.darkness, c.box) : 0;
    const bool star = crown_sized && core >= kMinCoreShare && core <= kMaxCoreShare &&
                      notches(*c.outline, kCalyxNotchMm * ctx.px_per_mm) >= kCalyxMinNotches;
    const bool base = across_mm >= kCalyxBaseMinMm && across_mm <= kCalyxBaseMaxMm &&
                      near_protrusion(ctx.outline, c.box, kCrownReachMm * ctx.px_per_mm,
                                      kCrownStandsOutMm * ctx.px_per_mm);
    if ((star || base) && (best < 0 || c.area_px > regions[static_cast<std::size_t>(best)].area_px))
      best = static_cast<int>(i);
  }
  return best;
}

}  // namespace

void find_regions(cv::Mat& candidates, bool is_dark, const RegionContext& ctx, SkinFindings& out) {
  // A 3x3 opening removes single-pixel noise without eating thin cracks (>= 1.5 mm wide).
  cv::morphologyEx(candidates, candidates, cv::MORPH_OPEN, cv::Mat::ones(3, 3, CV_8U));
  // Candidates are sparse: tracing their outlines is far cheaper than labelling every pixel.
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(candidates, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  const double mm2_per_px = 1.0 / (ctx.px_per_mm * ctx.px_per_mm);
  const cv::Point offset = ctx.region.roi.tl();
  std::vector<Candidate> regions;
  for (const std::vector<cv::Point>& outline : contours) {
    const cv::Moments moments = cv::moments(outline);
    // The outline runs through boundary pixel centres: add half the perimeter for the
    // half pixels outside it.
    const double area_px = moments.m00 + cv::arcLength(outline, true) / 2;
    if (area_px * mm2_per_px < ctx.min_defect_mm2 * 0.5) continue;
    const cv::Rect box = cv::boundingRect(outline);
    const cv::Point2d centre = moments.m00 > 0
                                   ? cv::Point2d(moments.m10 / moments.m00, moments.m01 / moments.m00)
                                   : cv::Point2d(box.x + box.width / 2.0, box.y + box.height / 2.0);
    regions.push_back({&outline, box, centre, area_px, area_px * mm2_per_px, elongation(moments)});
  }
  const int crown = is_dark && out.calyx.empty() ? find_crown(regions, candidates, ctx) : -1;
  double crown_reach_px = 0;
  cv::Point2d crown_centre;
  if (crown >= 0) {
    const Candidate& c = regions[static_cast<std::size_t>(crown)];
    out.calyx = to_frame(*c.outline, offset, ctx.scale);
    crown_centre = c.centre;
    crown_reach_px = std::sqrt(c.area_px / CV_PI) + kCrownPiecesMm * ctx.px_per_mm;
  }
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const Candidate& c = regions[i];
    if (crown >= 0 && cv::norm(c.centre - crown_centre) <= crown_reach_px) continue;  // the crown
    if (c.area_mm2 < ctx.min_defect_mm2) continue;
    if (!is_dark && (ground_share(*c.outline, ctx.ground) > kMaxGroundAround ||
                     hue_step(*c.outline, c.centre, ctx.smooth, ctx.px_per_mm) < kMinHueStepDeg))
      continue;
    DefectRegion r;
    const double length_mm = std::sqrt(c.area_px * c.stretch) / ctx.px_per_mm;
    const bool crack = c.stretch >= kCrackElongation && length_mm >= kCrackMinLengthMm;
    if (is_dark) {
      r.kind = crack ? DefectKind::crack
               : mean_darkness(candidates, ctx.darkness, c.box) < kRotDarkness ? DefectKind::rot
                                                                                : DefectKind::bruise;
    } else {
      r.kind = c.area_mm2 <= kScarMaxMm2 || crack ? DefectKind::scar : DefectKind::sunburn;
    }
    const double rho = normalised_radius(ctx.outline, c.centre);
    r.area_mm2 = surface_area_from_projected(c.area_mm2, std::min(rho, 1.0));
    r.centre = {c.centre.x * ctx.scale + offset.x, c.centre.y * ctx.scale + offset.y};
    r.surface_mm = {(c.centre.x - ctx.outline.ellipse.center.x) / ctx.px_per_mm,
                    (c.centre.y - ctx.outline.ellipse.center.y) / ctx.px_per_mm};
    r.outline = to_frame(*c.outline, offset, ctx.scale);
    out.defects.push_back(std::move(r));
  }
}

}  // namespace coldsort::vision::detail
