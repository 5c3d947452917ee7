#pragma once
// A grading standard as data: measurements -> quality class and size code. Every number in
// a standard file cites the clause it comes from, so a grower can check the grader.
#include <optional>
#include <string>
#include <vector>

#include "coldsort/core/fruit.hpp"
#include "coldsort/core/json_reader.hpp"

namespace coldsort::core {

struct QualityRule {
  Grade grade = Grade::class_i;
  double max_defect_share = 0;  // of the skin surface, 0..1
  std::string clause;
};

// A size band by maximum equatorial diameter, [min_diameter_mm, max_diameter_mm).
struct SizeBand {
  std::string code;
  double min_diameter_mm = 0;
  double max_diameter_mm = 1000;
  std::string clause;
};

struct GradingStandard {
  std::string id;
  std::string version;
  std::string title;
  std::string file;
  double min_confidence = 0.8;  // below: the fruit is uncertain, never graded
  std::vector<QualityRule> quality;  // best first
  std::vector<SizeBand> sizes;       // largest first

  // The best class whose defect limit the measurement meets; out_of_grade if none.
  Grade grade_for(const Measurement& m) const;
  // The band containing the diameter; nullptr when undersized/oversized.
  const SizeBand* size_for(double diameter_mm) const;
};

std::optional<GradingStandard> load_grading_standard(const std::string& file,
                                                     ConfigErrors& errors);

}  // namespace coldsort::core
