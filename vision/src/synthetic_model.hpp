#pragma once
// The geometry shared by the synthetic fruit's truth and its drawing: small vectors, the
// spheroid, the fruit's pose in a view, and surface patches (defects, the sticker) laid
// onto the skin. Drawing and truth use the same functions, so what is drawn is what the
// truth says.
// Thread safety: value types and free functions, no shared state.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "coldsort/vision/synthetic_camera.hpp"
#include "seeded_random.hpp"

namespace coldsort::vision::synth {

struct Vec3 {
  double x = 0, y = 0, z = 0;
};
inline Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
inline Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
inline Vec3 operator*(Vec3 a, double k) { return {a.x * k, a.y * k, a.z * k}; }
inline double dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline Vec3 cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline double norm(Vec3 a) { return std::sqrt(dot(a, a)); }
inline Vec3 normalized(Vec3 a) {
  double n = norm(a);
  return n > 0 ? a * (1.0 / n) : Vec3{0, 0, 1};
}
inline Vec3 to_vec(SurfaceDirection d) { return normalized({d.x, d.y, d.z}); }
inline SurfaceDirection to_direction(Vec3 v) {
  v = normalized(v);
  return {v.x, v.y, v.z};
}

// Rows of a 3x3 matrix.
struct Mat3 {
  Vec3 r0{1, 0, 0}, r1{0, 1, 0}, r2{0, 0, 1};
  Vec3 operator*(Vec3 v) const { return {dot(r0, v), dot(r1, v), dot(r2, v)}; }
  Mat3 transposed() const {
    return {{r0.x, r1.x, r2.x}, {r0.y, r1.y, r2.y}, {r0.z, r1.z, r2.z}};
  }
};
Mat3 operator*(const Mat3& a, const Mat3& b);
Mat3 rotation_x(double rad);
// A rotation taking body z to `axis` (unit) and turned by `spin_rad` about it.
Mat3 frame_with_z(Vec3 axis, double spin_rad);

constexpr double kDegToRad = M_PI / 180.0;

// x²/a² + y²/a² + z²/c² = 1 in the body frame (z the polar axis), mm.
struct Spheroid {
  double a = 1;  // equatorial semi-axis
  double c = 1;  // polar semi-axis
  Vec3 gradient(Vec3 p) const { return {p.x / (a * a), p.y / (a * a), p.z / (c * c)}; }
  Vec3 normal(Vec3 p) const { return normalized(gradient(p)); }
  // The surface point in direction `dir` from the centre.
  Vec3 point_toward(Vec3 dir) const { return dir * (1.0 / std::sqrt(dot(dir, gradient(dir)))); }
  // The surface point nearest to q along the line q + t n; false when the line misses.
  bool lift(Vec3 q, Vec3 n, Vec3& out) const;
};

Spheroid spheroid_of(const FruitTruth& t);

// The fruit in one view: where it is in the frame and how it is turned.
struct Pose {
  Mat3 world_from_body;  // world: x right, y down (image rows), z toward the camera
  Mat3 body_from_world;
  double centre_x_px = 0, centre_y_px = 0;  // in the single-lane frame
  double px_per_mm = 1;
  double turn_deg = 0;
  Vec3 view_in_body;  // the direction toward the camera, in the body frame
  // The body point a world offset (mm, from the fruit's centre) maps to, and back.
  Vec3 to_body(Vec3 world) const { return body_from_world * world; }
  Vec3 to_world(Vec3 body) const { return world_from_body * body; }
  double x_px(Vec3 world) const { return centre_x_px + world.x * px_per_mm; }
  double y_px(Vec3 world) const { return centre_y_px + world.y * px_per_mm; }
};

// Frame geometry a pose needs: the size of one lane's frame and its scale.
struct FrameGeometry {
  int width_px = 0;
  int height_px = 0;
  double px_per_mm = 1;
  double jitter_mm = 0;
};

Pose pose_of(const FruitTruth& t, int view, const FrameGeometry& frame);

// The outline of the projected spheroid: (x, y)ᵀ S (x, y) <= 1, x and y in mm from the
// fruit's centre on the image plane.
struct Silhouette {
  double sxx = 0, sxy = 0, syy = 0;
  // The body is z = (-bz + sqrt(bz² - azz (q - 1))) / azz on the camera side.
  double axx = 0, axy = 0, ayy = 0, axz = 0, ayz = 0, azz = 0;
  double half_width_mm = 0, half_height_mm = 0;  // bounding box
  double major_mm = 0, minor_mm = 0, angle_deg = 0;  // full axes
};
Silhouette silhouette_of(const Spheroid& s, const Pose& pose);

// sin(x) from a Taylor polynomial after reducing x to [-pi/2, pi/2]: |error| < 4e-6, the
// same on every machine, and several times cheaper than std::sin per pixel.
inline double fast_sin(double x) {
  x -= 2 * M_PI * std::nearbyint(x * (0.5 / M_PI));  // [-pi, pi]
  if (x > M_PI / 2) x = M_PI - x;
  if (x < -M_PI / 2) x = -M_PI - x;
  const double x2 = x * x;
  return x * (1 - x2 / 6 * (1 - x2 / 20 * (1 - x2 / 42 * (1 - x2 / 72))));
}

// Smooth low-frequency fields over the skin, -3..3: sums of three plane waves in the body
// frame (unit: the equatorial radius). From the fruit's render seed, so truth and drawing
// agree on them.
struct SkinField {
  std::array<Vec3, 3> k{};
  std::array<double, 3> phase{};
  double operator()(Vec3 unit) const {
    return fast_sin(dot(k[0], unit) + phase[0]) + fast_sin(dot(k[1], unit) + phase[1]) +
           fast_sin(dot(k[2], unit) + phase[2]);
  }
  // The three waves alone, for fields built from the same waves.
  std::array<double, 3> waves(Vec3 unit) const {
    return {fast_sin(dot(k[0], unit) + phase[0]), fast_sin(dot(k[1], unit) + phase[1]),
            fast_sin(dot(k[2], unit) + phase[2])};
  }
};
struct SkinFields {
  SkinField mottle;  // brightness, saturation and (mixed differently) hue
  SkinField under;   // yellow areas of under-coloured fruit
};
SkinFields skin_fields(std::uint64_t render_seed);

// Places the fruit in its frame (clear of the edge, or across it for a border cup) and gives
// the cup its doubtful condition, if any, and its `doubt` (synthetic_placement.cpp).
void place_and_doubt(FruitTruth& t, SeededRandom rng, const SyntheticScene& scene,
                     const FrameGeometry& frame);

// Share of the bare skin (crown, sticker and defects set aside) inside the red range; as
// the camera sees it (weighted by projected area, far side left out) when toward_camera is
// given (body frame).
double red_share(const FruitTruth& t, const Vec3* toward_camera);

// The crown's footprint on the skin: a disc around the +z pole, this share of its diameter.
constexpr double kCalyxBaseShare = 0.3;

// A patch of skin (defect or sticker): an outline on the tangent plane at its centre,
// laid onto the skin along the normal there.
struct Patch {
  Vec3 centre, normal, t1, t2;  // body frame; t1 along the long axis
  double ra = 1, rb = 1;        // semi-axes, mm
  double bend = 0;              // centre-line curvature, 1/mm
  std::array<double, 3> wobble{}, phase{};
  double power = 2;             // 2: ellipse; 4: rounded rectangle (superellipse)
  double soft_mm = 0;
  double reach_mm = 0;          // no part of the patch is farther than this from its centre
  double planar_area_mm2 = 0;   // area on the tangent plane
};
Patch patch_of(const Spheroid& s, const DefectTruth& d);
Patch patch_of(const Spheroid& s, const StickerTruth& st);

// Where a body point lies in a patch's own coordinates.
struct PatchPoint {
  double along = 0, across = 0;  // normalised: the unwobbled outline is along² + across² = 1
  double distance_mm = 1e9;      // signed distance from the outline, negative inside
};
// `body_normal` is the skin's normal there (points on the far side are never inside).
PatchPoint locate(const Patch& patch, Vec3 body_point, Vec3 body_normal);
// Normalised radius of the outline in direction theta (1 without wobble).
inline double outline_radius(const Patch& p, double theta) {
  return 1 + p.wobble[0] * std::cos(2 * theta + p.phase[0]) +
         p.wobble[1] * std::cos(3 * theta + p.phase[1]) +
         p.wobble[2] * std::cos(4 * theta + p.phase[2]);
}
// (|alpha|^p + |beta|^p)^(1/p).
inline double patch_radius(const Patch& p, double alpha, double beta) {
  if (p.power == 2) return std::hypot(alpha, beta);
  return std::pow(std::pow(std::abs(alpha), p.power) + std::pow(std::abs(beta), p.power),
                  1.0 / p.power);
}

// Soft membership 0..1 with the half level on the outline; edges at least `min_soft_mm` wide.
inline double membership(double distance_mm, double soft_mm) {
  double t = 0.5 - distance_mm / soft_mm;
  if (t <= 0) return 0;
  if (t >= 1) return 1;
  return t * t * (3 - 2 * t);
}

// Surface integrals over a patch: `each(body_point, body_normal, skin_area_mm2)` for a grid
// of samples inside the outline; the weights sum to the patch's area on the skin.
template <class F>
void integrate_patch(const Spheroid& s, const Patch& p, F&& each);

// Fibonacci-lattice quadrature over the whole skin: `each(point, normal, area_mm2)`.
template <class F>
void integrate_surface(const Spheroid& s, int samples, F&& each);

// ---- templates ----

template <class F>
void integrate_patch(const Spheroid& s, const Patch& p, F&& each) {
  // A grid over the normalised outline; the weights use the exact tangent-plane area and
  // the grid only for the skin's tilt (smooth), so 40 x 40 samples give ~0.1 % accuracy.
  constexpr int kGrid = 40;
  double reach = 1 + std::abs(p.wobble[0]) + std::abs(p.wobble[1]) + std::abs(p.wobble[2]);
  struct Sample {
    Vec3 point, normal;
    double tilt;
  };
  std::vector<Sample> samples;
  samples.reserve(kGrid * kGrid);
  double tilt_sum = 0;
  for (int i = 0; i < kGrid; ++i) {
    for (int j = 0; j < kGrid; ++j) {
      double alpha = reach * (-1 + (2 * i + 1.0) / kGrid);
      double beta = reach * (-1 + (2 * j + 1.0) / kGrid);
      if (patch_radius(p, alpha, beta) >= outline_radius(p, std::atan2(beta, alpha))) continue;
      double a = alpha * p.ra;
      double b = beta * p.rb - p.bend * a * a;
      Vec3 on_skin;
      if (!s.lift(p.centre + p.t1 * a + p.t2 * b, p.normal, on_skin)) continue;
      Vec3 normal = s.normal(on_skin);
      double tilt = 1.0 / std::max(0.05, dot(normal, p.normal));
      samples.push_back({on_skin, normal, tilt});
      tilt_sum += tilt;
    }
  }
  if (samples.empty()) return;
  const double skin_area = p.planar_area_mm2 * tilt_sum / static_cast<double>(samples.size());
  for (const Sample& x : samples) each(x.point, x.normal, skin_area * x.tilt / tilt_sum);
}

template <class F>
void integrate_surface(const Spheroid& s, int samples, F&& each) {
  const double golden = M_PI * (3 - std::sqrt(5.0));
  const double solid_angle = 4 * M_PI / samples;
  for (int i = 0; i < samples; ++i) {
    double z = 1 - (2 * i + 1.0) / samples;
    double r = std::sqrt(std::max(0.0, 1 - z * z));
    Vec3 dir{r * std::cos(golden * i), r * std::sin(golden * i), z};
    Vec3 point = s.point_toward(dir);
    Vec3 normal = s.normal(point);
    // A cone of solid angle dΩ meets the skin at distance |p|, tilted by the normal.
    each(point, normal, dot(point, point) * solid_angle / dot(normal, dir));
  }
}

}  // namespace coldsort::vision::synth
