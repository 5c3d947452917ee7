#pragma once
// Scoring the grader against known truth (`coldsort grade-eval`): the truth CSV, the join of
// graded images to truth rows, and the figures the vision issue sets targets for — diameter
// error, defect detection, grade agreement, doubt handling.
// Thread safety: value types and free functions.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "coldsort/core/fruit.hpp"

namespace coldsort::cli {

// One row of a truth CSV: `file` and any of diameter_mm, defect_mm2, grade, present, doubt.
struct TruthRow {
  std::size_t line = 0;
  std::string file;
  bool present = true;
  std::optional<double> diameter_mm;
  std::optional<double> defect_mm2;
  std::optional<core::Grade> grade;
  std::string doubt;  // "" = none
};

struct Truth {
  std::vector<TruthRow> rows;
  std::string error;  // "FILE:LINE: column: what"; rows are unusable when set
};

Truth read_truth(const std::string& file);

// What the grader said about one fruit, at the precision the grade CSV carries, so that the
// scores are exactly those a scorer of the CSV would compute.
struct GradedRow {
  std::string file;    // first image of the fruit
  std::string key;     // the fruit's name (stem without _vN)
  std::vector<std::string> files;
  bool measured = false;
  double diameter_mm = 0;
  double defect_mm2 = 0;
  core::Grade grade = core::Grade::unknown;
  std::string reason;  // as in the CSV
  int truth = -1;      // index into Truth::rows; -1 without truth
};

// Joins by base name ("cup12.png"), then by stem ("cup12", also for a fruit's _vN views).
// Returns the truth rows no image matched.
std::vector<std::size_t> join_truth(std::vector<GradedRow>& graded, const Truth& truth);

struct Ratio {
  std::size_t hits = 0;
  std::size_t of = 0;
  std::optional<double> value() const {
    return of == 0 ? std::nullopt : std::optional<double>(double(hits) / double(of));
  }
};

constexpr int kGrades = 5;  // extra, class_i, class_ii, out_of_grade, unknown
int grade_index(core::Grade g);

struct Scores {
  // Diameter: fruit present in truth with a diameter and no doubt, measured by the grader.
  std::size_t diameter_n = 0;
  double diameter_mae_mm = 0, diameter_p95_mm = 0, diameter_max_mm = 0, diameter_bias_mm = 0;
  // Defects: "has a defect" = defect_mm2 >= threshold, on both sides.
  double defect_threshold_mm2 = 50;
  std::size_t tp = 0, fp = 0, fn = 0, tn = 0;
  std::optional<double> precision, recall, f1;
  Ratio recall_50;        // truth >= 50 mm2: the grader reported any defect
  Ratio false_alarm;      // truth 0 mm2: the grader reported >= threshold
  Ratio false_alarm_any;  // truth 0 mm2: the grader reported any defect
  // Grades: truth rows x graded columns.
  std::array<std::array<std::size_t, kGrades>, kGrades> confusion{};
  Ratio agreement;
  // Doubt: doubtful in truth and graded unknown; and graded uncertain without a truth doubt.
  Ratio doubt_unknown;
  std::size_t uncertain_without_doubt = 0;
  Ratio empty_detected;   // truth present=0 graded empty_cup
};

Scores score(const std::vector<GradedRow>& graded, const Truth& truth, double threshold_mm2);

}  // namespace coldsort::cli
