#pragma once
// What the grader knows about one fruit, and what the controller decided for it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "coldsort/core/clock.hpp"

namespace coldsort::core {

// Quality classes of Codex CXS 310-2013 §2.2, plus "out of grade" (fails the minimum
// requirements of §2.1) and "unknown" (the grader could not tell; never a premium outlet).
enum class Grade { extra, class_i, class_ii, out_of_grade, unknown };

std::string_view to_string(Grade grade);
std::optional<Grade> parse_grade(std::string_view text);

// Where a fruit sits on the line: the lane and the cup's running index on the sorter's
// chain. Cup indices come from the sorter PLC's encoder and only grow.
struct CupRef {
  int lane = 0;
  std::uint64_t cup = 0;
  friend bool operator==(const CupRef&, const CupRef&) = default;
};

// Kinds of external skin defect the grader tells apart. Bruise and rot are darker than the
// fruit's own skin, sunburn and scar lighter, a crack is long and thin (it may expose the
// arils). Codex CXS 310-2013 §2.1 excludes rot and cracks exposing the arils from every class.
enum class DefectKind : std::uint8_t { bruise, rot, sunburn, scar, crack };
inline constexpr int kDefectKindCount = 5;
std::string_view to_string(DefectKind kind);
std::optional<DefectKind> parse_defect_kind(std::string_view text);

// A set of DefectKind, as bits (1u << kind).
using DefectKinds = std::uint32_t;
constexpr DefectKinds bit(DefectKind kind) { return 1u << static_cast<unsigned>(kind); }
// "bruise+crack", or "" for none.
std::string defect_kinds_text(DefectKinds kinds);

// Why a measurement is not trusted. A doubtful fruit is never graded: it goes to
// recirculation (or reject when configured), with this recorded as the reason.
enum class Doubt {
  none,
  touches_border,  // fruit cut by the image edge: size unknown
  two_fruit,       // two fruits (or a fruit and debris) in one cup
  blurred,         // motion blur or focus: edges and defects unreliable
  overexposed,     // clipped highlights hide the skin
  underexposed,    // too dark to see defects
  odd_shape,       // outline not fruit-like (broken fruit, leaf, glove)
  views_disagree,  // the views of one cup measure different sizes
  lost_frame,      // a frame of the cup was lost or incomplete
};
std::string_view to_string(Doubt doubt);

// One view's (or several merged views') measurements, in physical units.
struct Measurement {
  double diameter_mm = 0;        // maximum equatorial diameter
  double minor_diameter_mm = 0;  // perpendicular to the maximum
  double area_mm2 = 0;           // projected area
  double volume_cm3 = 0;         // from the outline, as a spheroid
  double weight_g = 0;           // estimated from shape (weight model); see volume_cm3
  double mean_hue_deg = 0;       // mean skin hue, 0..360
  double lab_l = 0, lab_a = 0, lab_b = 0;  // mean skin colour, CIE L*a*b* (D65)
  double colour_share = 0;       // share of the skin inside the variety's colour range, 0..1
  std::string colour_class;      // from the standard's colour classes; empty when none
  double defect_area_mm2 = 0;    // summed area of skin defects, on the image plane
  double defect_share = 0;       // defect area / visible skin area, 0..1
  double largest_defect_mm2 = 0;
  int defect_count = 0;
  DefectKinds defect_kinds = 0;
  int views = 1;                 // how many views were merged into this measurement
  double confidence = 0;         // 0..1; below the standard's floor the fruit is not graded
  Doubt doubt = Doubt::none;     // set when confidence is low for a known reason
};

// Why the controller sent a fruit where it did; stored with every fruit.
enum class DecisionReason {
  graded,             // measured, graded and mapped to a planned outlet
  empty_cup,          // nothing in the cup: no ejection
  uncertain,          // measurement not trusted: recirculation/reject
  out_of_grade,       // graded below every class: reject
  unplanned_product,  // valid product with no outlet allocated: recirculation
  camera_drop,        // no usable frame: recirculation/reject
  late,               // the decision could not reach the PLC before the cup: rides to the end
  outlet_unavailable, // the planned outlet lost a device it needs: reject instead
};
std::string_view to_string(DecisionReason reason);

struct Fruit {
  CupRef at;
  WallTime seen_at{};
  std::string lot_id;
  Measurement measured;
  Grade grade = Grade::unknown;
  std::string size_code;   // empty when not sized
  std::string product_id;  // empty when no product
  int outlet = 0;          // PLC outlet number; 0 = no ejection (end of line)
  DecisionReason reason = DecisionReason::uncertain;
};

}  // namespace coldsort::core
