#include "bench_store_parts.hpp"

#include <cmath>

namespace coldsort::bench {
namespace {

constexpr std::int64_t kFruitStepMs = 40;     // ~24 fruit/s over the line, as at Huili
constexpr std::int64_t kFruitPerLot = 33000;  // ~13 t at ~400 g
// 2026-09-01 06:00 local (UTC+8) in Unix ms: a working morning.
constexpr std::int64_t kStartMs = 1'788'213'600'000;

// A cheap, repeatable spread: the same i always gives the same fruit.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

const std::string kSizes[] = {"S", "M", "L", "XL", "XXL"};
const std::string kProducts[5][5] = {
    {"E-S", "E-M", "E-L", "E-XL", "E-XXL"},
    {"I-S", "I-M", "I-L", "I-XL", "I-XXL"},
    {"II-S", "II-M", "II-L", "II-XL", "II-XXL"},
    {"", "", "", "", ""},
    {"", "", "", "", ""}};

}  // namespace

const char* const kBareFruitInsert =
    "INSERT INTO fruit (t_ms, lane, cup, lot_id, diameter_mm, minor_diameter_mm, area_mm2,"
    " weight_g, hue_deg, defect_share, confidence, grade, size_code, product_id, outlet,"
    " reason, volume_cm3, defect_mm2, largest_defect_mm2, defect_kinds, colour_share,"
    " colour_class, views, doubt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)";

core::Fruit season_like_fruit(std::int64_t i) {
  const std::uint64_t r = mix(static_cast<std::uint64_t>(i));
  core::Fruit f;
  f.at = core::CupRef{static_cast<int>(i % 8), static_cast<std::uint64_t>(i / 8)};
  f.seen_at = core::WallTime{std::chrono::milliseconds{kStartMs + i * kFruitStepMs}};
  f.lot_id = "L" + std::to_string(1000 + i / kFruitPerLot);
  const int size = static_cast<int>(r % 5);
  const int grade_roll = static_cast<int>((r >> 8) % 100);
  f.grade = grade_roll < 30   ? core::Grade::extra
            : grade_roll < 70 ? core::Grade::class_i
            : grade_roll < 90 ? core::Grade::class_ii
            : grade_roll < 97 ? core::Grade::out_of_grade
                              : core::Grade::unknown;
  f.size_code = kSizes[size];
  f.product_id = kProducts[static_cast<int>(f.grade)][size];
  f.outlet = f.product_id.empty() ? 0 : 1 + static_cast<int>((r >> 16) % 24);
  f.reason = f.grade == core::Grade::unknown      ? core::DecisionReason::uncertain
             : f.grade == core::Grade::out_of_grade ? core::DecisionReason::out_of_grade
                                                    : core::DecisionReason::graded;
  core::Measurement& m = f.measured;
  m.weight_g = 280 + 60.0 * size + static_cast<double>((r >> 24) % 400) / 10;
  m.diameter_mm = 70 + 6.0 * size + static_cast<double>((r >> 32) % 50) / 10;
  m.minor_diameter_mm = m.diameter_mm * 0.92;
  m.area_mm2 = 0.785 * m.diameter_mm * m.minor_diameter_mm;
  m.volume_cm3 = m.weight_g / 0.98;
  m.mean_hue_deg = 15 + static_cast<double>((r >> 40) % 20);
  m.defect_share = static_cast<double>((r >> 44) % 50) / 1000;
  m.defect_area_mm2 = m.defect_share * m.area_mm2;
  m.largest_defect_mm2 = m.defect_area_mm2 / 2;
  m.colour_share = 0.6 + static_cast<double>((r >> 50) % 40) / 100;
  m.colour_class = "red";
  m.views = 3;
  m.confidence = f.grade == core::Grade::unknown ? 0.4 : 0.95;
  m.doubt = f.grade == core::Grade::unknown ? core::Doubt::blurred : core::Doubt::none;
  return f;
}

double fruit_generation_ns() {
  static const double ns = [] {
    constexpr std::int64_t kN = 200000;
    double sink = 0;
    const auto t0 = Clock::now();
    for (std::int64_t i = 0; i < kN; ++i) sink += season_like_fruit(i).measured.weight_g;
    const double total = ms_since(t0) * 1e6;
    return sink > 0 ? total / kN : 0;
  }();
  return ns;
}

void bind_bare_fruit(sqlite3_stmt* s, const core::Fruit& f) {
  const core::Measurement& m = f.measured;
  auto text = [s](int index, std::string_view t) {
    if (t.empty()) sqlite3_bind_null(s, index);
    else sqlite3_bind_text(s, index, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
  };
  sqlite3_bind_int64(s, 1, core::to_unix_ms(f.seen_at));
  sqlite3_bind_int64(s, 2, f.at.lane);
  sqlite3_bind_int64(s, 3, static_cast<std::int64_t>(f.at.cup));
  text(4, f.lot_id);
  const double measures[] = {m.diameter_mm,  m.minor_diameter_mm, m.area_mm2,  m.weight_g,
                             m.mean_hue_deg, m.defect_share,      m.confidence};
  for (int k = 0; k < 7; ++k) sqlite3_bind_double(s, 5 + k, measures[k]);
  text(12, core::to_string(f.grade));
  text(13, f.size_code);
  text(14, f.product_id);
  sqlite3_bind_int64(s, 15, f.outlet);
  text(16, core::to_string(f.reason));
  sqlite3_bind_double(s, 17, m.volume_cm3);
  sqlite3_bind_double(s, 18, m.defect_area_mm2);
  sqlite3_bind_double(s, 19, m.largest_defect_mm2);
  text(20, core::defect_kinds_text(m.defect_kinds));
  sqlite3_bind_double(s, 21, m.colour_share);
  text(22, m.colour_class);
  sqlite3_bind_int64(s, 23, m.views);
  text(24, m.doubt == core::Doubt::none ? "" : core::to_string(m.doubt));
}

}  // namespace coldsort::bench
