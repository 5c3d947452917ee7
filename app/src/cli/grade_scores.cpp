#include "grade_scores.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "csv.hpp"
#include "image_files.hpp"

namespace coldsort::cli {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reads the optional columns of one truth row; returns "" or the first error.
std::string read_row(const CsvTable& table, const CsvRecord& row, TruthRow& t) {
  t.line = row.line;
  t.file = std::string(table.field(row, "file"));
  if (t.file.empty()) return table.where(row, "file") + ": empty (every row names its image)";
  for (const char* column : {"diameter_mm", "defect_mm2"}) {
    std::string_view text = table.field(row, column);
    if (text.empty()) continue;
    auto value = parse_double(text);
    if (!value || *value < 0)
      return table.where(row, column) + ": expected a number >= 0, got \"" + std::string(text) + "\"";
    (std::string_view(column) == "diameter_mm" ? t.diameter_mm : t.defect_mm2) = *value;
  }
  if (std::string_view g = table.field(row, "grade"); !g.empty()) {
    t.grade = core::parse_grade(lower(g));
    if (!t.grade)
      return table.where(row, "grade") + ": unknown grade \"" + std::string(g) +
             "\" (expected extra, class_i, class_ii, out_of_grade or unknown)";
  }
  if (std::string p = lower(table.field(row, "present")); !p.empty()) {
    if (p == "1" || p == "true" || p == "yes") t.present = true;
    else if (p == "0" || p == "false" || p == "no") t.present = false;
    else return table.where(row, "present") + ": expected 1 or 0, got \"" + p + "\"";
  }
  std::string d = lower(table.field(row, "doubt"));
  if (d != "none" && d != "0" && d != "false" && d != "no") t.doubt = d;
  return {};
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p * double(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void score_diameter(const GradedRow& g, const TruthRow& t, std::vector<double>& errors,
                    double& signed_sum) {
  if (!t.present || !t.doubt.empty() || !t.diameter_mm || *t.diameter_mm <= 0) return;
  if (!g.measured || g.diameter_mm <= 0) return;
  errors.push_back(std::abs(g.diameter_mm - *t.diameter_mm));
  signed_sum += g.diameter_mm - *t.diameter_mm;
}

void score_defects(const GradedRow& g, const TruthRow& t, Scores& s) {
  if (!t.present || !t.doubt.empty() || !t.defect_mm2 || !g.measured) return;
  const double truth = *t.defect_mm2;
  bool truth_has = truth >= s.defect_threshold_mm2;
  bool graded_has = g.defect_mm2 >= s.defect_threshold_mm2;
  if (truth_has && graded_has) ++s.tp;
  else if (graded_has) ++s.fp;
  else if (truth_has) ++s.fn;
  else ++s.tn;
  // The target: defects of 50 mm2 and more found (any defect reported) in >= 95 %.
  if (truth >= 50) {
    ++s.recall_50.of;
    if (g.defect_mm2 > 0) ++s.recall_50.hits;
  }
  if (truth == 0) {
    ++s.false_alarm.of;
    ++s.false_alarm_any.of;
    if (graded_has) ++s.false_alarm.hits;
    if (g.defect_mm2 > 0) ++s.false_alarm_any.hits;
  }
}

void finish_defects(Scores& s) {
  if (s.tp + s.fp > 0) s.precision = double(s.tp) / double(s.tp + s.fp);
  if (s.tp + s.fn > 0) s.recall = double(s.tp) / double(s.tp + s.fn);
  if (s.precision && s.recall && *s.precision + *s.recall > 0)
    s.f1 = 2 * *s.precision * *s.recall / (*s.precision + *s.recall);
}

}  // namespace

Truth read_truth(const std::string& file) {
  Truth truth;
  CsvTable table = CsvTable::read(file);
  if (!table.ok()) {
    truth.error = table.error();
    return truth;
  }
  if (!table.column("file")) {
    truth.error = file + ":1: the header has no \"file\" column (columns: file and any of "
                         "diameter_mm, defect_mm2, grade, present, doubt)";
    return truth;
  }
  std::map<std::string, std::size_t> seen;
  for (const CsvRecord& row : table.rows()) {
    TruthRow t;
    if (std::string error = read_row(table, row, t); !error.empty()) {
      truth.error = error;
      truth.rows.clear();
      return truth;
    }
    auto [it, added] = seen.emplace(base_name(t.file), t.line);
    if (!added) {
      truth.error = table.where(row, "file") + ": \"" + base_name(t.file) +
                    "\" is already on line " + std::to_string(it->second);
      truth.rows.clear();
      return truth;
    }
    truth.rows.push_back(std::move(t));
  }
  return truth;
}

std::vector<std::size_t> join_truth(std::vector<GradedRow>& graded, const Truth& truth) {
  std::map<std::string, int> by_name, by_stem;
  for (std::size_t i = 0; i < truth.rows.size(); ++i) {
    by_name.emplace(base_name(truth.rows[i].file), static_cast<int>(i));
    by_stem.emplace(stem_of(truth.rows[i].file), static_cast<int>(i));
  }
  std::vector<bool> used(truth.rows.size(), false);
  for (GradedRow& g : graded) {
    for (const std::string& f : g.files) {
      if (auto it = by_name.find(base_name(f)); it != by_name.end()) {
        g.truth = it->second;
        break;
      }
    }
    if (g.truth < 0) {
      if (auto it = by_stem.find(g.key); it != by_stem.end()) g.truth = it->second;
      else if (auto s = by_stem.find(stem_of(g.file)); s != by_stem.end()) g.truth = s->second;
    }
    if (g.truth >= 0) used[static_cast<std::size_t>(g.truth)] = true;
  }
  std::vector<std::size_t> unmatched;
  for (std::size_t i = 0; i < used.size(); ++i)
    if (!used[i]) unmatched.push_back(i);
  return unmatched;
}

int grade_index(core::Grade g) {
  switch (g) {
    case core::Grade::extra: return 0;
    case core::Grade::class_i: return 1;
    case core::Grade::class_ii: return 2;
    case core::Grade::out_of_grade: return 3;
    case core::Grade::unknown: return 4;
  }
  return 4;
}

Scores score(const std::vector<GradedRow>& graded, const Truth& truth, double threshold_mm2) {
  Scores s;
  s.defect_threshold_mm2 = threshold_mm2;
  std::vector<double> errors;
  double signed_sum = 0;
  for (const GradedRow& g : graded) {
    if (g.truth < 0) continue;
    const TruthRow& t = truth.rows[static_cast<std::size_t>(g.truth)];
    score_diameter(g, t, errors, signed_sum);
    score_defects(g, t, s);
    if (t.grade) {
      ++s.confusion[static_cast<std::size_t>(grade_index(*t.grade))]
                   [static_cast<std::size_t>(grade_index(g.grade))];
      ++s.agreement.of;
      if (*t.grade == g.grade) ++s.agreement.hits;
    }
    bool uncertain = g.reason.starts_with("uncertain");
    if (t.present && !t.doubt.empty()) {
      ++s.doubt_unknown.of;
      if (g.grade == core::Grade::unknown) ++s.doubt_unknown.hits;
    } else if (t.present && uncertain) {
      ++s.uncertain_without_doubt;
    }
    if (!t.present) {
      ++s.empty_detected.of;
      if (g.reason == "empty_cup") ++s.empty_detected.hits;
    }
  }
  std::sort(errors.begin(), errors.end());
  s.diameter_n = errors.size();
  if (!errors.empty()) {
    double sum = 0;
    for (double e : errors) sum += e;
    s.diameter_mae_mm = sum / double(errors.size());
    s.diameter_p95_mm = percentile(errors, 0.95);
    s.diameter_max_mm = errors.back();
    s.diameter_bias_mm = signed_sum / double(errors.size());
  }
  finish_defects(s);
  return s;
}

}  // namespace coldsort::cli
