#pragma once
// What `coldsort plan` and `coldsort simulate-day` print: the instance in one paragraph, its
// bounds, and one KPI row per method with the ratio to the best (lowest) bound, as a table
// or as JSON.
#include <boost/json.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "coldsort/scheduler/bound.hpp"
#include "coldsort/scheduler/pack_day.hpp"
#include "coldsort/scheduler/plan.hpp"

namespace coldsort::cli {

// The methods `--method` names ("all": every one), or nullopt after saying on stderr what is
// wrong; the instance file, or nullopt after printing its errors with their paths.
std::optional<std::vector<std::string>> methods_named(const std::string& method, const char* command);
std::optional<scheduler::Instance> instance_from(const std::string& file, const char* command);

// Bounds asked for by name: "capacity", "lp", "exact" (each includes the cheaper ones), "none".
struct Bounds {
  std::vector<scheduler::Bound> computed;
  // The tightest valid bound: the smallest on-time parcels of the capacity and LP bounds
  // computed (nullptr: none). The exact optimum is printed beside it, not used for ratios.
  const scheduler::Bound* best() const;
};
// nullopt after saying on stderr, after `command`, that `which` is not a bound's name.
std::optional<Bounds> compute_bounds(const scheduler::Instance& instance, const std::string& which,
                                     const char* command);

struct MethodResult {
  std::string method;
  scheduler::PlanKpis kpis;  // the plan's, or the simulated day's parcels
  double plan_ms = 0;        // wall time of the (first) plan
  long iterations = 0;
  std::vector<scheduler::Violation> violations;    // hard constraints broken (must be none)
  std::optional<scheduler::DayKpis> day;           // simulate-day only
  std::vector<scheduler::Infeasibility> infeasible;  // what the method could not plan, and why
};

void print_instance(std::ostream& out, const scheduler::Instance& instance);
void print_bounds(std::ostream& out, const Bounds& bounds);
void print_results(std::ostream& out, const std::vector<MethodResult>& rows, const Bounds& bounds);
// The table (instance, bounds, one row per method) or, with `json`, results_json on one line.
void print_report(std::ostream& out, const scheduler::Instance& instance, const Bounds& bounds,
                  const std::vector<MethodResult>& rows, bool json);
boost::json::object results_json(const scheduler::Instance& instance, const Bounds& bounds,
                                 const std::vector<MethodResult>& rows);

}  // namespace coldsort::cli
