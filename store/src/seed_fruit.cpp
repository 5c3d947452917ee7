#include "seed_fruit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

namespace coldsort::store::detail {
namespace {

using core::DefectKind;
using core::Grade;

constexpr double kLineStartMin = 6 * 60;  // the line runs 06:00-22:00 local
constexpr double kLineStopMin = 22 * 60;
// The sorter PLC's chain: 8 cups per second per lane (config/default.json
// line.belt_speed_cups_per_s), so a cup index is the chain's time in 125 ms steps.
constexpr std::int64_t kCupMs = 125;
// Until 18:00 outlet 6 takes small Class II fruit; then its packers go home and that fruit
// recirculates until the next morning (the evening crew packs 250 g and up only).
constexpr double kSmallClassIiUntilMin = 18 * 60;

// Breaks: a skeleton crew keeps the line fed at a quarter of its rate (local minutes).
struct Break {
  double from_min, to_min;
};
constexpr std::array<Break, 5> kBreaks{{{9 * 60 + 30, 9 * 60 + 45},
                                        {11 * 60 + 30, 12 * 60 + 30},
                                        {15 * 60, 15 * 60 + 15},
                                        {17 * 60 + 30, 18 * 60},
                                        {20 * 60, 20 * 60 + 15}}};
constexpr double kBreakRate = 0.25;

double line_rate(double minute) {
  for (const Break& b : kBreaks)
    if (minute >= b.from_min && minute < b.to_min) return kBreakRate;
  // The singulator fills the lanes over the first ten minutes.
  if (minute < kLineStartMin + 10) return 0.3 + 0.07 * (minute - kLineStartMin);
  return 1.0;
}

// Skin defect kinds as a Huili packhouse sees them: mostly bruises from handling, sunburn
// and wind scars; cracks (rain before harvest) and rot are rare.
DefectKind draw_defect_kind(Rng& rng) {
  const double u = rng.uniform();
  if (u < 0.40) return DefectKind::bruise;
  if (u < 0.65) return DefectKind::sunburn;
  if (u < 0.90) return DefectKind::scar;
  if (u < 0.96) return DefectKind::crack;
  return DefectKind::rot;
}

core::GradingStandard make_standard() {
  core::GradingStandard s;
  s.id = "cn-ecommerce-pomegranate-v1";
  s.version = "1.0";
  s.min_confidence = 0.8;
  s.exclusions = {{DefectKind::rot, 0, ""}, {DefectKind::crack, 0, ""}};
  s.quality = {{Grade::extra, "", std::nullopt, 0.0, 350.0, std::nullopt, ""},
               {Grade::class_i, "", std::nullopt, 100.0, 250.0, std::nullopt, ""},
               {Grade::class_ii, "", std::nullopt, 200.0, 200.0, std::nullopt, ""}};
  s.size_basis = core::SizeBasis::weight;
  s.sizes = {{"350g+", 350, 1e9, ""}, {"250-349g", 250, 350, ""}, {"200-249g", 200, 250, ""}};
  s.colour.classes = {{"full-red", 0.8}, {"red", 0.5}, {"pale", 0.0}};
  return s;
}

}  // namespace

const core::GradingStandard& seed_standard() {
  static const core::GradingStandard standard = make_standard();
  return standard;
}

std::string product_for(Grade grade, const std::string& size_code) {
  if (size_code.empty()) return {};
  switch (grade) {
    case Grade::extra: return "EX-" + size_code;
    case Grade::class_i: return "I-" + size_code;
    case Grade::class_ii: return "II-" + size_code;
    default: return {};
  }
}

int outlet_for(const std::string& product_id) {
  static const std::array<const char*, 6> kProducts{"EX-350g+",    "I-350g+",     "I-250-349g",
                                                    "II-350g+",    "II-250-349g", "II-200-249g"};
  for (std::size_t i = 0; i < kProducts.size(); ++i)
    if (product_id == kProducts[i]) return static_cast<int>(i) + 1;
  return kRecirculationOutlet;
}

FruitSeeder::FruitSeeder(const SeedOptions& options, const SeasonCalendar& calendar,
                         const std::vector<LotPlan>& lots)
    : options_(options), calendar_(calendar), lots_(lots),
      last_cup_(static_cast<std::size_t>(options.lanes), 0) {}

std::vector<LotRun> FruitSeeder::generate_day(int day, DayRecords& out) {
  const std::int64_t n = calendar_.fruit_per_day[static_cast<std::size_t>(day)];
  std::vector<LotRun> runs;
  if (lot_ < lots_.size()) runs.push_back({calendar_.day_start_ms(day), lots_[lot_].lot.id});
  if (n == 0) return runs;
  add_line_actions(day, out);
  Rng rng = rng_for(options_.seed, day, SeedStream::fruit);
  const int minutes = static_cast<int>(kLineStopMin - kLineStartMin);
  std::vector<double> weights(static_cast<std::size_t>(minutes));
  for (int m = 0; m < minutes; ++m) weights[static_cast<std::size_t>(m)] = line_rate(kLineStartMin + m);
  const std::vector<std::int64_t> per_minute = split_exactly(n, weights);
  std::int64_t index = calendar_.fruit_before_day[static_cast<std::size_t>(day)];
  std::vector<std::int64_t> offsets;
  for (int m = 0; m < minutes; ++m) {
    const std::int64_t minute_ms = calendar_.local_ms(day, kLineStartMin + m);
    offsets.clear();
    for (std::int64_t k = 0; k < per_minute[static_cast<std::size_t>(m)]; ++k)
      offsets.push_back(rng.below(kMinuteMs));
    std::sort(offsets.begin(), offsets.end());
    for (std::int64_t offset : offsets) {
      while (lot_ + 1 < lots_.size() && index >= lots_[lot_].end_fruit) {
        ++lot_;
        runs.push_back({minute_ms + offset, lots_[lot_].lot.id});
        add_action(out, minute_ms + offset - 1000, line_operator(options_, kLineStartMin + m),
                   "lot.start", lots_[lot_].lot.id,
                   "grower " + lots_[lot_].lot.grower + ", from " + lots_[lot_].lot.cold_room);
      }
      const int lane = static_cast<int>(rng.below(options_.lanes));
      const bool small_ii = kLineStartMin + m < kSmallClassIiUntilMin;
      out.push_back({minute_ms + offset, make_fruit(rng, lots_[lot_], minute_ms + offset, lane, small_ii)});
      ++index;
    }
  }
  return runs;
}

core::Fruit FruitSeeder::make_fruit(Rng& rng, const LotPlan& lot, std::int64_t t_ms, int lane,
                                    bool small_class_ii_planned) {
  core::Fruit f;
  std::uint64_t& last = last_cup_[static_cast<std::size_t>(lane)];
  const auto chain = static_cast<std::uint64_t>((t_ms - calendar_.first_day_ms) / kCupMs);
  last = std::max(chain, last + 1);
  f.at = core::CupRef{lane, last};
  f.seen_at = wall_from_ms(t_ms);
  f.lot_id = lot.lot.id;
  const double u = rng.uniform();
  // About 1 in 500 cups loses its frames (a camera drop: nothing measured, NaN weight)...
  if (u < 0.002) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    core::Measurement& m = f.measured;
    m.diameter_mm = m.minor_diameter_mm = m.area_mm2 = m.volume_cm3 = m.weight_g = nan;
    m.mean_hue_deg = m.colour_share = m.defect_area_mm2 = m.defect_share = nan;
    m.largest_defect_mm2 = nan;
    m.views = 0;
    f.reason = core::DecisionReason::camera_drop;
    f.outlet = kRecirculationOutlet;
    return f;
  }
  measure(rng, lot, f.measured);
  // ...and 1.5 % are doubted (two fruit in a cup, blur, a leaf): measured, never graded.
  if (u < 0.017) {
    static constexpr std::array kDoubts{core::Doubt::two_fruit, core::Doubt::blurred,
                                        core::Doubt::odd_shape, core::Doubt::touches_border,
                                        core::Doubt::views_disagree};
    f.measured.doubt = kDoubts[static_cast<std::size_t>(rng.below(kDoubts.size()))];
    f.measured.confidence = round_to(rng.uniform(0.45, 0.79), 100);
    f.reason = core::DecisionReason::uncertain;
    f.outlet = kRecirculationOutlet;
    return f;
  }
  const core::GradingStandard& standard = seed_standard();
  f.grade = standard.grade_for(f.measured);
  if (const core::SizeBand* band = standard.size_for(f.measured)) f.size_code = band->code;
  f.product_id = product_for(f.grade, f.size_code);
  if (f.grade == Grade::out_of_grade) {
    f.reason = core::DecisionReason::out_of_grade;
    f.outlet = kRejectOutlet;
  } else if (f.product_id == "II-200-249g" && !small_class_ii_planned) {
    f.reason = core::DecisionReason::unplanned_product;
    f.outlet = kRecirculationOutlet;
  } else if (u > 0.9995) {  // 1 in 2,000 decisions misses the PLC's deadline: end of line
    f.reason = core::DecisionReason::late;
    f.outlet = 0;
  } else {
    f.reason = core::DecisionReason::graded;
    f.outlet = outlet_for(f.product_id);
  }
  return f;
}

