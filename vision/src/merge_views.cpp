// Merging the K views of one cup. Rollers turn the fruit about the lane axis (the image's x
// axis) between views, so a skin defect keeps its x position and moves in y from view to
// view; the same defect seen in two views is matched by x and counted once, at its largest
// (most face-on) surface estimate.
#include <algorithm>
#include <cmath>
#include <vector>

#include "coldsort/vision/grader.hpp"
#include "fruit_shape.hpp"

namespace coldsort::vision {
namespace {

using core::DefectKind;

// Views of one fruit whose diameters spread wider than this disagree: the fruit moved,
// another object came into view, or one view is cut.
constexpr double kMaxDiameterSpreadMm = 4.0;

struct DefectTrack {
  DefectKind kind;
  double x_mm;
  double area_mm2;
  int last_view;
};

bool dark(DefectKind k) {
  return k == DefectKind::bruise || k == DefectKind::rot || k == DefectKind::crack;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The same defect in another view: same side of the fruit along the lane axis (within
// its own size), same family (dark or light), and not already matched in this view.
DefectTrack* match(std::vector<DefectTrack>& tracks, const DefectRegion& d, int view) {
  DefectTrack* best = nullptr;
  double best_dx = 1e9;
  for (DefectTrack& t : tracks) {
    if (t.last_view == view || dark(t.kind) != dark(d.kind)) continue;
    const double reach = std::max(4.0, 0.6 * std::sqrt(std::max(t.area_mm2, d.area_mm2)));
    const double dx = std::abs(t.x_mm - d.surface_mm.x);
    if (dx <= reach && dx < best_dx) best = &t, best_dx = dx;
  }
  return best;
}

// Rot outranks bruise, crack outranks both: a track keeps the worst kind seen.
DefectKind worse(DefectKind a, DefectKind b) {
  auto rank = [](DefectKind k) {
    switch (k) {
      case DefectKind::crack: return 4;
      case DefectKind::rot: return 3;
      case DefectKind::sunburn: return 2;
      case DefectKind::bruise: return 1;
      case DefectKind::scar: return 0;
    }
    return 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace

core::Measurement merge_views(std::span<const ViewMeasurement> views,
                              const core::WeightModel& weight) {
  if (views.empty()) return {};
  if (views.size() == 1) return views.front().measured;
  core::Measurement m = views.front().measured;
  m.views = static_cast<int>(views.size());
  std::vector<double> major, minor, area;
  double lab[3] = {0, 0, 0}, hue_x = 0, hue_y = 0;
  for (const ViewMeasurement& v : views) {
    const core::Measurement& x = v.measured;
    major.push_back(x.diameter_mm);
    minor.push_back(x.minor_diameter_mm);
    area.push_back(x.area_mm2);
    lab[0] += x.lab_l, lab[1] += x.lab_a, lab[2] += x.lab_b;
    hue_x += std::cos(x.mean_hue_deg * M_PI / 180), hue_y += std::sin(x.mean_hue_deg * M_PI / 180);
    m.colour_share = std::min(m.colour_share, x.colour_share);  // the worst side counts
    m.confidence = std::min(m.confidence, x.confidence);
    if (m.doubt == core::Doubt::none) m.doubt = x.doubt;
  }
  const double n = static_cast<double>(views.size());
  m.diameter_mm = median(major);
  // Turning about the lane axis shows the polar axis in some views: the smallest minor
  // diameter is the fruit's height, the one the volume needs.
  m.minor_diameter_mm = *std::min_element(minor.begin(), minor.end());
  m.area_mm2 = median(area);
  m.lab_l = lab[0] / n, m.lab_a = lab[1] / n, m.lab_b = lab[2] / n;
  const double hue = std::atan2(hue_y, hue_x) * 180 / M_PI;
  m.mean_hue_deg = hue < 0 ? hue + 360 : hue;
  const double spread = *std::max_element(major.begin(), major.end()) -
                        *std::min_element(major.begin(), major.end());
  if (spread > kMaxDiameterSpreadMm && m.doubt == core::Doubt::none) {
    m.doubt = core::Doubt::views_disagree;
    m.confidence = std::min(m.confidence, 0.3);
  }

  std::vector<DefectTrack> tracks;
  for (std::size_t i = 0; i < views.size(); ++i) {
    for (const DefectRegion& d : views[i].defects) {
      const int view = static_cast<int>(i);
      if (DefectTrack* t = match(tracks, d, view)) {
        t->area_mm2 = std::max(t->area_mm2, d.area_mm2);
        t->kind = worse(t->kind, d.kind);
        t->x_mm = d.surface_mm.x;
        t->last_view = view;
      } else {
        tracks.push_back({d.kind, d.surface_mm.x, d.area_mm2, view});
      }
    }
  }
  m.defect_area_mm2 = 0;
  m.largest_defect_mm2 = 0;
  m.defect_kinds = 0;
  for (const DefectTrack& t : tracks) {
    m.defect_area_mm2 += t.area_mm2;
    m.largest_defect_mm2 = std::max(m.largest_defect_mm2, t.area_mm2);
    m.defect_kinds |= core::bit(t.kind);
  }
  m.defect_count = static_cast<int>(tracks.size());
  detail::complete_shape(m, weight);
  return m;
}

}  // namespace coldsort::vision
