// coldsort instance generate --preset NAME [--seed N] [--out FILE]: writes a generated pack-day
// instance (config/instances/README.md); coldsort instance check FILE: loads one, names every
// error by its JSON path, or summarises what the day asks for and offers.
#include <boost/program_options.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "coldsort/scheduler/instance.hpp"
#include "coldsort/scheduler/instance_generator.hpp"
#include "command_line.hpp"
#include "commands.hpp"

namespace coldsort::cli {
namespace po = boost::program_options;
namespace sched = coldsort::scheduler;

namespace {

const char* kUsage =
    "usage: coldsort instance generate --preset NAME [--seed N] [--out FILE]\n"
    "       coldsort instance check FILE\n"
    "generate: writes a seeded pack-day instance as JSON (to stdout without --out); presets\n"
    "  xs, s, m, peak, stress (config/instances/README.md). Same preset and seed, same file.\n"
    "check: loads FILE; prints its errors with their JSON paths (exit 1), or a summary of\n"
    "  what the day asks for and offers, and what makes part of it infeasible (exit 0).\n";

int generate(const Args& args) {
  std::string preset, seed_text, out;
  bool help = false;
  po::options_description options("options");
  options.add_options()("preset", po::value(&preset)->required(), "xs, s, m, peak or stress")
      ("seed", po::value(&seed_text), "random seed (default: the preset's)")
      ("out", po::value(&out), "write here instead of stdout")
      ("help,h", po::bool_switch(&help), "this help");
  std::vector<std::string> words;
  if (auto done = read_arguments(args, options, words, "coldsort instance generate", kUsage)) return *done;
  auto spec = sched::generator_preset(preset);
  if (!spec || !words.empty()) {
    std::cerr << "coldsort instance generate: unknown preset \"" << preset << "\" or extra words\n" << kUsage;
    return 2;
  }
  if (!seed_text.empty()) {
    std::size_t used = 0;
    try {
      spec->seed = std::stoull(seed_text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != seed_text.size() || seed_text[0] == '-') {
      std::cerr << "coldsort instance generate: --seed wants a whole number, got \"" << seed_text << "\"\n";
      return 2;
    }
  }
  const std::string text = sched::save_instance(sched::generate_instance(*spec)) + "\n";
  if (out.empty()) {
    std::cout << text;
    return 0;
  }
  std::ofstream file(out, std::ios::binary);
  file << text;
  file.close();
  if (!file) {
    std::cerr << "coldsort instance generate: cannot write " << out << "\n";
    return 1;
  }
  return 0;
}

std::string clock_text(const sched::Instance& in, int minute) {
  int start = 0;
  if (in.day_start.size() == 5) start = std::stoi(in.day_start.substr(0, 2)) * 60 + std::stoi(in.day_start.substr(3, 2));
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", ((start + minute) / 60) % 24, (start + minute) % 60);
  return buf;
}

std::string fixed(double value, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << value;
  return out.str();
}

void print_summary(const std::string& file, const sched::Instance& in) {
  const sched::InstanceSummary sum = sched::summarize_instance(in);
  std::map<int, std::set<std::string>> couriers;
  for (const sched::PlanOrder& o : in.orders) couriers[o.cutoff_min].insert(o.courier);
  int product_outlets = 0;
  for (const sched::PlanOutlet& o : in.outlets) product_outlets += o.kind == core::OutletKind::product ? 1 : 0;
  std::cout << file << ": valid. " << in.name << ": " << in.products.size() << " products, " << in.box_types.size()
            << " box types, " << in.outlets.size() << " outlets (" << product_outlets << " for products), "
            << in.stations.size() << " stations (" << sum.station_places << " places), " << in.workers.size()
            << " workers (" << sum.packers << " packers, " << sum.absent << " absent during the day), "
            << in.lots.size() << " lots; " << sum.orders << " orders (" << sum.orders_cancelled << " cancelled), "
            << sum.parcels << " parcels due at";
  for (std::size_t k = 0; k < sum.cutoff_min.size(); ++k) {
    std::cout << (k == 0 ? " " : ", ") << clock_text(in, sum.cutoff_min[k]);
    for (const std::string& c : couriers[sum.cutoff_min[k]]) std::cout << " " << c;
    std::cout << " " << sum.parcels_by_cutoff[k];
  }
  const double load = sum.labour_capacity_parcels > 0 ? sum.parcels / sum.labour_capacity_parcels : 0;
  const double fruit = sum.fruit_needed > 0 ? sum.fruit_flow / sum.fruit_needed : 0;
  std::cout << ". Labour capacity ~" << fixed(sum.labour_capacity_parcels, 0)
            << " parcels at the demand's box mix (demand " << fixed(load * 100, 1) << " % of it). Fruit flow "
            << fixed(sum.fruit_flow, 0) << " vs " << fixed(sum.fruit_needed, 0) << " needed (" << fixed(fruit, 2)
            << "x; tightest " << sum.tightest_product << " " << fixed(sum.min_product_ratio, 2) << "x)"
            << (sum.forecast_differs ? "; the forecast differs from the actual flow" : "") << ".\n";
  const auto infeasible = sched::find_infeasibilities(in);
  std::cout << "Infeasible: " << (infeasible.empty() ? "nothing" : std::to_string(infeasible.size())) << "\n";
  constexpr std::size_t kShown = 20;
  for (std::size_t i = 0; i < infeasible.size() && i < kShown; ++i)
    std::cout << "  " << infeasible[i].subject << ": " << infeasible[i].reason << "\n";
  if (infeasible.size() > kShown) std::cout << "  ... and " << infeasible.size() - kShown << " more\n";
}

int check(const Args& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << kUsage;
    return 0;
  }
  if (args.size() != 1) {
    std::cerr << kUsage;
    return 2;
  }
  const sched::LoadedInstance loaded = sched::load_instance(args[0]);
  if (!loaded.instance) {
    std::cerr << args[0] << ": " << loaded.errors.list().size() << " error(s)\n" << loaded.errors.joined();
    return 2;  // bad input, as for every command (commands.hpp)
  }
  print_summary(args[0], *loaded.instance);
  return 0;
}

}  // namespace

int run_instance(const Args& args) {
  const std::string sub = args.empty() ? "" : args[0];
  const Args rest(args.empty() ? args.begin() : args.begin() + 1, args.end());
  try {
    if (sub == "generate") return generate(rest);
    if (sub == "check") return check(rest);
  } catch (const std::invalid_argument& e) {
    std::cerr << "coldsort instance " << sub << ": " << e.what() << "\n";
    return 2;
  }
  if (sub == "--help" || sub == "-h") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}

}  // namespace coldsort::cli
