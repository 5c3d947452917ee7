// Geometry of the synthetic fruit: pose per view, the projected outline, skin patches.
#include <algorithm>
#include <cmath>

#include "seeded_random.hpp"
#include "synthetic_model.hpp"

namespace coldsort::vision {

double spheroid_surface_mm2(double equatorial_mm, double polar_mm) {
  const double a = equatorial_mm / 2, c = polar_mm / 2;
  if (a <= 0 || c <= 0) return 0;
  if (std::abs(a - c) < 1e-9 * a) return 4 * M_PI * a * a;
  if (c < a) {  // oblate: S = 2 pi a² (1 + (1 - e²)/e atanh e), e² = 1 - c²/a²
    const double e = std::sqrt(1 - c * c / (a * a));
    return 2 * M_PI * a * a * (1 + (1 - e * e) / e * std::atanh(e));
  }
  // prolate: S = 2 pi a² (1 + c/(a e) asin e), e² = 1 - a²/c²
  const double e = std::sqrt(1 - a * a / (c * c));
  return 2 * M_PI * a * a * (1 + c / (a * e) * std::asin(e));
}

namespace synth {

Mat3 operator*(const Mat3& a, const Mat3& b) {
  Mat3 bt = b.transposed();
  return {{dot(a.r0, bt.r0), dot(a.r0, bt.r1), dot(a.r0, bt.r2)},
          {dot(a.r1, bt.r0), dot(a.r1, bt.r1), dot(a.r1, bt.r2)},
          {dot(a.r2, bt.r0), dot(a.r2, bt.r1), dot(a.r2, bt.r2)}};
}

Mat3 rotation_x(double rad) {
  const double c = std::cos(rad), s = std::sin(rad);
  return {{1, 0, 0}, {0, c, -s}, {0, s, c}};
}

Mat3 frame_with_z(Vec3 axis, double spin_rad) {
  axis = normalized(axis);
  Vec3 helper = std::abs(axis.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0};
  Vec3 e1 = normalized(cross(helper, axis));
  Vec3 e2 = cross(axis, e1);
  Vec3 bx = e1 * std::cos(spin_rad) + e2 * std::sin(spin_rad);
  Vec3 by = cross(axis, bx);
  // Columns are the body axes in world coordinates.
  return {{bx.x, by.x, axis.x}, {bx.y, by.y, axis.y}, {bx.z, by.z, axis.z}};
}

bool Spheroid::lift(Vec3 q, Vec3 n, Vec3& out) const {
  const double qa = dot(n, gradient(n));
  const double qb = dot(q, gradient(n));
  const double qc = dot(q, gradient(q)) - 1;
  const double disc = qb * qb - qa * qc;
  if (disc < 0) return false;
  out = q + n * ((-qb + std::sqrt(disc)) / qa);  // the crossing on the +n side
  return true;
}

Spheroid spheroid_of(const FruitTruth& t) { return {t.diameter_mm / 2, t.minor_diameter_mm / 2}; }

Pose pose_of(const FruitTruth& t, int view, const FrameGeometry& frame) {
  Pose pose;
  const int views = std::max(1, t.views);
  pose.turn_deg = t.phase_deg + 360.0 * view / views;
  pose.world_from_body = rotation_x(pose.turn_deg * kDegToRad) *
                         frame_with_z(to_vec(t.axis), t.spin_deg * kDegToRad);
  pose.body_from_world = pose.world_from_body.transposed();
  pose.view_in_body = pose.body_from_world * Vec3{0, 0, 1};
  pose.px_per_mm = frame.px_per_mm;
  // The fruit rocks a little on the rollers between views.
  SeededRandom rng(t.render_seed, static_cast<std::uint64_t>(view), 0x7155u);
  const double jx = rng.uniform(-1, 1) * frame.jitter_mm;
  const double jy = rng.uniform(-1, 1) * frame.jitter_mm;
  pose.centre_x_px = (frame.width_px - 1) / 2.0 + (t.offset_x_mm + jx) * frame.px_per_mm;
  pose.centre_y_px = (frame.height_px - 1) / 2.0 + (t.offset_y_mm + jy) * frame.px_per_mm;
  return pose;
}

Silhouette silhouette_of(const Spheroid& s, const Pose& pose) {
  // The body in world axes: pᵀ A p = 1 with A = R diag(1/a², 1/a², 1/c²) Rᵀ.
  const Mat3& r = pose.world_from_body;
  const Vec3 d{1 / (s.a * s.a), 1 / (s.a * s.a), 1 / (s.c * s.c)};
  auto weighted = [&](Vec3 row) { return Vec3{row.x * d.x, row.y * d.y, row.z * d.z}; };
  Silhouette out;
  out.axx = dot(weighted(r.r0), r.r0);
  out.axy = dot(weighted(r.r0), r.r1);
  out.ayy = dot(weighted(r.r1), r.r1);
  out.axz = dot(weighted(r.r0), r.r2);
  out.ayz = dot(weighted(r.r1), r.r2);
  out.azz = dot(weighted(r.r2), r.r2);
  // Orthographic shadow: minimise over z, which leaves the Schur complement.
  out.sxx = out.axx - out.axz * out.axz / out.azz;
  out.sxy = out.axy - out.axz * out.ayz / out.azz;
  out.syy = out.ayy - out.ayz * out.ayz / out.azz;
  const double det = out.sxx * out.syy - out.sxy * out.sxy;
  out.half_width_mm = std::sqrt(out.syy / det);
  out.half_height_mm = std::sqrt(out.sxx / det);
  const double mean = (out.sxx + out.syy) / 2;
  const double spread = std::hypot((out.sxx - out.syy) / 2, out.sxy);
  out.major_mm = 2 / std::sqrt(mean - spread);
  out.minor_mm = 2 / std::sqrt(mean + spread);
  // The major axis is the eigenvector of the smaller eigenvalue: 90° from the larger one's.
  double angle = 0.5 * std::atan2(2 * out.sxy, out.sxx - out.syy) / kDegToRad + 90;
  out.angle_deg = std::fmod(angle + 180, 180);
  return out;
}

namespace {

// Tangents at a skin point: t1 turned `orientation_deg` from the local "east".
void tangents(Vec3 normal, double orientation_deg, Vec3& t1, Vec3& t2) {
  Vec3 east = cross(Vec3{0, 0, 1}, normal);
  east = norm(east) < 1e-6 ? Vec3{1, 0, 0} : normalized(east);
  Vec3 north = cross(normal, east);
  const double o = orientation_deg * kDegToRad;
  t1 = east * std::cos(o) + north * std::sin(o);
  t2 = cross(normal, t1);
}

Patch base_patch(const Spheroid& s, SurfaceDirection at, double length_mm, double width_mm,
                 double orientation_deg) {
  Patch p;
  p.centre = s.point_toward(to_vec(at));
  p.normal = s.normal(p.centre);
  tangents(p.normal, orientation_deg, p.t1, p.t2);
  p.ra = length_mm / 2;
  p.rb = width_mm / 2;
  return p;
}

}  // namespace

Patch patch_of(const Spheroid& s, const DefectTruth& d) {
  Patch p = base_patch(s, d.at, d.length_mm, d.width_mm, d.orientation_deg);
  p.bend = d.bend_per_mm;
  p.wobble = d.wobble;
  p.phase = d.wobble_phase;
  p.soft_mm = d.soft_edge_mm;
  double wobble_sq = 0, wobble_abs = 0;
  for (double w : d.wobble) wobble_sq += w * w, wobble_abs += std::abs(w);
  // (1/2) ∮ r(θ)² dθ with r = 1 + Σ w_k cos(kθ + φ_k): the cross terms vanish.
  p.planar_area_mm2 = M_PI * p.ra * p.rb * (1 + wobble_sq / 2);
  p.reach_mm = (1 + wobble_abs) * std::hypot(p.ra, p.rb) + std::abs(p.bend) * p.ra * p.ra +
               p.soft_mm + 1;
  return p;
}

Patch patch_of(const Spheroid& s, const StickerTruth& st) {
  Patch p = base_patch(s, st.at, st.length_mm, st.width_mm, st.orientation_deg);
  p.power = st.oval ? 2 : 4;
  p.soft_mm = 0.2;
  // Superellipse area 4 a b Γ(1 + 1/p)² / Γ(1 + 2/p); π a b for p = 2.
  p.planar_area_mm2 = 4 * p.ra * p.rb * std::pow(std::tgamma(1 + 1 / p.power), 2) /
                      std::tgamma(1 + 2 / p.power);
  p.reach_mm = std::hypot(p.ra, p.rb) + 1;
  return p;
}

PatchPoint locate(const Patch& p, Vec3 point, Vec3 normal) {
  PatchPoint out;
  const Vec3 d = point - p.centre;
  if (dot(d, d) > p.reach_mm * p.reach_mm || dot(normal, p.normal) < 0.25) return out;
  const double a = dot(d, p.t1);
  const double b = dot(d, p.t2) + p.bend * a * a;
  out.along = a / p.ra;
  out.across = b / p.rb;
  const double rho = patch_radius(p, out.along, out.across);
  if (rho < 1e-9) {
    out.distance_mm = -std::min(p.ra, p.rb);
    return out;
  }
  // Distance to the outline along the gradient of the normalised radius.
  double ga, gb;
  if (p.power == 2) {
    ga = out.along / (rho * p.ra);
    gb = out.across / (rho * p.rb);
  } else {
    const double k = std::pow(rho, 1 - p.power);
    ga = k * std::pow(std::abs(out.along), p.power - 1) / p.ra;
    gb = k * std::pow(std::abs(out.across), p.power - 1) / p.rb;
  }
  const double edge = outline_radius(p, std::atan2(out.across, out.along));
  out.distance_mm = (rho - edge) / std::max(1e-9, std::hypot(ga, gb));
  return out;
}

SkinFields skin_fields(std::uint64_t render_seed) {
  SeededRandom rng(render_seed, 0x5C1Eu, 0);
  auto field = [&](double k_min, double k_max) {
    SkinField f;
    for (std::size_t i = 0; i < 3; ++i) {
      double z = rng.uniform(-1, 1), phi = rng.uniform(0, 2 * M_PI);
      double r = std::sqrt(1 - z * z), k = rng.uniform(k_min, k_max);
      f.k[i] = Vec3{r * std::cos(phi), r * std::sin(phi), z} * k;
      f.phase[i] = rng.uniform(0, 2 * M_PI);
    }
    return f;
  };
  SkinFields f;
  f.mottle = field(4.0, 9.0);
  f.under = field(1.6, 3.0);
  return f;
}

}  // namespace synth
}  // namespace coldsort::vision