void FruitSeeder::measure(Rng& rng, const LotPlan& lot, core::Measurement& m) {
  const double true_g = std::clamp(rng.lognormal(lot.median_g, kFruitWeightSigma), 150.0, 900.0);
  // A whole pomegranate is about as dense as water (~1 g/cm3) and slightly oblate (length
  // to diameter ~0.85-0.95): V = 4/3 pi a^2 c with c = k a gives the equatorial radius a.
  const double k = rng.uniform(0.85, 0.95);
  const double volume_cm3 = true_g / 1.0;
  const double diameter_mm = 20.0 * std::cbrt(3.0 * volume_cm3 / (4.0 * std::numbers::pi * k));
  // The camera sees the fruit lying at any angle: its minor axis is between c and a.
  const double minor_mm = diameter_mm * rng.uniform(k, 1.0);
  m.diameter_mm = round_to(diameter_mm * (1 + rng.normal(0, 0.01)), 10);
  m.minor_diameter_mm = round_to(minor_mm * (1 + rng.normal(0, 0.01)), 10);
  m.area_mm2 = std::round(std::numbers::pi / 4 * m.diameter_mm * m.minor_diameter_mm);
  m.volume_cm3 = std::round(std::numbers::pi / 6 * m.diameter_mm * m.diameter_mm * m.minor_diameter_mm / 1000);
  // The weight model from shape is good to ~3 % (docs/grading.md); stored to the gram.
  m.weight_g = std::round(true_g * (1 + rng.normal(0, 0.03)));
  m.mean_hue_deg = std::round(std::fmod(360.0 + rng.normal(5, 8), 360.0));
  m.colour_share = round_to(std::clamp(rng.normal(lot.colour_mean, 0.12), 0.0, 1.0), 100);
  m.colour_class = seed_standard().colour_class_for(m.colour_share);
  if (rng.chance(lot.defect_p)) {
    const int count = 1 + (rng.chance(0.3) ? 1 + (rng.chance(0.3) ? 1 : 0) : 0);
    for (int i = 0; i < count; ++i) {
      const double area = std::round(std::clamp(rng.lognormal(35, 0.9), 2.0, 2000.0));
      m.defect_area_mm2 += area;
      m.largest_defect_mm2 = std::max(m.largest_defect_mm2, area);
      m.defect_kinds |= core::bit(draw_defect_kind(rng));
      ++m.defect_count;
    }
  }
  // Visible skin is about half the fruit's surface, twice its projected area.
  m.defect_share = round_to(m.defect_area_mm2 / (2 * m.area_mm2), 10000);
  m.views = 3;  // top camera and two mirrors
  m.confidence = round_to(rng.uniform(0.86, 0.99), 100);
}

