#pragma once
// Volume, weight and surface of a fruit from its two measured diameters, treating it as an
// oblate spheroid (a pomegranate is a little wider than tall): the equatorial diameter is
// the measured maximum, the polar one the measured minor diameter.
// Thread safety: free functions, no shared state.
#include <algorithm>
#include <cmath>

#include "coldsort/core/fruit.hpp"
#include "coldsort/vision/grader.hpp"

namespace coldsort::vision::detail {

inline double spheroid_surface_mm2(double d_eq, double d_pol) {
  const double a = d_eq / 2, c = std::min(d_pol, d_eq) / 2;
  if (a <= 0) return 0;
  const double e2 = 1 - (c * c) / (a * a);
  if (e2 < 1e-6) return 4 * M_PI * a * a;
  const double e = std::sqrt(e2);
  return 2 * M_PI * a * a * (1 + (1 - e2) / e * std::atanh(e));
}

// Sets volume_cm3, weight_g and defect_share from the diameters and defect area.
inline void complete_shape(core::Measurement& m, const core::WeightModel& weight) {
  m.volume_cm3 = M_PI / 6.0 * std::pow(m.diameter_mm / 10, 2) * (m.minor_diameter_mm / 10);
  m.weight_g = std::max(0.0, weight.g_per_cm3 * m.volume_cm3 + weight.offset_g);
  const double surface = spheroid_surface_mm2(m.diameter_mm, m.minor_diameter_mm);
  m.defect_share = surface > 0 ? std::min(1.0, m.defect_area_mm2 / surface) : 0;
}

}  // namespace coldsort::vision::detail
