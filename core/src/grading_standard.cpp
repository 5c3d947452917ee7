#include "coldsort/core/grading_standard.hpp"

namespace coldsort::core {

Grade GradingStandard::grade_for(const Measurement& m) const {
  for (const QualityRule& rule : quality)
    if (m.defect_share <= rule.max_defect_share) return rule.grade;
  return Grade::out_of_grade;
}

const SizeBand* GradingStandard::size_for(double diameter_mm) const {
  for (const SizeBand& band : sizes)
    if (diameter_mm >= band.min_diameter_mm && diameter_mm < band.max_diameter_mm) return &band;
  return nullptr;
}

std::optional<GradingStandard> load_grading_standard(const std::string& file,
                                                     ConfigErrors& errors) {
  std::size_t before = errors.list().size();
  auto doc = parse_json_file(file, errors);
  if (!doc) return std::nullopt;
  ObjectReader r(*doc, file, errors);
  if (!r.valid()) return std::nullopt;
  GradingStandard s;
  s.file = file;
  s.id = r.string("id");
  s.version = r.string("version");
  s.title = r.string("title");
  r.string("source", "");
  r.string("notes", "");
  s.min_confidence = r.number("min_confidence", 0.0, 1.0, 0.8);
  r.objects("quality", true, [&](ObjectReader& q) {
    QualityRule rule;
    std::string grade = q.choice("grade", {"extra", "class_i", "class_ii"});
    rule.grade = parse_grade(grade).value_or(Grade::class_ii);
    rule.max_defect_share = q.number("max_defect_share", 0.0, 1.0);
    rule.clause = q.string("clause");
    q.finish();
    if (!s.quality.empty() && rule.max_defect_share < s.quality.back().max_defect_share)
      q.error("max_defect_share", "classes must be listed best first with growing limits");
    s.quality.push_back(rule);
  });
  r.objects("sizes", true, [&](ObjectReader& z) {
    SizeBand band;
    band.code = z.string("code");
    band.min_diameter_mm = z.number("min_diameter_mm", 0, 500);
    band.max_diameter_mm = z.number("max_diameter_mm", 0, 1000, 1000.0);
    band.clause = z.string("clause");
    z.finish();
    if (band.max_diameter_mm <= band.min_diameter_mm)
      z.error("max_diameter_mm", "must be above min_diameter_mm");
    s.sizes.push_back(band);
  });
  if (s.quality.empty() && r.has("quality")) r.error("quality", "must list at least one class");
  if (s.sizes.empty() && r.has("sizes")) r.error("sizes", "must list at least one size band");
  r.finish();
  if (errors.list().size() != before) return std::nullopt;
  return s;
}

}  // namespace coldsort::core
