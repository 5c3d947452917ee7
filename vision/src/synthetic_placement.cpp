// Where the synthetic fruit sits in its frame, and what makes its cup doubtful.
#include <algorithm>
#include <cmath>

#include "synthetic_model.hpp"

namespace coldsort::vision::synth {
namespace {

// Keep fruit that are not doubtful this far inside the frame's edge, px.
constexpr double kEdgeMarginPx = 3;

// How far the fruit reaches from the cup's centre over all views, with its view-to-view
// jitter, mm (up = toward row 0): the body alone, and with the crown.
struct Extent {
  double left = 0, right = 0, up = 0, down = 0;
  void cover(double x, double y, double rx, double ry) {
    left = std::max(left, rx - x);
    right = std::max(right, x + rx);
    up = std::max(up, ry - y);
    down = std::max(down, y + ry);
  }
};

void extents_of(const FruitTruth& t, const FrameGeometry& frame, Extent& body, Extent& whole) {
  FruitTruth centred = t;
  centred.offset_x_mm = centred.offset_y_mm = 0;
  const Spheroid s = spheroid_of(t);
  for (int v = 0; v < t.views; ++v) {
    const Pose pose = pose_of(centred, v, frame);
    const Silhouette sil = silhouette_of(s, pose);
    const double cx = (pose.centre_x_px - (frame.width_px - 1) / 2.0) / frame.px_per_mm;
    const double cy = (pose.centre_y_px - (frame.height_px - 1) / 2.0) / frame.px_per_mm;
    body.cover(cx, cy, sil.half_width_mm, sil.half_height_mm);
    whole.cover(cx, cy, sil.half_width_mm, sil.half_height_mm);
    if (!t.calyx) continue;
    const Vec3 tip = pose.to_world({0, 0, s.c + t.calyx_length_mm});
    whole.cover(cx + tip.x, cy + tip.y, t.calyx_diameter_mm / 2, t.calyx_diameter_mm / 2);
  }
}

// Clamps v into [lo, hi]; the middle when the range is empty (the fruit cannot fit).
double clamp_into(double v, double lo, double hi) {
  return lo > hi ? (lo + hi) / 2 : std::clamp(v, lo, hi);
}

// True when the body's outline reaches the frame's first or last pixel in any view.
bool reaches_edge(const FruitTruth& t, const FrameGeometry& frame) {
  const Spheroid s = spheroid_of(t);
  for (int v = 0; v < t.views; ++v) {
    const Pose pose = pose_of(t, v, frame);
    const Silhouette sil = silhouette_of(s, pose);
    const double hw = sil.half_width_mm * frame.px_per_mm, hh = sil.half_height_mm * frame.px_per_mm;
    if (pose.centre_x_px - hw < 1 || pose.centre_x_px + hw > frame.width_px - 2 ||
        pose.centre_y_px - hh < 1 || pose.centre_y_px + hh > frame.height_px - 2)
      return true;
  }
  return false;
}

// Puts a fruit cut by the frame's edge: 10-40 % of its diameter outside.
void place_on_border(FruitTruth& t, const Extent& e, double half_w, double half_h,
                     SeededRandom& rng) {
  const double cut = rng.uniform(0.1, 0.4) * t.diameter_mm;
  switch (static_cast<int>(rng.uniform() * 4)) {
    case 0: t.offset_x_mm = -half_w + e.left - cut; break;
    case 1: t.offset_x_mm = half_w - e.right + cut; break;
    case 2: t.offset_y_mm = -half_h + e.up - cut; break;
    default: t.offset_y_mm = half_h - e.down + cut; break;
  }
}

// A second, smaller fruit beside the first, sometimes pressed against it.
void place_pair(FruitTruth& t, SeededRandom& rng) {
  t.doubled = true;
  t.second_diameter_mm = rng.uniform(60, 85);
  const double gap = rng.uniform(-4, 6);
  const double span = t.diameter_mm / 2 + gap + t.second_diameter_mm / 2;
  const double side = rng.uniform() < 0.5 ? -1 : 1;
  t.offset_x_mm = -side * span / 2;
  t.second_offset_x_mm = side * span / 2;
  t.second_offset_y_mm = t.offset_y_mm + rng.uniform(-10, 10);
}

core::Doubt doubt_of(const FruitTruth& t) {
  if (t.doubled) return core::Doubt::two_fruit;
  if (t.touches_edge) return core::Doubt::touches_border;
  if (t.blur_px > 0) return core::Doubt::blurred;
  if (t.overexposed) return core::Doubt::overexposed;
  if (t.underexposed) return core::Doubt::underexposed;
  return core::Doubt::none;
}

}  // namespace

void place_and_doubt(FruitTruth& t, SeededRandom rng, const SyntheticScene& sc,
                     const FrameGeometry& frame) {
  const double half_w = (frame.width_px - 1) / 2.0 / frame.px_per_mm;
  const double half_h = (frame.height_px - 1) / 2.0 / frame.px_per_mm;
  const double margin = kEdgeMarginPx / frame.px_per_mm;
  Extent body, e;
  extents_of(t, frame, body, e);
  t.offset_x_mm = clamp_into(t.offset_x_mm, -half_w + margin + e.left, half_w - margin - e.right);
  t.offset_y_mm = clamp_into(t.offset_y_mm, -half_h + margin + e.up, half_h - margin - e.down);
  double u = rng.uniform();
  if ((u -= sc.border_share) < 0) {
    place_on_border(t, body, half_w, half_h, rng);
  } else if ((u -= sc.two_fruit_share) < 0) {
    place_pair(t, rng);
  } else if ((u -= sc.blur_share) < 0) {
    // The cup travels 3-6 mm during the exposure: edges smeared well past the grader's
    // 1 mm accuracy (and never less than 5 px).
    t.blur_px = std::max(5.0, std::round(rng.uniform(3, 6) * frame.px_per_mm));
  } else if ((u -= sc.overexposed_share) < 0) {
    t.overexposed = true;
    t.gain = rng.uniform(1.9, 2.6);
  } else if ((u -= sc.underexposed_share) < 0) {
    t.underexposed = true;
    t.gain = rng.uniform(0.3, 0.4);  // the fruit still stands out, its defects hardly
  }
  t.touches_edge = reaches_edge(t, frame);
  t.doubt = doubt_of(t);
}

}  // namespace coldsort::vision::synth
