// The weight model: ordinary least squares of weight on volume over weighed fruit.
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

#include "coldsort/vision/calibration.hpp"

namespace coldsort::vision {
namespace {

// The range core's config accepts for g_per_cm3 (core/src/config.cpp read_weight_model):
// whole fruit, from dry and hollow to heavier than water. A slope outside it from a free fit
// means the samples' sizes are too alike to tell slope from offset.
constexpr double kMinDensity = 0.3;
constexpr double kMaxDensity = 2.0;
constexpr double kMaxOffsetG = 500;     // the config's bound on offset_g
constexpr double kMaxRmsErrorG = 1000;  // the config's bound on rms_error_g

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string sample_name(std::size_t i) { return "sample " + std::to_string(i + 1); }

double rms_of(std::span<const WeightSample> samples, double slope, double offset) {
  double sum = 0;
  for (const WeightSample& s : samples) {
    const double r = s.weight_g - (slope * s.volume() + offset);
    sum += r * r;
  }
  return std::sqrt(sum / static_cast<double>(samples.size()));
}

std::string check_samples(std::span<const WeightSample> samples) {
  if (samples.size() < static_cast<std::size_t>(kMinWeightSamples))
    return "a weight model needs at least " + std::to_string(kMinWeightSamples) +
           " weighed fruit, got " + std::to_string(samples.size()) +
           " (weigh 10-20 fruit spanning the sizes you grade)";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const WeightSample& s = samples[i];
    if (!(s.volume() > 0 && std::isfinite(s.volume())))
      return sample_name(i) + ": the volume must be positive (diameters in mm)";
    if (!(s.weight_g > 0 && std::isfinite(s.weight_g)))
      return sample_name(i) + ": the weight must be positive (grams)";
  }
  return {};
}

// Centred sums for the free fit, and raw ones for the fit through the origin.
struct Sums {
  double mean_v = 0, mean_w = 0;
  double sxx = 0, sxy = 0;  // about the means
  double svv = 0, svw = 0;  // about zero
};

Sums sums_of(std::span<const WeightSample> samples) {
  Sums s;
  const double n = static_cast<double>(samples.size());
  for (const WeightSample& x : samples) {
    s.mean_v += x.volume() / n;
    s.mean_w += x.weight_g / n;
  }
  for (const WeightSample& x : samples) {
    const double v = x.volume();
    s.sxx += (v - s.mean_v) * (v - s.mean_v);
    s.sxy += (v - s.mean_v) * (x.weight_g - s.mean_w);
    s.svv += v * v;
    s.svw += v * x.weight_g;
  }
  return s;
}

}  // namespace

double spheroid_volume_cm3(double diameter_mm, double minor_mm) {
  // An oblate spheroid (a pomegranate is flattened at the poles) with equatorial diameter D
  // and polar diameter d: V = 4/3 pi (D/2)^2 (d/2) = pi/6 D^2 d; mm^3 -> cm^3 via cm.
  const double d_cm = diameter_mm / 10, minor_cm = minor_mm / 10;
  return std::numbers::pi / 6 * d_cm * d_cm * minor_cm;
}

double WeightSample::volume() const {
  return volume_cm3 > 0 ? volume_cm3 : spheroid_volume_cm3(diameter_mm, minor_mm);
}

WeightFit fit_weight_model(std::span<const WeightSample> samples) {
  WeightFit fit;
  fit.error = check_samples(samples);
  if (!fit.ok()) return fit;
  const Sums sums = sums_of(samples);
  double slope = 0, offset = 0;
  if (sums.sxx <= 1e-12 * sums.svv) {  // equal to within rounding: no slope to fit
    fit.through_origin = true;
    fit.note = "all samples have the same volume, so only the density was fitted (offset 0)";
  } else {
    slope = sums.sxy / sums.sxx;
    offset = sums.mean_w - slope * sums.mean_v;
    if (slope < kMinDensity || slope > kMaxDensity || std::abs(offset) > kMaxOffsetG) {
      fit.through_origin = true;
      fit.note = "the free fit gave " + fixed(slope, 3) + " g/cm3 and " + fixed(offset, 0) +
                 " g offset, which no fruit has: the samples' sizes are too alike to separate "
                 "density from offset, so only the density was fitted (offset 0); weigh fruit "
                 "from small to large";
    }
  }
  if (fit.through_origin) {
    slope = sums.svw / sums.svv;
    offset = 0;
  }
  if (slope < kMinDensity || slope > kMaxDensity) {
    fit.error = "the samples give " + fixed(slope, 3) +
                " g/cm3, outside 0.3-2.0: check the units (weight in g, diameters in mm)";
    return fit;
  }
  fit.model.g_per_cm3 = slope;
  fit.model.offset_g = offset;
  fit.model.samples = static_cast<int>(samples.size());
  fit.model.rms_error_g = rms_of(samples, slope, offset);
  if (fit.model.rms_error_g > kMaxRmsErrorG)
    fit.error = "the fit misses by " + fixed(fit.model.rms_error_g, 0) +
                " g on average: the samples do not follow one density";
  return fit;
}

}  // namespace coldsort::vision
