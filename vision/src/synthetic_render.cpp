// Drawing the synthetic fruit: each pixel of the fruit's bounding box is traced onto the
// spheroid (orthographic camera), coloured from the skin model, its defects and sticker,
// and lit by the grader's lamps; the crown is drawn as projected polygons on top.
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include "seeded_random.hpp"
#include "synthetic_render.hpp"

namespace coldsort::vision::synth {

cv::Vec3f hsv_to_bgr(double hue_deg, double s, double v) {
  double h = std::fmod(std::fmod(hue_deg, 360) + 360, 360) / 60;
  const double c = v * s, x = c * (1 - std::abs(std::fmod(h, 2) - 1)), m = v - c;
  double r = 0, g = 0, b = 0;
  switch (static_cast<int>(h)) {
    case 0: r = c, g = x; break;
    case 1: r = x, g = c; break;
    case 2: g = c, b = x; break;
    case 3: g = x, b = c; break;
    case 4: r = x, b = c; break;
    default: r = c, b = x; break;
  }
  return {static_cast<float>(b + m), static_cast<float>(g + m), static_cast<float>(r + m)};
}

double coverage(const Silhouette& sil, double x_mm, double y_mm, double px_per_mm,
                double inside_q2) {
  const double gx = sil.sxx * x_mm + sil.sxy * y_mm, gy = sil.sxy * x_mm + sil.syy * y_mm;
  const double q2 = x_mm * gx + y_mm * gy;
  if (q2 < inside_q2) return 1;
  const double q = std::sqrt(q2);
  const double distance_px = (q - 1) * q / std::hypot(gx, gy) * px_per_mm;
  return std::clamp(0.5 - distance_px, 0.0, 1.0);
}

namespace {

using core::DefectKind;

// Under-coloured skin is a little brighter than the red.
constexpr double kUnderBrighter = 0.06;

struct Look {
  double hue = 0;  // signed degrees, -10..12
  double sat = 0, val = 0;
  double under_sat = 0;
  double under_level = 4;
  cv::Vec3f red, red_per_deg;        // the skin's red, and its change per degree of hue
  cv::Vec3f yellow, yellow_per_deg;  // the same for fully under-coloured skin
  Vec3 light, half;  // world, unit: toward the lamps, and halfway to the camera
  double spec = 0, shininess = 1;
};

struct DefectPaint {
  Patch patch;
  DefectKind kind = DefectKind::bruise;
  double hue = 0, sat = 0, val = 0;
  double phase_a = 0, phase_b = 0;
  bool halo = false;
};

struct StickerPaint {
  Patch patch;
  bool present = false;
  cv::Vec3f paper, ink;
  std::uint64_t seed = 0;
};

double smoothstep(double lo, double hi, double x) {
  double t = std::clamp((x - lo) / (hi - lo), 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

Look look_of(const FruitTruth& t) {
  SeededRandom rng(t.render_seed, 0x100Cu, 0);
  Look l;
  l.hue = t.hue_deg > 180 ? t.hue_deg - 360 : t.hue_deg;
  l.sat = t.saturation;
  l.val = t.value;
  l.under_sat = rng.uniform(0.3, 0.42);
  l.under_level = t.under_colour_level;
  l.red = hsv_to_bgr(l.hue, l.sat, l.val);
  l.red_per_deg = (hsv_to_bgr(l.hue + 0.5, l.sat, l.val) - hsv_to_bgr(l.hue - 0.5, l.sat, l.val));
  const double yellow_hue = 60 - l.hue, yellow_val = l.val * (1 + kUnderBrighter);
  l.yellow = hsv_to_bgr(yellow_hue, l.under_sat, yellow_val);
  l.yellow_per_deg = hsv_to_bgr(yellow_hue + 0.5, l.under_sat, yellow_val) -
                     hsv_to_bgr(yellow_hue - 0.5, l.under_sat, yellow_val);
  // Lamps above the lane, a little up-frame of the camera (y negative is up).
  l.light = normalized({rng.uniform(-0.35, 0.35), rng.uniform(-0.5, -0.1), 1});
  l.half = normalized(l.light + Vec3{0, 0, 1});
  l.spec = rng.uniform(0.18, 0.35);
  l.shininess = rng.uniform(15, 35);
  return l;
}

DefectPaint paint_of(const Spheroid& s, const DefectTruth& d, const Look& look,
                     SeededRandom& rng) {
  DefectPaint p;
  p.patch = patch_of(s, d);
  p.kind = d.kind;
  p.halo = d.halo;
  p.phase_a = rng.uniform(0, 2 * M_PI);
  p.phase_b = rng.uniform(0, 2 * M_PI);
  switch (d.kind) {
    case DefectKind::bruise:  // brown-red, dark
      p.hue = rng.uniform(5, 15), p.sat = rng.uniform(0.55, 0.7), p.val = look.val * rng.uniform(0.42, 0.58);
      break;
    case DefectKind::rot:  // brown-black
      p.hue = rng.uniform(15, 25), p.sat = rng.uniform(0.45, 0.6), p.val = look.val * rng.uniform(0.16, 0.28);
      break;
    case DefectKind::sunburn:  // lighter, yellow-brown
      p.hue = rng.uniform(30, 38), p.sat = rng.uniform(0.38, 0.5), p.val = std::min(0.95, look.val * rng.uniform(1.05, 1.18));
      break;
    case DefectKind::scar:  // tan, rough
      p.hue = rng.uniform(27, 35), p.sat = rng.uniform(0.28, 0.4), p.val = look.val * rng.uniform(0.88, 1.02);
      break;
    case DefectKind::crack:  // a dark split, deep red arils at its bottom
      p.hue = rng.uniform(-6, 8), p.sat = rng.uniform(0.55, 0.75), p.val = look.val * rng.uniform(0.18, 0.28);
      break;
  }
  return p;
}

StickerPaint sticker_paint_of(const Spheroid& s, const FruitTruth& t) {
  StickerPaint p;
  if (!t.sticker.present) return p;
  SeededRandom rng(t.render_seed, 0x5717u, 0);
  static const cv::Vec3f kPapers[] = {{0.93f, 0.94f, 0.95f}, {0.25f, 0.85f, 0.93f},
                                      {0.35f, 0.75f, 0.40f}, {0.80f, 0.55f, 0.25f},
                                      {0.20f, 0.55f, 0.95f}};
  static const cv::Vec3f kInks[] = {{0.35f, 0.12f, 0.08f}, {0.08f, 0.08f, 0.08f},
                                    {0.10f, 0.10f, 0.70f}};
  p.present = true;
  p.patch = patch_of(s, t.sticker);
  p.paper = kPapers[static_cast<int>(rng.uniform() * 5)];
  p.ink = kInks[static_cast<int>(rng.uniform() * 3)];
  p.seed = rng.next();
  return p;
}

double hash01(std::int64_t a, std::int64_t b, std::uint64_t seed) {
  SeededRandom r(seed, static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b));
  return r.uniform();
}

cv::Vec3f defect_colour(const DefectPaint& d, const PatchPoint& at) {
  double val = d.val * (1 + 0.08 * std::sin(5.1 * at.along + d.phase_a) *
                                std::sin(4.3 * at.across + d.phase_b));
  double hue = d.hue, sat = d.sat;
  if (d.kind == DefectKind::scar)
    val *= 1 + 0.1 * std::sin(13 * at.along + d.phase_b) * std::sin(11 * at.across + d.phase_a);
  if (d.halo) {  // rot with a lighter, yellow-brown rim inside its outline
    double k = smoothstep(0.6, 0.8, std::hypot(at.along, at.across));
    hue += k * (28 - hue);
    val += k * (d.val * 2.6 - val);
  }
  return hsv_to_bgr(hue, sat, val);
}

// A printed label: a frame line, rows of "text" and a logo dot.
cv::Vec3f sticker_colour(const StickerPaint& s, const PatchPoint& at) {
  const double r = patch_radius(s.patch, at.along, at.across);
  if (r > 0.8 && r < 0.87) return s.ink;
  if (std::hypot(at.along + 0.45, at.across) < 0.2) return s.ink;
  const double row = (at.across + 0.55) / 0.28;
  if (row > 0 && row < 4 && row - std::floor(row) < 0.5 && at.along > -0.15 && at.along < 0.65 &&
      hash01(static_cast<std::int64_t>(row), static_cast<std::int64_t>(std::floor(at.along * 9)),
             s.seed) > 0.3)
    return s.ink;
  return s.paper;
}

struct Surface {
  const Spheroid& spheroid;
  const Look& look;
  const SkinFields& fields;
  const std::vector<DefectPaint>& defects;
  const StickerPaint& sticker;
  double mottling;
};

// Pulls a colour's components toward (k < 1) or away from (k > 1) its maximum: HSV
// saturation scaled by k at the same value.
cv::Vec3f scale_saturation(const cv::Vec3f& c, double k) {
  const float v = std::max({c[0], c[1], c[2]});
  const float f = static_cast<float>(k);
  return {v - (v - c[0]) * f, v - (v - c[1]) * f, v - (v - c[2]) * f};
}

// The skin's own colour at a point (unit: body point / equatorial radius). HSV is applied
// exactly only where red blends into yellow (it decides the colour truth there); elsewhere
// the mottling is a linear change of precomputed colours, which is ~5x cheaper.
cv::Vec3f skin_colour(const Surface& s, Vec3 unit) {
  const Look& l = s.look;
  const std::array<double, 3> w = s.fields.mottle.waves(unit);
  const double mottle = s.mottling * (w[0] + w[1] + w[2]) / 3;
  const double tone = 4 * s.mottling * (w[0] - w[1] + 0.5 * w[2]) / 2.5;  // hue, degrees
  double under = 0;
  if (l.under_level < 3.5)
    under = std::clamp((s.fields.under(unit) - l.under_level) / 0.5 + 0.5, 0.0, 1.0);
  if (under <= 0)
    return scale_saturation(l.red + l.red_per_deg * static_cast<float>(tone), 1 + 0.1 * mottle) *
           static_cast<float>(1 + 0.2 * mottle);
  if (under >= 1)
    return (l.yellow - l.yellow_per_deg * static_cast<float>(tone)) * static_cast<float>(1 + 0.2 * mottle);
  // The yellow's hue mirrors the red's about 30°, so the blend crosses the red range's edge
  // (30°, the shipped colour profiles) exactly on the truth's outline.
  double hue = l.hue + tone, sat = l.sat * (1 + 0.1 * mottle), val = l.val * (1 + 0.2 * mottle);
  hue += under * (60 - 2 * hue);
  sat += under * (l.under_sat - sat);
  val *= 1 + kUnderBrighter * under;
  return hsv_to_bgr(hue, sat, val);
}

// Colour of the surface at a body point (skin, defects, sticker) and how glossy it is.
cv::Vec3f surface_colour(const Surface& s, Vec3 body, Vec3 normal, double px_mm, double& gloss) {
  cv::Vec3f colour = skin_colour(s, body * (1 / s.spheroid.a));
  gloss = 1;
  for (const DefectPaint& d : s.defects) {
    PatchPoint at = locate(d.patch, body, normal);
    double m = membership(at.distance_mm, std::max(d.patch.soft_mm, px_mm));
    if (m <= 0) continue;
    colour = mix(colour, defect_colour(d, at), m);
    gloss -= 0.8 * m;
  }
  if (s.sticker.present) {
    PatchPoint at = locate(s.sticker.patch, body, normal);
    double m = membership(at.distance_mm, std::max(s.sticker.patch.soft_mm, px_mm));
    if (m > 0) {
      colour = mix(colour, sticker_colour(s.sticker, at), m);
      gloss += 0.5 * m;
    }
  }
  gloss = std::max(0.1, gloss);
  return colour;
}

cv::Rect box_of(const Pose& pose, double half_w_mm, double half_h_mm, const cv::Mat& m) {
  const double ppm = pose.px_per_mm;
  int x0 = static_cast<int>(std::floor(pose.centre_x_px - half_w_mm * ppm - 2));
  int x1 = static_cast<int>(std::ceil(pose.centre_x_px + half_w_mm * ppm + 2));
  int y0 = static_cast<int>(std::floor(pose.centre_y_px - half_h_mm * ppm - 2));
  int y1 = static_cast<int>(std::ceil(pose.centre_y_px + half_h_mm * ppm + 2));
  return cv::Rect(cv::Point(x0, y0), cv::Point(x1 + 1, y1 + 1)) & cv::Rect(0, 0, m.cols, m.rows);
}

// The columns of `row` the outline (grown by `grow_px`) covers, clipped to `box`.
bool row_span(const Silhouette& sil, const Pose& pose, double grow_px, int row, const cv::Rect& box,
              int& first, int& last) {
  const double ppm = pose.px_per_mm, y = (row - pose.centre_y_px) / ppm;
  const double k = 1 / std::pow(1 + grow_px / (sil.minor_mm / 2 * ppm), 2);  // grown ellipse
  const double a = sil.sxx * k, b = sil.sxy * k * y, c = sil.syy * k * y * y - 1;
  const double disc = b * b - a * c;
  if (disc < 0) return false;
  const double r = std::sqrt(disc);
  first = std::max(box.x, static_cast<int>(std::floor(pose.centre_x_px + (-b - r) / a * ppm)));
  last = std::min(box.x + box.width - 1, static_cast<int>(std::ceil(pose.centre_x_px + (-b + r) / a * ppm)));
  return first <= last;
}

// Lamps: diffuse with some ambient light from the hood (darker toward the rim), plus the
// highlight, computed only where it adds at least ~0.3 of a grey level.
struct Lamps {
  Vec3 light, half;
  double spec, shininess, spec_from;
  cv::Vec3f lit(const cv::Vec3f& c, Vec3 n, double gloss) const {
    const double shade = 0.5 + 0.5 * std::max(0.0, dot(n, light));
    const double h = dot(n, half);
    const double highlight = h > spec_from ? gloss * spec * std::pow(h, shininess) : 0.0;
    return c * static_cast<float>(shade) + cv::Vec3f::all(static_cast<float>(highlight));
  }
};

void draw_body(cv::Mat& rad, const Surface& surface, const Pose& pose, const Silhouette& sil) {
  const double ppm = pose.px_per_mm;
  const double px_mm = 1 / ppm;
  const Look& l = surface.look;
  const Lamps lamps{l.light, l.half, l.spec, l.shininess,
                    std::pow(0.0012 / l.spec, 1 / l.shininess)};
  // Pixels further than 0.6 px inside the outline are wholly covered.
  const double inside_q2 = std::pow(std::max(0.0, 1 - 0.6 / (sil.minor_mm / 2 * ppm)), 2);
  const cv::Rect box = box_of(pose, sil.half_width_mm, sil.half_height_mm, rad);
  for (int row = box.y; row < box.y + box.height; ++row) {
    int first = 0, last = -1;
    if (!row_span(sil, pose, 1.5, row, box, first, last)) continue;
    const double y = (row - pose.centre_y_px) / ppm;
    auto* px = rad.ptr<cv::Vec3f>(row);
    for (int col = first; col <= last; ++col) {
      const double x = (col - pose.centre_x_px) / ppm;
      const double cov = coverage(sil, x, y, ppm, inside_q2);
      if (cov <= 0) continue;
      // The camera-side crossing of the pixel's ray with the body.
      const double bz = sil.axz * x + sil.ayz * y;
      const double cz = sil.axx * x * x + 2 * sil.axy * x * y + sil.ayy * y * y - 1;
      const double z = (-bz + std::sqrt(std::max(0.0, bz * bz - sil.azz * cz))) / sil.azz;
      const Vec3 body = pose.to_body({x, y, z});
      const Vec3 normal = surface.spheroid.normal(body);
      double gloss = 1;
      const cv::Vec3f c = surface_colour(surface, body, normal, px_mm, gloss);
      px[col] = mix(px[col], lamps.lit(c, pose.to_world(normal), gloss), cov);
    }
  }
}

void draw_fruit_body(cv::Mat& rad, const FruitTruth& t, int view, const FrameGeometry& frame) {
  const Spheroid s = spheroid_of(t);
  const Pose pose = pose_of(t, view, frame);
  const Silhouette sil = silhouette_of(s, pose);
  const Look look = look_of(t);
  const SkinFields fields = skin_fields(t.render_seed);
  std::vector<DefectPaint> defects;
  for (const DefectTruth& d : t.defects) {
    // Each defect's look follows from where it is, not from the others around it.
    SeededRandom rng(t.render_seed ^ std::bit_cast<std::uint64_t>(d.at.x),
                     std::bit_cast<std::uint64_t>(d.at.y), std::bit_cast<std::uint64_t>(d.at.z));
    DefectPaint p = paint_of(s, d, look, rng);
    // Only defects that may show in this view cost time per pixel.
    if (dot(p.patch.normal, pose.view_in_body) > -0.6) defects.push_back(p);
  }
  const StickerPaint sticker = sticker_paint_of(s, t);
  draw_body(rad, {s, look, fields, defects, sticker, t.mottling}, pose, sil);
  if (t.calyx) draw_crown(rad, t, pose, sil, look.hue, look.val, look.light);
}

// The second fruit of a doubled cup: plain, smaller, beside the first.
FruitTruth second_fruit_of(const FruitTruth& t) {
  FruitTruth o = t;
  o.render_seed = t.render_seed ^ 0x5EC0D5EC0Dull;
  SeededRandom rng(o.render_seed, 0x2u, 0);
  o.diameter_mm = t.second_diameter_mm;
  o.minor_diameter_mm = t.second_diameter_mm * 0.93;
  o.offset_x_mm = t.second_offset_x_mm;
  o.offset_y_mm = t.second_offset_y_mm;
  o.axis = to_direction({rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)});
  o.defects.clear();
  o.sticker.present = false;
  o.under_colour_level = 4;
  return o;
}

}  // namespace

void draw_fruit(cv::Mat& radiance, const FruitTruth& t, int view, const FrameGeometry& frame) {
  if (!t.present) return;
  draw_fruit_body(radiance, t, view, frame);
  if (t.doubled) draw_fruit_body(radiance, second_fruit_of(t), view, frame);
}

}  // namespace coldsort::vision::synth
