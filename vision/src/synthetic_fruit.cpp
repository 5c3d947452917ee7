// The synthetic fruit's truth: what is in a cup, drawn from seeded random streams.
#include <algorithm>
#include <cmath>
#include <vector>

#include "seeded_random.hpp"
#include "synthetic_model.hpp"

namespace coldsort::vision {
namespace {

using core::DefectKind;
using namespace synth;

// Size spread of a Huili harvest: most fruit 75-100 mm across.
constexpr double kMeanDiameterMm = 88;
constexpr double kDiameterSdMm = 10;
// Pomegranate flesh and arils run ~0.9-1.0 g/cm3; below 0.85 a fruit is light for its size
// (internal rot, dry or missing arils).
constexpr double kDensityGPerCm3 = 0.95;
constexpr double kLightDensityGPerCm3 = 0.85;
// Quadrature points over the whole skin for colour shares (~0.1 % resolution).
constexpr int kSkinSamples = 3000;

// One random stream per aspect, so that turning one knob does not reshuffle the others.
enum class Aspect : std::uint64_t { scene = 1, body, defects, sticker, doubt, empty };

SeededRandom stream(const core::CameraConfig& c, int lane, std::uint64_t cup, Aspect a) {
  return SeededRandom(c.seed + static_cast<std::uint64_t>(a) * 0x9E3779B97F4A7C15ull,
                      static_cast<std::uint64_t>(lane), cup);
}

double wrap_deg(double deg) { return std::fmod(std::fmod(deg, 360) + 360, 360); }

SurfaceDirection random_direction(SeededRandom& rng) {
  double z = rng.uniform(-1, 1), phi = rng.uniform(0, 2 * M_PI), r = std::sqrt(1 - z * z);
  return {r * std::cos(phi), r * std::sin(phi), z};
}

void draw_scene(FruitTruth& t, SeededRandom rng, const SyntheticScene& sc) {
  t.render_seed = rng.next();
  t.gain = rng.uniform(sc.gain_min, sc.gain_max);
  t.gradient = rng.uniform(0, sc.gradient_max);
  t.gradient_angle_deg = rng.uniform(0, 360);
  t.tint = rng.uniform(-sc.tint_max, sc.tint_max);
  t.belt = rng.uniform() < sc.belt_share;
  t.dirt = rng.uniform() < sc.dirt_share;
  t.softness_px = rng.uniform() < sc.softness_share ? rng.uniform(0.3, 0.6) : 0.0;
}

void draw_body(FruitTruth& t, SeededRandom rng, const SyntheticScene& sc) {
  t.diameter_mm = std::clamp(rng.normal(kMeanDiameterMm, kDiameterSdMm), 58.0, 118.0);
  t.minor_diameter_mm = t.diameter_mm * rng.uniform(0.88, 0.98);
  t.surface_mm2 = spheroid_surface_mm2(t.diameter_mm, t.minor_diameter_mm);
  t.volume_cm3 = M_PI / 6 * t.diameter_mm * t.diameter_mm * t.minor_diameter_mm / 1000;
  bool light = rng.uniform() < sc.light_share;
  t.density_g_per_cm3 =
      light ? rng.uniform(0.70, 0.84) : kDensityGPerCm3 * rng.uniform(0.95, 1.05);
  t.light_for_size = t.density_g_per_cm3 < kLightDensityGPerCm3;
  t.weight_g = t.density_g_per_cm3 * t.volume_cm3;
  // An oblate fruit often rolls with its polar axis along the rollers' axis (x).
  if (rng.uniform() < 0.5) {
    double side = rng.uniform() < 0.5 ? -1 : 1;
    t.axis = to_direction({side, rng.normal(0, 0.3), rng.normal(0, 0.3)});
  } else {
    t.axis = random_direction(rng);
  }
  t.spin_deg = rng.uniform(0, 360);
  t.phase_deg = rng.uniform(0, 360);
  t.offset_x_mm = rng.normal(0, 4);
  t.offset_y_mm = rng.normal(0, 4);
  t.hue_deg = wrap_deg(rng.uniform(-10, 12));
  t.saturation = rng.uniform(0.62, 0.85);
  t.value = rng.uniform(0.60, 0.72);
  bool under = rng.uniform() < sc.under_coloured_share;
  t.under_colour_share = under ? rng.uniform(0.05, 0.55) : 0.0;
  t.calyx = sc.calyx;
  t.mottling = sc.mottling;
  t.calyx_diameter_mm = rng.uniform(15, 25);
  t.calyx_length_mm = rng.uniform(7, 13);
  t.calyx_sepals = 5 + static_cast<int>(rng.uniform() * 4);
}

// Total defect area of a defective fruit: often near a grading limit (50, 100, 200 mm²
// absolute as Chinese market specs use; 1, 5, 10 % of the surface for Codex CXS 310-2013
// classes), else spread evenly on a log scale from 5 mm² to 12 % of the surface.
double total_defect_mm2(const FruitTruth& t, SeededRandom& rng, const SyntheticScene& sc) {
  if (rng.uniform() < sc.near_limit_share) {
    const double limits[] = {50, 100, 200, 0.01 * t.surface_mm2, 0.05 * t.surface_mm2,
                             0.10 * t.surface_mm2};
    double limit = limits[static_cast<int>(rng.uniform() * 6)];
    return limit * std::exp(rng.normal(0, 0.15));
  }
  return std::exp(rng.uniform(std::log(5.0), std::log(0.12 * t.surface_mm2)));
}

DefectKind choose_kind(double area_mm2, SeededRandom& rng) {
  double u = rng.uniform();
  if (area_mm2 >= 20 && area_mm2 <= 180 && u < 0.15) return DefectKind::crack;
  u = rng.uniform();
  if (area_mm2 <= 250 && u < 0.25) return DefectKind::scar;
  u = rng.uniform();
  if (u < 0.14) return DefectKind::rot;
  if (u < 0.38) return DefectKind::sunburn;
  return DefectKind::bruise;
}

// Shape of a defect of planar area `area_mm2` (before laying it on the skin).
DefectTruth shape_defect(DefectKind kind, double area_mm2, SeededRandom& rng) {
  DefectTruth d;
  d.kind = kind;
  d.orientation_deg = rng.uniform(0, 180);
  double aspect = 1, wobble = 0;
  switch (kind) {
    case DefectKind::bruise: aspect = rng.uniform(1, 1.6), wobble = 0.08, d.soft_edge_mm = rng.uniform(2, 4); break;
    case DefectKind::rot: aspect = rng.uniform(1, 1.4), wobble = 0.10, d.soft_edge_mm = rng.uniform(1.5, 2.5); break;
    case DefectKind::sunburn: aspect = rng.uniform(1, 1.8), wobble = 0.12, d.soft_edge_mm = rng.uniform(2.5, 4); break;
    case DefectKind::scar: aspect = rng.uniform(1.2, 2.5), wobble = 0.25, d.soft_edge_mm = rng.uniform(0.3, 0.6); break;
    case DefectKind::crack: break;
  }
  if (kind == DefectKind::crack) {
    // 15-60 mm long, 1.5-4 mm wide, tapered at both ends (area pi/4 L w).
    double w = rng.uniform(1.5, 4);
    double len = std::clamp(area_mm2 / (M_PI / 4 * w), 15.0, 60.0);
    w = std::clamp(area_mm2 / (M_PI / 4 * len), 1.5, 4.0);
    d.length_mm = len;
    d.width_mm = w;
    d.bend_per_mm = rng.uniform(-0.4, 0.4) / len;  // bows by up to 10 % of its length
    d.soft_edge_mm = 0.3;
    return d;
  }
  double wobble_sq = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    d.wobble[k] = rng.uniform(0, wobble) / static_cast<double>(k + 1);
    d.wobble_phase[k] = rng.uniform(0, 2 * M_PI);
    wobble_sq += d.wobble[k] * d.wobble[k];
  }
  double rb = std::sqrt(area_mm2 / (M_PI * aspect * (1 + wobble_sq / 2)));
  d.length_mm = 2 * rb * aspect;
  d.width_mm = 2 * rb;
  d.soft_edge_mm = std::min(d.soft_edge_mm, rb);  // a small spot stays visible at its centre
  d.halo = kind == DefectKind::rot && rng.uniform() < 0.4;
  return d;
}

double skin_area_of(const Spheroid& s, const Patch& p) {
  double area = 0;
  integrate_patch(s, p, [&](Vec3, Vec3, double w) { area += w; });
  return area;
}

// Scales a defect so that its area on the skin is `target_mm2`, and records that area.
void fit_area(const Spheroid& s, DefectTruth& d, double target_mm2) {
  for (int pass = 0; pass < 2; ++pass) {
    double area = skin_area_of(s, patch_of(s, d));
    if (area <= 0) break;
    double k = std::sqrt(target_mm2 / area);
    if (d.kind == DefectKind::crack) {
      d.length_mm *= k * k;  // keep the width, stretch the length
    } else {
      d.length_mm *= k, d.width_mm *= k;
    }
  }
  d.area_mm2 = skin_area_of(s, patch_of(s, d));
}

// Angular room a patch needs on the skin, rad.
double angular_radius(const Spheroid& s, const Patch& p) { return p.reach_mm / std::min(s.a, s.c); }

struct Occupied {
  Vec3 at;
  double radius_rad;
};

bool is_free(Vec3 at, double radius_rad, const std::vector<Occupied>& taken) {
  for (const Occupied& o : taken)
    if (std::acos(std::clamp(dot(at, o.at), -1.0, 1.0)) < radius_rad + o.radius_rad + 0.03)
      return false;
  return true;
}

// Finds a place on the skin clear of the crown and of what is already there.
bool place(SurfaceDirection& at, double radius_rad, std::vector<Occupied>& taken,
           SeededRandom& rng) {
  for (int attempt = 0; attempt < 60; ++attempt) {
    SurfaceDirection candidate = random_direction(rng);
    if (!is_free(to_vec(candidate), radius_rad, taken)) continue;
    at = candidate;
    taken.push_back({to_vec(candidate), radius_rad});
    return true;
  }
  return false;
}

void add_defects(FruitTruth& t, SeededRandom rng, const SyntheticScene& sc,
                 std::vector<Occupied>& taken) {
  if (rng.uniform() >= sc.defect_share) return;
  const Spheroid s = spheroid_of(t);
  const double total = total_defect_mm2(t, rng, sc);
  // One defect stays below ~1,400 mm²; larger totals are several defects.
  int n = std::max(static_cast<int>(std::ceil(total / 1400)),
                   1 + (rng.uniform() < 0.35 ? 1 : 0) + (rng.uniform() < 0.1 ? 1 : 0));
  std::vector<double> weights(static_cast<std::size_t>(n));
  double sum = 0;
  for (double& w : weights) sum += (w = rng.uniform(0.4, 1.0));
  std::sort(weights.rbegin(), weights.rend());
  for (double w : weights) {
    const double area = total * w / sum;
    DefectTruth d = shape_defect(choose_kind(area, rng), area, rng);
    if (!place(d.at, angular_radius(s, patch_of(s, d)) * 1.05, taken, rng)) continue;
    fit_area(s, d, d.kind == DefectKind::crack ? M_PI / 4 * d.length_mm * d.width_mm : area);
    t.defects.push_back(d);
    t.defect_mm2 += d.area_mm2;
    t.largest_defect_mm2 = std::max(t.largest_defect_mm2, d.area_mm2);
    t.defect_kinds |= core::bit(d.kind);
  }
  t.defect_share = t.defect_mm2 / t.surface_mm2;
}

void add_sticker(FruitTruth& t, SeededRandom rng, const SyntheticScene& sc,
                 std::vector<Occupied>& taken) {
  if (rng.uniform() >= sc.sticker_share) return;
  const Spheroid s = spheroid_of(t);
  StickerTruth& st = t.sticker;
  st.oval = rng.uniform() < 0.5;
  st.length_mm = rng.uniform(18, 26);
  st.width_mm = rng.uniform(12, 17);
  st.orientation_deg = rng.uniform(0, 180);
  if (!place(st.at, angular_radius(s, patch_of(s, st)), taken, rng)) return;
  st.present = true;
  st.area_mm2 = skin_area_of(s, patch_of(s, st));
}

// The under-colour level: the drawn yellow-pink areas cover under_colour_share of the skin.
void set_under_colour_level(FruitTruth& t) {
  t.under_colour_level = 4;  // above the field's maximum: no yellow-pink
  if (t.under_colour_share <= 0) return;
  const Spheroid s = spheroid_of(t);
  const SkinFields fields = skin_fields(t.render_seed);
  std::vector<std::pair<double, double>> samples;  // level, area
  double total = 0;
  integrate_surface(s, kSkinSamples, [&](Vec3 p, Vec3, double area) {
    samples.emplace_back(fields.under(p * (1 / s.a)), area);
    total += area;
  });
  std::sort(samples.rbegin(), samples.rend());
  double above = 0;
  for (const auto& [level, area] : samples) {
    if (above >= t.under_colour_share * total) break;
    above += area;
    t.under_colour_level = level;
  }
}

}  // namespace

