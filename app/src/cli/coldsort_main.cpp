// coldsort: the command-line tool. Each command lives in its own file (see commands.hpp).
#include <iostream>
#include <string>
#include <string_view>

#include "commands.hpp"

namespace {

struct Command {
  std::string_view name;
  int (*run)(const coldsort::cli::Args&);
  std::string_view usage;
};

constexpr Command kCommands[] = {
    {"check-config", coldsort::cli::run_check_config,
     "check-config FILE             validate a line config (exit 0 valid, 2 invalid)"},
    {"db", coldsort::cli::run_db,
     "db count|seed|backup|check ...   count fruit, seed a season, back up, check integrity"},
    {"report", coldsort::cli::run_report,
     "report NAME --db FILE [--from D --to D] [--format table|csv|json]   manager reports"},
    {"export", coldsort::cli::run_export, "export TABLE --db FILE [--from D --to D]   raw rows as CSV"},
    {"grade", coldsort::cli::run_grade, "grade [options] PATH...       grade images to CSV"},
    {"grade-eval", coldsort::cli::run_grade_eval,
     "grade-eval --truth CSV PATH   score the grader against known truth"},
    {"regrade", coldsort::cli::run_regrade,
     "regrade --standard FILE DIR   outturn of archived images under a draft standard"},
    {"calibrate", coldsort::cli::run_calibrate,
     "calibrate camera|weight ...   px/mm, lens distortion, weight model"},
    {"synth", coldsort::cli::run_synth, "synth --out DIR [options]     render fruit with truth"},
    {"plan", coldsort::cli::run_plan, "plan --instance FILE          plan a pack day; KPIs against the bound"},
    {"simulate-day", coldsort::cli::run_simulate_day,
     "simulate-day --instance FILE --method NAME   run the pack day with live re-planning"},
    {"instance", coldsort::cli::run_instance,
     "instance generate|check ...   make or check a pack-day planning instance"},
};

void print_usage(std::ostream& out) {
  out << "usage: coldsort COMMAND [ARGS...]   (coldsort COMMAND --help for details)\n";
  for (const Command& c : kCommands) out << "  coldsort " << c.usage << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view name = argc > 1 ? argv[1] : "";
  if (name == "--help" || name == "-h") {
    print_usage(std::cout);
    return 0;
  }
  for (const Command& c : kCommands)
    if (c.name == name) return c.run(coldsort::cli::Args(argv + 2, argv + argc));
  if (!name.empty()) std::cerr << "coldsort: unknown command \"" << name << "\"\n";
  print_usage(std::cerr);
  return 2;
}
