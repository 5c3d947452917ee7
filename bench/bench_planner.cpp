// bench_planner: the planning figures the scheduler issue asks for, measured in one run on
// this machine (docs/planning-benchmarks.md):
//  - the ladder (xs .. peak, stress): plan time, on-time parcels of flow vs fifo vs edd, and
//    their ratio to the capacity and LP bounds (and to the exact optimum on xs);
//  - peak: a full plan's time (median of runs) and the process's peak memory; a re-plan
//    after one change (a worker leaves at 10:00) with the first plan published: its time and
//    how many assignments changed;
//  - the seeded pack-day simulation of peak and stress per method: on time, parcels/h,
//    fairness, reassignments, re-plan times.
// Usage: bench_planner [INSTANCE_DIR] [--quick]   (--quick: plans only, no simulation)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "coldsort/scheduler/bound.hpp"
#include "coldsort/scheduler/pack_day.hpp"
#include "coldsort/scheduler/planner.hpp"
#include "coldsort/scheduler_bounds/lp_bounds.hpp"

using namespace coldsort::scheduler;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

std::string pct(double x) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << 100 * x << "%";
  return s.str();
}

struct Timed {
  Plan plan;
  double ms = 0;
};

Timed plan_once(const Instance& in, const std::string& method, const Plan* published = nullptr, int now = 0) {
  auto planner = make_planner(method);
  PlanRequest request;
  request.instance = &in;
  request.now_min = now;
  request.published = published;
  const auto t0 = Clock::now();
  Timed t{planner->plan(request), 0};
  t.ms = ms_since(t0);
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One instance: bounds, then each method's plan against them.
void ladder_row(const std::string& dir, const std::string& name, bool exact) {
  auto loaded = load_instance(dir + "/" + name + ".json");
  if (!loaded.instance) {
    std::cout << name << ": cannot load: " << loaded.errors.joined() << "\n";
    return;
  }
  const Instance in = planning_view(*loaded.instance);  // the view a plan made before the day has
  std::vector<Bound> bounds = {capacity_bound(in), coldsort::scheduler_bounds::lp_bound(in)};
  if (exact) bounds.push_back(coldsort::scheduler_bounds::exact_optimum(in));
  std::cout << "\n" << name << ": " << in.orders.size() << " orders, " << bounds[0].parcels_demanded << " parcels\n";
  for (const Bound& b : bounds)
    std::cout << "  bound " << std::setw(8) << b.method << " " << std::fixed << std::setprecision(1)
              << b.on_time_parcels << (b.optimal ? " (optimal)" : "") << "  " << std::setprecision(2) << b.seconds
              << " s  " << b.note << "\n";
  const double best = std::min(bounds[0].on_time_parcels, bounds[1].on_time_parcels);  // exact: not a bound
  std::cout << "  method   on-time   rate     vs-bound  late  unplanned  parcels/h  fairness  ms        violations\n";
  for (const std::string& m : planner_methods()) {
    Timed t = plan_once(in, m);
    const PlanKpis& k = t.plan.kpis;
    std::cout << "  " << std::left << std::setw(8) << m << std::right << std::setw(8) << k.parcels_on_time
              << std::setw(9) << pct(k.on_time_rate) << std::setw(10) << pct(best > 0 ? k.parcels_on_time / best : 0)
              << std::setw(6) << k.parcels_late << std::setw(11) << k.parcels_unplanned << std::setw(11)
              << std::setprecision(0) << k.parcels_per_h << std::setw(10) << std::setprecision(2) << k.fairness_ratio
              << std::setw(10) << std::setprecision(1) << t.ms << std::setw(11) << check_plan(in, t.plan).size()
              << "\n";
  }
}

// Peak: full plan time and memory; a re-plan after one worker leaves at minute 180.
void peak_timing(const std::string& dir, const std::string& name) {
  const long rss0 = peak_rss_kb();
  auto loaded = load_instance(dir + "/" + name + ".json");
  if (!loaded.instance) return;
  const Instance in = planning_view(*loaded.instance);
  const long rss_loaded = peak_rss_kb();
  std::vector<double> runs;
  Timed first;
  for (int i = 0; i < 3; ++i) {
    first = plan_once(in, "flow");
    runs.push_back(first.ms);
  }
  const long rss_planned = peak_rss_kb();
  // The floor at 10:00 as the first plan had it: its parcels finished by then are packed.
  constexpr int kNow = 180;
  std::map<std::string, std::size_t> order_index;
  for (std::size_t i = 0; i < in.orders.size(); ++i) order_index[in.orders[i].id] = i;
  std::vector<int> packed(in.orders.size(), 0);
  for (const PackTask& t : first.plan.tasks)
    if (t.finish_min <= kNow) packed[order_index[t.order]] = in.orders[order_index[t.order]].boxes;
  Instance unchanged = known_at(in, kNow, packed);
  Instance changed = unchanged;
  std::string leaver;
  for (PlanWorker& w : changed.workers)
    if (w.checked_in && !w.skills.empty() && w.shift.contains(kNow)) {
      w.checked_in = false;
      leaver = w.id;
      break;
    }
  Timed same = plan_once(unchanged, "flow", &first.plan, kNow);
  std::vector<double> replans;
  Timed replan;
  for (int i = 0; i < 3; ++i) {
    replan = plan_once(changed, "flow", &first.plan, kNow);
    replans.push_back(replan.ms);
  }
  std::cout << "\n" << name << " timing (flow, one core): full plan median " << std::setprecision(1) << median(runs)
            << " ms (runs:";
  for (double r : runs) std::cout << " " << r;
  std::cout << "); peak RSS " << rss_loaded / 1024 << " MiB after loading (" << rss0 / 1024 << " before), "
            << rss_planned / 1024 << " MiB after planning\n"
            << "  re-plan at minute " << kNow << " with the first plan published: no change " << same.ms
            << " ms, " << same.plan.kpis.changes_vs_published << " assignments changed; worker " << leaver
            << " leaves: median " << median(replans) << " ms, " << replan.plan.kpis.changes_vs_published
            << " assignments changed, " << replan.plan.kpis.parcels_late + replan.plan.kpis.parcels_unplanned
            << " parcels late or unplanned (vs " << same.plan.kpis.parcels_late + same.plan.kpis.parcels_unplanned
            << " without the change)\n";
}

void simulate(const std::string& dir, const std::string& name) {
  auto loaded = load_instance(dir + "/" + name + ".json");
  if (!loaded.instance) return;
  const Instance& in = *loaded.instance;
  // The simulated day is measured against hindsight: the LP bound on the day as it happened.
  const Bound cap = coldsort::scheduler_bounds::lp_bound(in);
  std::cout << "\n" << name << " simulated day (seed 1; LP bound " << std::setprecision(0) << cap.on_time_parcels
            << " of " << cap.parcels_demanded << ")\n"
            << "  method   on-time   rate     vs-bound  late  unpacked  parcels/h  fairness  replans  moves  "
               "moves/replan  plan-ms-p50  plan-ms-max  cold-p95  sim-s\n";
  for (const std::string& m : planner_methods()) {
    auto planner = make_planner(m);
    const auto t0 = Clock::now();
    DayResult day = simulate_day(in, *planner, {});
    const double s = ms_since(t0) / 1000;
    const DayKpis& d = day.kpis;
    const PlanKpis& k = d.parcels;
    std::cout << "  " << std::left << std::setw(8) << m << std::right << std::setw(8) << k.parcels_on_time
              << std::setw(9) << pct(k.on_time_rate) << std::setw(10)
              << pct(cap.on_time_parcels > 0 ? k.parcels_on_time / cap.on_time_parcels : 0) << std::setw(6)
              << k.parcels_late << std::setw(10) << k.parcels_unplanned << std::setw(11) << std::setprecision(0)
              << k.parcels_per_h << std::setw(10) << std::setprecision(2) << k.fairness_ratio << std::setw(9)
              << d.replans << std::setw(7) << d.reassignments << std::setw(14)
              << (d.replans ? static_cast<double>(d.reassignments) / d.replans : 0.0) << std::setw(13)
              << std::setprecision(1) << d.plan_ms_p50 << std::setw(13) << d.plan_ms_max << std::setw(10)
              << d.cold_wait_p95_min << std::setw(7) << s << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = COLDSORT_CONFIG_DIR "/instances";
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
    else dir = argv[i];
  }
  std::cout << std::fixed;
  peak_timing(dir, "huili-peak");  // first, so the peak RSS is the planner's and not the LP's
  ladder_row(dir, "xs", true);
  for (const char* name : {"s", "m", "huili-peak", "huili-stress"}) ladder_row(dir, name, false);
  if (quick) return 0;
  simulate(dir, "huili-peak");
  simulate(dir, "huili-stress");
  return 0;
}
