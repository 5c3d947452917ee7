// The synthetic camera: scene knobs, capture, rendering of single- and multi-lane frames,
// and what each view shows (ViewTruth). The fruit model is in synthetic_fruit.cpp, the
// drawing in synthetic_render.cpp and synthetic_scene.cpp.
#include "coldsort/vision/synthetic_camera.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "pixels.hpp"
#include "synthetic_render.hpp"

namespace coldsort::vision {
namespace {

using namespace synth;

// Skin turned more than ~70° away from the camera is seen at a slant of 3:1 or worse, in a
// band a few pixels wide at the rim: no grader measures a defect there.
constexpr double kSeenFacing = 0.34;

// Default proportions of the doubtful conditions (border, two fruit, blur, over, under).
constexpr double kDoubtDefaults[5] = {0.012, 0.008, 0.008, 0.006, 0.004};

struct Seen {
  double projected_mm2 = 0, surface_mm2 = 0, x_px = 0, y_px = 0;
};

// The part of a patch facing the camera: its area on the skin, projected on the image
// plane, and the centre of the projection.
Seen seen_of(const Spheroid& s, const Pose& pose, const Patch& patch) {
  Seen out;
  integrate_patch(s, patch, [&](Vec3 p, Vec3 n, double area) {
    const double facing = dot(n, pose.view_in_body);
    if (facing <= 0) return;
    const Vec3 w = pose.to_world(p);
    out.surface_mm2 += area;
    out.projected_mm2 += area * facing;
    out.x_px += area * facing * pose.x_px(w);
    out.y_px += area * facing * pose.y_px(w);
  });
  if (out.projected_mm2 > 0) out.x_px /= out.projected_mm2, out.y_px /= out.projected_mm2;
  return out;
}

// Where the crown is, and whether it shows: on the camera's side of the fruit it is all in
// view (its middle is reported); on the far side only the part standing out of the outline
// is, when it reaches at least 1 mm out (the middle of that part is reported).
void locate_calyx(const FruitTruth& t, const Spheroid& s, const Pose& pose,
                  const Silhouette& sil, ViewTruth& v) {
  const Vec3 axis = pose.to_world({0, 0, 1});
  Vec3 seen = pose.to_world({0, 0, s.c + t.calyx_length_mm / 2});
  v.calyx_facing = t.calyx && axis.z > 0.5;
  v.calyx_visible = t.calyx && axis.z >= 0;
  const Vec3 tip = pose.to_world({0, 0, s.c + t.calyx_length_mm});
  const double q = std::sqrt(sil.sxx * tip.x * tip.x + 2 * sil.sxy * tip.x * tip.y +
                             sil.syy * tip.y * tip.y);
  const double tip_mm = std::hypot(tip.x, tip.y), outline_mm = q > 0 ? tip_mm / q : 0;
  if (t.calyx && axis.z < 0 && tip_mm - outline_mm >= 1.0) {
    v.calyx_visible = true;
    seen = tip * ((outline_mm + tip_mm) / 2 / tip_mm);
  }
  v.calyx_x_px = pose.x_px(seen);
  v.calyx_y_px = pose.y_px(seen);
}

}  // namespace

core::Measurement true_measurement(const FruitTruth& t) {
  core::Measurement m;
  if (!t.present) return m;
  m.diameter_mm = t.diameter_mm;
  m.minor_diameter_mm = t.minor_diameter_mm;
  m.area_mm2 = M_PI / 4 * t.diameter_mm * t.diameter_mm;  // seen along the polar axis
  m.volume_cm3 = t.volume_cm3;
  m.weight_g = t.weight_g;
  m.colour_share = t.colour_share;
  m.defect_area_mm2 = t.defect_mm2;
  m.defect_share = t.defect_share;
  m.largest_defect_mm2 = t.largest_defect_mm2;
  m.defect_count = static_cast<int>(t.defects.size());
  m.defect_kinds = t.defect_kinds;
  m.views = t.views;
  m.confidence = 1;
  m.doubt = t.doubt;
  return m;
}

core::Measurement seen_measurement(const FruitTruth& t) {
  core::Measurement m = true_measurement(t);
  if (!t.present) return m;
  const Spheroid s = spheroid_of(t);
  const FrameGeometry any{64, 64, 1, 0};  // directions only: the frame does not matter
  std::vector<Vec3> toward;
  m.colour_share = 1;
  for (int v = 0; v < t.views; ++v) {
    toward.push_back(pose_of(t, v, any).view_in_body);
    m.colour_share = std::min(m.colour_share, red_share(t, &toward.back()));
  }
  m.defect_area_mm2 = m.largest_defect_mm2 = 0;
  m.defect_count = 0;
  m.defect_kinds = 0;
  for (const DefectTruth& d : t.defects) {
    double seen = 0;
    integrate_patch(s, patch_of(s, d), [&](Vec3, Vec3 n, double area) {
      for (const Vec3& v : toward)
        if (dot(n, v) > kSeenFacing) {
          seen += area;
          break;
        }
    });
    if (seen <= 0.01) continue;
    m.defect_area_mm2 += seen;
    m.largest_defect_mm2 = std::max(m.largest_defect_mm2, seen);
    ++m.defect_count;
    m.defect_kinds |= core::bit(d.kind);
  }
  m.defect_share = m.defect_area_mm2 / t.surface_mm2;
  return m;
}

void SyntheticScene::set_doubt_share(double share) {
  const double total = kDoubtDefaults[0] + kDoubtDefaults[1] + kDoubtDefaults[2] +
                       kDoubtDefaults[3] + kDoubtDefaults[4];
  const double k = share / total;
  border_share = kDoubtDefaults[0] * k;
  two_fruit_share = kDoubtDefaults[1] * k;
  blur_share = kDoubtDefaults[2] * k;
  overexposed_share = kDoubtDefaults[3] * k;
  underexposed_share = kDoubtDefaults[4] * k;
}

double SyntheticScene::doubt_share() const {
  return border_share + two_fruit_share + blur_share + overexposed_share + underexposed_share;
}

SyntheticScene SyntheticScene::plain() {
  SyntheticScene s;
  s.under_coloured_share = 0;
  s.light_share = 0;
  s.sticker_share = 0;
  s.calyx = false;
  s.mottling = 0;
  s.set_doubt_share(0);
  s.gain_min = s.gain_max = 1;
  s.gradient_max = 0;
  s.tint_max = 0;
  s.belt_share = 0;
  s.dirt_share = 0;
  s.softness_share = 0;
  s.jitter_mm = 0;
  return s;
}

SyntheticCamera::SyntheticCamera(const core::CameraConfig& camera, SyntheticScene scene)
    : camera_(camera), scene_(scene) {}

int SyntheticCamera::lane_width_px() const {
  return camera_.width_px / std::max(1, camera_.lanes_per_frame);
}

core::Result<Frame> SyntheticCamera::capture(int lane, std::uint64_t cup, int view,
                                             core::SteadyTime now) {
  Frame frame;
  frame.lane = lane;
  frame.cup = cup;
  frame.view = view;
  frame.captured_at = now;
  frame.image = render(truth_for(lane, cup), view);
  return frame;
}

Image SyntheticCamera::render(const FruitTruth& truth, int view) const {
  cv::Mat out;
  render_lane(out, truth, view,
              {lane_width_px(), camera_.height_px, camera_.px_per_mm, scene_.jitter_mm},
              scene_.noise_sd);
  return make_image(std::move(out));
}

Image SyntheticCamera::render_lanes(std::span<const FruitTruth> truths, int view) const {
  cv::Mat frame(camera_.height_px, camera_.width_px, CV_8UC3);
  const long long lanes = static_cast<long long>(truths.size()), width = camera_.width_px;
  if (lanes == 0) {  // no lanes: an empty dark frame
    frame.setTo(cv::Scalar::all(16));
    return make_image(std::move(frame));
  }
  cv::Mat lane_image;
  for (long long i = 0; i < lanes; ++i) {
    // The ROIs tile the width as split_lanes cuts it: lane i spans [i W / n, (i + 1) W / n).
    const int x0 = static_cast<int>(i * width / lanes), x1 = static_cast<int>((i + 1) * width / lanes);
    const FrameGeometry geometry{x1 - x0, camera_.height_px, camera_.px_per_mm, scene_.jitter_mm};
    render_lane(lane_image, truths[static_cast<std::size_t>(i)], view, geometry, scene_.noise_sd);
    lane_image.copyTo(frame(cv::Rect(x0, 0, x1 - x0, camera_.height_px)));
  }
  return make_image(std::move(frame));
}

ViewTruth SyntheticCamera::view_truth(const FruitTruth& t, int view) const {
  ViewTruth v;
  v.view = view;
  if (!t.present) return v;
  const FrameGeometry geometry{lane_width_px(), camera_.height_px, camera_.px_per_mm, scene_.jitter_mm};
  const Spheroid s = spheroid_of(t);
  const Pose pose = pose_of(t, view, geometry);
  const Silhouette sil = silhouette_of(s, pose);
  v.turn_deg = std::fmod(std::fmod(pose.turn_deg, 360) + 360, 360);
  v.centre_x_px = pose.centre_x_px;
  v.centre_y_px = pose.centre_y_px;
  v.diameter_mm = sil.major_mm;
  v.minor_diameter_mm = sil.minor_mm;
  v.outline_angle_deg = sil.angle_deg;
  for (const DefectTruth& d : t.defects) {
    const Seen seen = seen_of(s, pose, patch_of(s, d));
    DefectView dv;
    dv.visible = seen.projected_mm2 > 0.01;
    dv.visible_mm2 = seen.projected_mm2;
    dv.visible_surface_mm2 = seen.surface_mm2;
    dv.x_px = seen.x_px;
    dv.y_px = seen.y_px;
    v.visible_defect_mm2 += dv.visible_mm2;
    v.visible_surface_defect_mm2 += dv.visible_surface_mm2;
    v.defects.push_back(dv);
  }
  locate_calyx(t, s, pose, sil, v);
  if (t.sticker.present) {
    const Seen seen = seen_of(s, pose, patch_of(s, t.sticker));
    v.sticker_visible = seen.projected_mm2 > 0.01;
    v.sticker_x_px = seen.x_px;
    v.sticker_y_px = seen.y_px;
  }
  v.colour_share = red_share(t, &pose.view_in_body);
  return v;
}

}  // namespace coldsort::vision
