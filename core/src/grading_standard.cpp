#include "coldsort/core/grading_standard.hpp"

namespace coldsort::core {

Grade GradingStandard::grade_for(const Measurement& m) const {
  for (const Exclusion& e : exclusions)
    if ((m.defect_kinds & bit(e.kind)) != 0) return Grade::out_of_grade;
  for (const QualityRule& rule : quality) {
    if (rule.max_defect_share && m.defect_share > *rule.max_defect_share) continue;
    if (rule.max_defect_mm2 && m.defect_area_mm2 > *rule.max_defect_mm2) continue;
    if (rule.min_weight_g && m.weight_g < *rule.min_weight_g) continue;
    if (rule.min_colour_share && m.colour_share < *rule.min_colour_share) continue;
    return rule.grade;
  }
  return Grade::out_of_grade;
}

std::string GradingStandard::label_for(Grade grade) const {
  for (const QualityRule& rule : quality)
    if (rule.grade == grade && !rule.label.empty()) return rule.label;
  return std::string(to_string(grade));
}

const SizeBand* GradingStandard::size_for(const Measurement& m) const {
  double value = size_basis == SizeBasis::weight ? m.weight_g : m.diameter_mm;
  for (const SizeBand& band : sizes)
    if (value >= band.min && value < band.max) return &band;
  return nullptr;
}

std::string GradingStandard::colour_class_for(double colour_share) const {
  for (const ColourClass& c : colour.classes)
    if (colour_share >= c.min_share) return c.code;
  return {};
}

bool GradingStandard::in_colour_range(double hue_deg, double saturation) const {
  if (saturation < colour.min_saturation) return false;
  if (colour.hue_min_deg <= colour.hue_max_deg)
    return hue_deg >= colour.hue_min_deg && hue_deg <= colour.hue_max_deg;
  return hue_deg >= colour.hue_min_deg || hue_deg <= colour.hue_max_deg;
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
    s.quality.push_back(rule);
  });
  r.objects("sizes", true, [&](ObjectReader& z) {
    SizeBand band;
    band.code = z.string("code");
    band.min = z.number("min_diameter_mm", 0, 500);
    band.max = z.number("max_diameter_mm", 0, 1000, 1000.0);
    band.clause = z.string("clause");
    z.finish();
    if (band.max <= band.min)
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
