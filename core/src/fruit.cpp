#include "coldsort/core/fruit.hpp"

#include <array>
#include <utility>

namespace coldsort::core {
namespace {
constexpr std::array<std::pair<Grade, std::string_view>, 5> kGradeNames{{
    {Grade::extra, "extra"},
    {Grade::class_i, "class_i"},
    {Grade::class_ii, "class_ii"},
    {Grade::out_of_grade, "out_of_grade"},
    {Grade::unknown, "unknown"},
}};
}  // namespace

std::string_view to_string(Grade grade) {
  for (const auto& [g, name] : kGradeNames)
    if (g == grade) return name;
  return "unknown";
}

std::optional<Grade> parse_grade(std::string_view text) {
  for (const auto& [g, name] : kGradeNames)
    if (name == text) return g;
  return std::nullopt;
}

std::string_view to_string(DecisionReason reason) {
  switch (reason) {
    case DecisionReason::graded: return "graded";
    case DecisionReason::empty_cup: return "empty_cup";
    case DecisionReason::uncertain: return "uncertain";
    case DecisionReason::out_of_grade: return "out_of_grade";
    case DecisionReason::unplanned_product: return "unplanned_product";
    case DecisionReason::camera_drop: return "camera_drop";
    case DecisionReason::late: return "late";
  }
  return "unknown";
}

}  // namespace coldsort::core