namespace synth {

double red_share(const FruitTruth& t, const Vec3* toward_camera) {
  const Spheroid s = spheroid_of(t);
  const SkinFields fields = skin_fields(t.render_seed);
  std::vector<Patch> covers;
  for (const DefectTruth& d : t.defects) covers.push_back(patch_of(s, d));
  if (t.sticker.present) covers.push_back(patch_of(s, t.sticker));
  double skin = 0, red = 0;
  integrate_surface(s, kSkinSamples, [&](Vec3 p, Vec3 n, double area) {
    if (toward_camera != nullptr) {
      const double facing = dot(n, *toward_camera);
      if (facing <= 0) return;
      area *= facing;  // as the camera sees it: projected area
    }
    if (t.calyx && p.z > 0 && std::hypot(p.x, p.y) < kCalyxBaseShare * t.calyx_diameter_mm) return;
    for (const Patch& c : covers)
      if (locate(c, p, n).distance_mm < 0) return;
    skin += area;
    if (fields.under(p * (1 / s.a)) < t.under_colour_level) red += area;
  });
  return skin > 0 ? red / skin : 0;
}

}  // namespace synth

FruitTruth SyntheticCamera::truth_for(int lane, std::uint64_t cup) const {
  FruitTruth t;
  t.lane = lane;
  t.cup = cup;
  t.views = std::max(1, camera_.views_per_fruit);
  draw_scene(t, stream(camera_, lane, cup, Aspect::scene), scene_);
  if (stream(camera_, lane, cup, Aspect::empty).uniform() < camera_.empty_cup_share) return t;
  t.present = true;
  draw_body(t, stream(camera_, lane, cup, Aspect::body), scene_);
  const Spheroid s = spheroid_of(t);
  // The crown owns the skin around the +z pole.
  std::vector<Occupied> taken;
  if (t.calyx) taken.push_back({{0, 0, 1}, t.calyx_diameter_mm / 2 / s.c});
  add_defects(t, stream(camera_, lane, cup, Aspect::defects), scene_, taken);
  add_sticker(t, stream(camera_, lane, cup, Aspect::sticker), scene_, taken);
  place_and_doubt(t, stream(camera_, lane, cup, Aspect::doubt), scene_,
                         {lane_width_px(), camera_.height_px, camera_.px_per_mm, scene_.jitter_mm});
  set_under_colour_level(t);
  t.colour_share = synth::red_share(t, nullptr);
  return t;
}

}  // namespace coldsort::vision
