// coldsort plan --instance FILE [--method NAME|all] [--bound KIND] [--json] [--out PLAN.json]:
// plans a pack day from its instance file (the whole day as the file gives it, each order from
// its arrival) and prints the plan's KPIs against the bound; --out writes the plan for
// `coldsortd --plan`.
#include <boost/program_options.hpp>

#include <chrono>
#include <fstream>
#include <iostream>

#include "coldsort/scheduler/bound.hpp"
#include "coldsort/scheduler/plan_json.hpp"
#include "coldsort/scheduler/planner.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "planning_report.hpp"

namespace coldsort::cli {
namespace po = boost::program_options;

namespace {

const char* kUsage =
    "usage: coldsort plan --instance FILE [--method flow|fifo|edd|all] [--bound none|capacity|lp|exact]\n"
    "                     [--json] [--out PLAN.json]\n"
    "Plans the pack day in FILE and prints the plan's KPIs against the bound (exit 1 when a\n"
    "plan breaks a hard constraint).\n";

struct Parsed {
  std::string instance, method = "flow", bound = "lp", out;
  bool json = false, help = false;
};

std::optional<int> parse(const Args& args, Parsed& p) {
  po::options_description options("options");
  options.add_options()("instance", po::value(&p.instance), "pack-day instance (JSON)")(
      "method", po::value(&p.method), "planning method, or all")("bound", po::value(&p.bound),
                                                                   "bound to compare with (default lp)")(
      "json", po::bool_switch(&p.json), "print JSON")("out", po::value(&p.out), "write the plan (JSON)")(
      "help,h", po::bool_switch(&p.help), "this help");
  std::vector<std::string> words;
  if (auto done = read_arguments(args, options, words, "coldsort plan", kUsage)) return done;
  if (!words.empty() || p.instance.empty()) {
    std::cerr << "coldsort plan: --instance FILE is required (and nothing else)\n" << kUsage;
    return 2;
  }
  return std::nullopt;
}

}  // namespace

int run_plan(const Args& args) {
  Parsed p;
  if (auto done = parse(args, p)) return *done;
  auto methods = methods_named(p.method, "coldsort plan");
  auto file = instance_from(p.instance, "coldsort plan");
  if (!methods || !file) return 2;
  // A plan made before the day sees the forecast and no absences or cancellations; it is
  // checked, evaluated and bounded on that same view.
  const std::optional<scheduler::Instance> instance = scheduler::planning_view(*file);
  if (p.out.size() && methods->size() != 1) {
    std::cerr << "coldsort plan: --out needs one --method\n";
    return 2;
  }
  auto bounds = compute_bounds(*instance, p.bound, "coldsort plan");
  if (!bounds) return 2;
  std::vector<MethodResult> rows;
  for (const std::string& method : *methods) {
    auto planner = scheduler::make_planner(method);
    scheduler::PlanRequest request;
    request.instance = &*instance;
    const auto started = std::chrono::steady_clock::now();
    scheduler::Plan plan = planner->plan(request);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    plan.instance = instance->name;
    plan.day_start = instance->day_start;
    rows.push_back({method, plan.kpis, ms, plan.iterations, scheduler::check_plan(*instance, plan), std::nullopt,
                    plan.infeasible});
    if (!p.out.empty()) {
      std::ofstream written(p.out);
      written << scheduler::plan_to_json(plan) << "\n";
      if (!written) {
        std::cerr << "coldsort plan: cannot write " << p.out << "\n";
        return 1;
      }
    }
  }
  print_report(std::cout, *instance, *bounds, rows, p.json);
  for (const MethodResult& r : rows)
    if (!r.violations.empty()) return 1;
  return 0;
}

}  // namespace coldsort::cli
