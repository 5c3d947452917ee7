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

// One view's (or several merged views') measurements, in physical units.
struct Measurement {
  double diameter_mm = 0;        // maximum equatorial diameter
  double minor_diameter_mm = 0;  // perpendicular to the maximum
  double area_mm2 = 0;           // projected area
  double weight_g = 0;           // estimated from shape
  double mean_hue_deg = 0;       // mean skin hue, 0..360
  double defect_share = 0;       // share of the visible skin that is defective, 0..1
  double confidence = 0;         // 0..1; below the standard's floor the fruit is not graded
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
