#pragma once
// Plans as JSON: what `coldsort plan --out` writes, `coldsortd --plan` reads, the store keeps
// and the HMI shows (docs/planning.md). Reading names every malformed field by its JSON path.
// Thread safety: pure functions.
#include <map>
#include <optional>
#include <string>

#include "coldsort/core/json_reader.hpp"
#include "coldsort/scheduler/plan.hpp"

namespace coldsort::scheduler {

std::string plan_to_json(const Plan& plan);
std::string kpis_to_json(const PlanKpis& kpis);

struct LoadedPlan {
  std::optional<Plan> plan;  // set only when there are no errors
  core::ConfigErrors errors;
};
LoadedPlan load_plan_text(std::string_view text, const std::string& name = "<plan>");
LoadedPlan load_plan(const std::string& file);

// Outlet id -> product each product outlet carries at `minute` (outlets idle then are absent).
std::map<std::string, std::string> outlet_products_at(const Plan& plan, int minute);

}  // namespace coldsort::scheduler
