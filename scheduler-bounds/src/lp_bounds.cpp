// lp_bound and exact_optimum (lp_bounds.hpp): build the time-indexed model, solve it, and
// report it as a Bound with its size in the note.
#include "coldsort/scheduler_bounds/lp_bounds.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "bound_model.hpp"
#include "coin_solve.hpp"
#include "outlet_refine.hpp"
#include "coldsort/scheduler/bound_inputs.hpp"

namespace coldsort::scheduler_bounds {
namespace {

using Clock = std::chrono::steady_clock;

// Solves of the LP at most; each adds outlet detail where the last one overasked the outlets.
// Fixed, so the same instance gives the same bound on every machine.
constexpr int kRefineRounds = 6;

// Integer columns above which exact_optimum does not start branch and cut.
constexpr std::size_t kMaxExactIntegers = 5000;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Parcels are whole, so a bound may be rounded down; the tolerance absorbs the solver's.
double whole(double parcels) { return std::floor(parcels + 1e-6); }

std::string size_text(const BoundModel& m) {
  return std::to_string(m.model.rows()) + " rows x " + std::to_string(m.model.cols()) + " cols (" +
         std::to_string(m.worker_cols) + " worker, " + std::to_string(m.parcel_cols) + " parcel, " +
         std::to_string(m.outlet_cols) + " outlet, " + std::to_string(m.fruit_cols) + " fruit" +
         (m.station_cols != 0 ? ", " + std::to_string(m.station_cols) + " station" : std::string()) + ")";
}

}  // namespace

scheduler::Bound lp_bound(const scheduler::Instance& instance) {
  const auto started = Clock::now();
  const scheduler::BoundInputs in = scheduler::make_bound_inputs(instance);
  // Outlet detail only where the solution needs more of the outlets than they give
  // (outlet_refine.hpp); every round's optimum is a valid bound, the last is the tightest.
  std::vector<bool> detailed(in.intervals.size(), false);
  BoundModel model;
  SolveResult r;
  int round = 0;
  std::size_t left = 0;
  for (; round < kRefineRounds; ++round) {
    model = build_bound_model(in, false, detailed);
    r = solve_lp(model.model);
    if (!r.solved) break;
    const std::vector<std::size_t> over = overasked_intervals(in, model, r.values);
    left = over.size();
    if (over.empty()) break;
    if (round + 1 < kRefineRounds)
      for (std::size_t t : over) detailed[t] = true;
  }
  const auto with_detail = std::count(detailed.begin(), detailed.end(), true);
  scheduler::Bound bound;
  bound.method = "lp";
  bound.parcels_demanded = in.parcels_demanded;
  bound.note = "LP " + size_text(model) + ", " + r.status + " after " + std::to_string(r.iterations) +
               " iterations; outlets in detail in " + std::to_string(with_detail) + " of " +
               std::to_string(in.intervals.size()) + " intervals after " + std::to_string(std::min(round + 1, kRefineRounds)) +
               " rounds" + (left != 0 ? " (" + std::to_string(left) + " still relaxed)" : std::string());
  if (r.solved) {
    bound.on_time_parcels = whole(r.objective);
  } else {
    // Without an LP optimum the closed form is still a valid bound.
    bound.on_time_parcels = scheduler::capacity_bound(instance).on_time_parcels;
    bound.note += "; capacity bound used";
  }
  bound.seconds = seconds_since(started);
  return bound;
}

scheduler::Bound exact_optimum(const scheduler::Instance& instance, int max_nodes) {
  const auto started = Clock::now();
  const scheduler::BoundInputs in = scheduler::make_bound_inputs(instance);
  const BoundModel model = build_bound_model(in, true, std::vector<bool>(in.intervals.size(), true));
  scheduler::Bound bound;
  bound.method = "exact";
  bound.parcels_demanded = in.parcels_demanded;
  bound.note = "MIP " + size_text(model) + ", " + std::to_string(model.model.integers()) + " integer";
  if (model.model.integers() > kMaxExactIntegers) {
    // Branch and cut would not finish on a day this size (XS has ~600-900): the LP instead.
    bound.on_time_parcels = lp_bound(instance).on_time_parcels;
    bound.note += ", too large for branch and cut: the LP bound";
    bound.seconds = seconds_since(started);
    return bound;
  }
  const SolveResult r = solve_mip(model.model, max_nodes);
  bound.optimal = r.solved;
  bound.note += ", " + r.status + " after " + std::to_string(r.nodes) + " nodes";
  if (r.solved) {
    bound.on_time_parcels = whole(r.objective);
  } else {
    // Not finished: report what no solution of the model can beat; the LP caps it.
    const double lp = lp_bound(instance).on_time_parcels;
    bound.on_time_parcels = std::min(lp, whole(r.best_bound));
    if (r.has_solution) bound.note += "; best found " + std::to_string(static_cast<long>(whole(r.objective)));
  }
  bound.seconds = seconds_since(started);
  return bound;
}

}  // namespace coldsort::scheduler_bounds