void FruitSeeder::add_action(DayRecords& out, std::int64_t t_ms, const std::string& actor,
                             const std::string& action, const std::string& target,
                             const std::string& detail) {
  core::OperatorAction a;
  a.at = wall_from_ms(t_ms);
  a.actor = actor;
  a.role = "operator";
  a.action = action;
  a.target = target;
  a.detail = detail;
  a.outcome = "done";
  out.push_back({t_ms, std::move(a)});
}

void FruitSeeder::add_line_actions(int day, DayRecords& out) {
  const auto at = [&](double minute) { return calendar_.local_ms(day, minute); };
  const std::string lanes = "lanes " + std::to_string(options_.lanes);
  add_action(out, at(kLineStartMin) - 2000, line_operator(options_, kLineStartMin), "outlet.assign",
             "O06", "II-200-249g");
  add_action(out, at(kLineStartMin) - 1000, line_operator(options_, kLineStartMin), "line.start",
             "line", lanes);
  for (const Break& b : kBreaks) {
    add_action(out, at(b.from_min), line_operator(options_, b.from_min), "settings.change", "line",
               "belt_speed_cups_per_s 8 -> 2 (break)");
    add_action(out, at(b.to_min), line_operator(options_, b.to_min), "settings.change", "line",
               "belt_speed_cups_per_s 2 -> 8");
  }
  add_action(out, at(kSmallClassIiUntilMin), line_operator(options_, kSmallClassIiUntilMin),
             "outlet.assign", "O06", "none (II-200-249g recirculates: no packers)");
  add_action(out, at(kLineStopMin), line_operator(options_, kLineStopMin - 1), "line.stop", "line",
             lanes);
}

}  // namespace coldsort::store::detail
