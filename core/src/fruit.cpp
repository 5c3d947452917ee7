#include "coldsort/core/fruit.hpp"

#include <array>
#include <string>
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
    case DecisionReason::outlet_unavailable: return "outlet_unavailable";
  }
  return "unknown";
}

namespace {
constexpr std::array<std::pair<DefectKind, std::string_view>, kDefectKindCount> kDefectNames{{
    {DefectKind::bruise, "bruise"},
    {DefectKind::rot, "rot"},
    {DefectKind::sunburn, "sunburn"},
    {DefectKind::scar, "scar"},
    {DefectKind::crack, "crack"},
}};
}  // namespace

std::string_view to_string(DefectKind kind) {
  for (const auto& [k, name] : kDefectNames)
    if (k == kind) return name;
  return "unknown";
}

std::optional<DefectKind> parse_defect_kind(std::string_view text) {
  for (const auto& [k, name] : kDefectNames)
    if (name == text) return k;
  return std::nullopt;
}

std::string defect_kinds_text(DefectKinds kinds) {
  std::string text;
  for (const auto& [k, name] : kDefectNames) {
    if ((kinds & bit(k)) == 0) continue;
    if (!text.empty()) text += '+';
    text += name;
  }
  return text;
}

std::string_view to_string(Doubt doubt) {
  switch (doubt) {
    case Doubt::none: return "none";
    case Doubt::touches_border: return "touches_border";
    case Doubt::two_fruit: return "two_fruit";
    case Doubt::blurred: return "blurred";
    case Doubt::overexposed: return "overexposed";
    case Doubt::underexposed: return "underexposed";
    case Doubt::odd_shape: return "odd_shape";
    case Doubt::views_disagree: return "views_disagree";
    case Doubt::lost_frame: return "lost_frame";
  }
  return "unknown";
}

}  // namespace coldsort::core
