#include "coldsort/core/grading_standard.hpp"

#include <limits>
#include <sstream>

// The file format is documented in docs/grading.md. The loader reads every key through
// ObjectReader so that each error names its JSON path, and checks the rules a standard
// must obey to mean what its author thinks it means (classes best first and each
// reachable, size bands largest first without overlap, colour classes best first).

namespace coldsort::core {

Grade GradingStandard::grade_for(const Measurement& m) const {
  // The record keeps the kinds found and the largest defect, not an area per kind. The
  // largest defect bounds the excluded kind's region from above, so a fruit whose rot could
  // be as large as min_area_mm2 is never let through.
  for (const Exclusion& e : exclusions)
    if ((m.defect_kinds & bit(e.kind)) != 0 && m.largest_defect_mm2 >= e.min_area_mm2)
      return Grade::out_of_grade;
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

namespace {

// Limits bound every number a standard file may hold. An injury area above 100,000 mm²
// (0.1 m²) or a fruit above 5 kg is a typing error for any fruit this line can carry.
constexpr double kMaxAreaMm2 = 100000;
constexpr double kMaxWeightG = 5000;
constexpr double kMaxDiameterMm = 500;
// An open-ended band ("350 g and above") has no max; this stands for "no upper limit".
constexpr double kOpenBandMax = 1e9;

std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// A required string that must say something: a clause that is "" cites nothing.
std::string text(ObjectReader& r, std::string_view key) {
  bool had = r.has(key);
  std::string value = r.string(key);
  if (had && value.empty()) r.error(key, "must not be empty");
  return value;
}

std::optional<std::string> optional_text(ObjectReader& r, std::string_view key) {
  if (!r.has(key)) {
    r.string(key, "");  // marks the key as known
    return std::nullopt;
  }
  return text(r, key);
}

std::optional<double> optional_number(ObjectReader& r, std::string_view key, double min,
                                      double max) {
  if (!r.has(key)) {
    r.number(key, min, max, min);  // marks the key as known
    return std::nullopt;
  }
  return r.number(key, min, max);
}

// Ids are stored with every outturn and shown in reports: keep them plain.
void check_id(ObjectReader& r, const std::string& id) {
  for (char c : id) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                 c == '.';
    if (!plain) {
      r.error("id", "\"" + id + "\" may hold only lowercase letters, digits, '-', '_' and '.'");
      return;
    }
  }
}

void read_exclusions(ObjectReader& root, GradingStandard& s) {
  root.objects("exclusions", true, [&](ObjectReader& r) {
    Exclusion e;
    std::size_t before = r.errors().list().size();
    std::string kind = r.choice("kind", {"bruise", "rot", "sunburn", "scar", "crack"});
    const bool kind_known = r.errors().list().size() == before;
    e.kind = parse_defect_kind(kind).value_or(DefectKind::rot);
    e.min_area_mm2 = r.number("min_area_mm2", 0, kMaxAreaMm2, 0.0);
    e.clause = text(r, "clause");
    r.finish();
    for (const Exclusion& earlier : s.exclusions)
      if (kind_known && earlier.kind == e.kind)
        r.error("kind", "defect kind \"" + kind + "\" is excluded twice");
    s.exclusions.push_back(e);
  });
}

// True when `later` accepts no fruit that `earlier` does not already take: it is at least
// as strict on every limit (an unset maximum is +inf, an unset minimum is -inf).
bool never_looser(const QualityRule& later, const QualityRule& earlier) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  return later.max_defect_share.value_or(inf) <= earlier.max_defect_share.value_or(inf) &&
         later.max_defect_mm2.value_or(inf) <= earlier.max_defect_mm2.value_or(inf) &&
         later.min_weight_g.value_or(-inf) >= earlier.min_weight_g.value_or(-inf) &&
         later.min_colour_share.value_or(-inf) >= earlier.min_colour_share.value_or(-inf);
}

void check_rule_order(ObjectReader& r, const GradingStandard& s, const QualityRule& rule,
                      bool grade_known) {
  const std::size_t index = s.quality.size();
  if (grade_known && index > 0 && s.quality.back().grade >= rule.grade)
    r.error("grade", "\"" + std::string(to_string(rule.grade)) + "\" listed after \"" +
                         std::string(to_string(s.quality.back().grade)) +
                         "\": list classes best first (extra, class_i, class_ii), each once");
  for (std::size_t i = 0; i < index; ++i) {
    if (!never_looser(rule, s.quality[i])) continue;
    r.errors().add(r.path(), "never reached: at least as strict as quality[" + std::to_string(i) +
                                 "] on every limit, which takes every fruit it would accept "
                                 "(list classes best first, each looser on some limit)");
    return;
  }
}

void read_quality(ObjectReader& root, GradingStandard& s) {
  root.objects("quality", true, [&](ObjectReader& r) {
    QualityRule rule;
    std::size_t before = r.errors().list().size();
    std::string grade = r.choice("grade", {"extra", "class_i", "class_ii"});
    const bool grade_known = r.errors().list().size() == before;
    rule.grade = parse_grade(grade).value_or(Grade::class_ii);
    rule.label = optional_text(r, "label").value_or("");
    rule.max_defect_share = optional_number(r, "max_defect_share", 0, 1);
    rule.max_defect_mm2 = optional_number(r, "max_defect_mm2", 0, kMaxAreaMm2);
    rule.min_weight_g = optional_number(r, "min_weight_g", 0, kMaxWeightG);
    rule.min_colour_share = optional_number(r, "min_colour_share", 0, 1);
    rule.clause = text(r, "clause");
    r.finish();
    check_rule_order(r, s, rule, grade_known);
    s.quality.push_back(rule);
  });
  if (s.quality.empty() && root.has("quality"))
    root.error("quality", "must list at least one class");
}

void check_band_order(ObjectReader& r, const std::vector<SizeBand>& bands, const SizeBand& band,
                      const char* unit) {
  if (bands.empty()) return;
  const SizeBand& prev = bands.back();
  const std::string prev_path = "sizes[" + std::to_string(bands.size() - 1) + "]";
  auto range = [unit](const SizeBand& b) {
    return "[" + format_number(b.min) + ", " +
           (b.max >= kOpenBandMax ? std::string("open") : format_number(b.max)) + ") " + unit;
  };
  if (band.min >= prev.min) {
    r.errors().add(r.path(), "must be listed after larger bands: its min " +
                                 format_number(band.min) + " " + unit + " is not below " +
                                 prev_path + ".min " + format_number(prev.min) +
                                 " (list sizes largest first)");
  } else if (band.max > prev.min) {
    r.errors().add(r.path(), "overlaps " + prev_path + ": " + range(band) + " and " +
                                 range(prev) + " (bands are [min, max) and must not overlap)");
  }
}

void read_sizes(ObjectReader& root, GradingStandard& s) {
  std::string basis = root.choice("size_basis", {"diameter", "weight"});
  s.size_basis = basis == "weight" ? SizeBasis::weight : SizeBasis::diameter;
  const bool by_weight = s.size_basis == SizeBasis::weight;
  const double limit = by_weight ? kMaxWeightG : kMaxDiameterMm;
  const char* unit = by_weight ? "g" : "mm";
  root.objects("sizes", true, [&](ObjectReader& r) {
    SizeBand band;
    band.code = text(r, "code");
    band.min = r.number("min", 0, limit);
    std::optional<double> max = optional_number(r, "max", 0, limit);
    band.max = max.value_or(kOpenBandMax);
    band.clause = text(r, "clause");
    r.finish();
    for (const SizeBand& before : s.sizes)
      if (!band.code.empty() && before.code == band.code)
        r.error("code", "duplicate size code \"" + band.code + "\"");
    if (band.max <= band.min) {
      r.error("max", "must be above min (" + format_number(band.min) + " " + unit + ")");
    } else {
      check_band_order(r, s.sizes, band, unit);
    }
    s.sizes.push_back(band);
  });
  if (s.sizes.empty() && root.has("sizes")) root.error("sizes", "must list at least one band");
}

void read_colour_classes(ObjectReader& c, ColourProfile& colour) {
  c.objects("classes", true, [&](ObjectReader& r) {
    ColourClass cls;
    cls.code = text(r, "code");
    cls.min_share = r.number("min_share", 0, 1);
    text(r, "clause");
    r.finish();
    for (const ColourClass& before : colour.classes)
      if (!cls.code.empty() && before.code == cls.code)
        r.error("code", "duplicate colour class \"" + cls.code + "\"");
    if (!colour.classes.empty() && cls.min_share >= colour.classes.back().min_share)
      r.error("min_share", "must be below the previous class's " +
                               format_number(colour.classes.back().min_share) +
                               " (list colour classes best first)");
    colour.classes.push_back(cls);
  });
  if (colour.classes.empty() && c.has("classes"))
    c.error("classes", "must list at least one colour class");
}

void read_colour(ObjectReader& root, GradingStandard& s) {
  auto c = root.child("colour");
  if (!c) return;
  ColourProfile& colour = s.colour;
  colour.hue_min_deg = c->number("hue_min_deg", 0, 360);
  colour.hue_max_deg = c->number("hue_max_deg", 0, 360);
  colour.min_saturation = c->number("min_saturation", 0, 1);
  text(*c, "clause");
  read_colour_classes(*c, colour);
  c->finish();
  if (c->has("hue_min_deg") && c->has("hue_max_deg") && colour.hue_min_deg == colour.hue_max_deg)
    c->error("hue_max_deg", "must differ from hue_min_deg (a range of one hue holds no skin)");
}

GradingStandard read_standard(ObjectReader& r, const std::string& file) {
  GradingStandard s;
  s.file = file;
  s.id = text(r, "id");
  check_id(r, s.id);
  s.version = text(r, "version");
  s.title = text(r, "title");
  text(r, "source");
  r.string("notes", "");
  s.min_confidence = r.number("min_confidence", 0.0, 1.0, 0.8);
  read_exclusions(r, s);
  read_quality(r, s);
  read_sizes(r, s);
  read_colour(r, s);
  r.finish();
  return s;
}

}  // namespace

std::optional<GradingStandard> load_grading_standard(const std::string& file,
                                                     ConfigErrors& errors) {
  std::size_t before = errors.list().size();
  auto doc = parse_json_file(file, errors);
  if (!doc) return std::nullopt;
  ObjectReader r(*doc, file, errors);
  if (!r.valid()) return std::nullopt;
  GradingStandard s = read_standard(r, file);
  if (errors.list().size() != before) return std::nullopt;
  return s;
}

}  // namespace coldsort::core
