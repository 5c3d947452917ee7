// coldsort simulate-day --instance FILE --method NAME|all [--seed N] [--bound KIND] [--json]
// [--log]: runs the pack day in the seeded discrete-event simulator with the method re-planning
// live (it sees only what is known at each moment) and prints the day's KPI table.
#include <boost/program_options.hpp>

#include <iostream>

#include "coldsort/scheduler/bound.hpp"
#include "coldsort/scheduler/pack_day.hpp"
#include "coldsort/scheduler/planner.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "planning_report.hpp"
#include "progress_bar.hpp"

namespace coldsort::cli {
namespace po = boost::program_options;

namespace {

const char* kUsage =
    "usage: coldsort simulate-day --instance FILE --method flow|fifo|edd|all [--seed N]\n"
    "                             [--bound none|capacity|lp|exact] [--json] [--log]\n"
    "Simulates the pack day in FILE with the method re-planning as the day unfolds and prints\n"
    "the day's KPIs against the bound.\n";

struct Parsed {
  std::string instance, method, bound = "capacity";
  std::uint64_t seed = 1;
  bool json = false, log = false, help = false;
};

std::optional<int> parse(const Args& args, Parsed& p) {
  po::options_description options("options");
  options.add_options()("instance", po::value(&p.instance), "pack-day instance (JSON)")(
      "method", po::value(&p.method), "planning method, or all")("seed", po::value(&p.seed), "random seed")(
      "bound", po::value(&p.bound), "bound to compare with (default capacity)")(
      "json", po::bool_switch(&p.json), "print JSON")("log", po::bool_switch(&p.log), "print the re-plan log")(
      "help,h", po::bool_switch(&p.help), "this help");
  std::vector<std::string> words;
  if (auto done = read_arguments(args, options, words, "coldsort simulate-day", kUsage)) return done;
  if (!words.empty() || p.instance.empty() || p.method.empty()) {
    std::cerr << "coldsort simulate-day: --instance FILE and --method NAME are required\n" << kUsage;
    return 2;
  }
  return std::nullopt;
}

}  // namespace

int run_simulate_day(const Args& args) {
  Parsed p;
  if (auto done = parse(args, p)) return *done;
  auto methods = methods_named(p.method, "coldsort simulate-day");
  auto instance = instance_from(p.instance, "coldsort simulate-day");
  if (!methods || !instance) return 2;
  auto bounds = compute_bounds(*instance, p.bound, "coldsort simulate-day");
  if (!bounds) return 2;
  std::vector<MethodResult> rows;
  for (const std::string& method : *methods) {
    auto planner = scheduler::make_planner(method);
    scheduler::DayOptions options;
    options.seed = p.seed;
    ProgressBar bar(static_cast<std::size_t>(instance->horizon_min), "simulating " + method);
    options.progress = [&](int now_min, int) { bar.update(static_cast<std::size_t>(now_min)); };
    scheduler::DayResult day = scheduler::simulate_day(*instance, *planner, options);
    bar.finish();
    if (p.log && !p.json)
      for (const std::string& line : day.log) std::cout << method << " " << line << "\n";
    // What the day makes impossible from the start (the last re-plan's list would only repeat
    // the late orders whose cut-offs have passed).
    rows.push_back({method, day.kpis.parcels, day.kpis.plan_ms_p50, day.last_plan.iterations, {}, day.kpis,
                    scheduler::find_infeasibilities(scheduler::planning_view(*instance), 0)});
  }
  print_report(std::cout, *instance, *bounds, rows, p.json);
  return 0;
}

}  // namespace coldsort::cli
