#pragma once
// A grading standard as data: measurements -> quality class, size code and colour class.
// Every number in a standard file cites the clause it comes from, so a grower can check the
// grader. Standards are versioned: the id and version are stored with the outturn they gave.
#include <optional>
#include <string>
#include <vector>

#include "coldsort/core/fruit.hpp"
#include "coldsort/core/json_reader.hpp"

namespace coldsort::core {

// One quality class. A fruit earns the class when it meets every limit the rule sets
// (an unset limit does not apply). Rules are listed best first; the first met wins.
struct QualityRule {
  Grade grade = Grade::class_i;
  std::string label;                        // the market's own name, e.g. "Class I" or "一级"
  std::optional<double> max_defect_share;   // of the skin surface, 0..1 (Codex style)
  std::optional<double> max_defect_mm2;     // absolute injury area (Chinese market style)
  std::optional<double> min_weight_g;       // classes graded by weight
  std::optional<double> min_colour_share;   // share of skin in the variety's colour range
  std::string clause;
};

// Defect kinds that put a fruit out of grade whatever their area (rot, cracks to the arils).
struct Exclusion {
  DefectKind kind = DefectKind::rot;
  double min_area_mm2 = 0;  // smaller findings are not trusted as this kind
  std::string clause;
};

enum class SizeBasis { diameter, weight };

// A size band, [min, max) in mm of maximum equatorial diameter or in g, per the basis.
struct SizeBand {
  std::string code;
  double min = 0;
  double max = 1e9;
  std::string clause;
};

// The variety's colour: the hue range its ripe skin falls in (wrapping through 0 for reds),
// and colour classes by the share of skin inside that range, best first.
struct ColourClass {
  std::string code;
  double min_share = 0;
};
struct ColourProfile {
  double hue_min_deg = 330;  // may exceed hue_max_deg: the range wraps through 0/360
  double hue_max_deg = 30;
  double min_saturation = 0.25;  // 0..1; greyer pixels are not "in colour"
  std::vector<ColourClass> classes;
};

struct GradingStandard {
  std::string id;
  std::string version;
  std::string title;
  std::string file;
  double min_confidence = 0.8;       // below: the fruit is uncertain, never graded
  std::vector<Exclusion> exclusions;
  std::vector<QualityRule> quality;  // best first
  SizeBasis size_basis = SizeBasis::diameter;
  std::vector<SizeBand> sizes;       // largest first
  ColourProfile colour;

  // The best class whose limits the measurement meets; out_of_grade if none or if an
  // exclusion applies.
  Grade grade_for(const Measurement& m) const;
  // The label the standard gives a grade ("Class I", "一级"); the enum name when none.
  std::string label_for(Grade grade) const;
  // The band containing the measurement on the standard's basis; nullptr when out of range.
  const SizeBand* size_for(const Measurement& m) const;
  // The best colour class whose share the measurement reaches; "" when none.
  std::string colour_class_for(double colour_share) const;
  // True when the hue (deg) and saturation (0..1) fall inside the variety's colour range.
  bool in_colour_range(double hue_deg, double saturation) const;
};

std::optional<GradingStandard> load_grading_standard(const std::string& file,
                                                     ConfigErrors& errors);

}  // namespace coldsort::core
