#pragma once
// LP and MIP bounds on a planning instance with COIN-OR CLP/CBC (Debian's coinor-libclp-dev,
// coinor-libcbc-dev). Used by the CLI and benchmarks to measure plans; the live planner never
// links this library. COIN-OR headers stay in this module's src/.
// Thread safety: pure functions.
#include "coldsort/scheduler/bound.hpp"
#include "coldsort/scheduler/instance.hpp"

namespace coldsort::scheduler_bounds {

// LP relaxation of the time-indexed model (docs/planning.md): per planning period, worker time
// split over box types and stations, parcels of each (SKU, cut-off) bucket packed per period,
// fruit of each product with the cold limit, fractional outlet allocation with its reach.
scheduler::Bound lp_bound(const scheduler::Instance& instance);

// The same model with integer outlet allocation, whole workers per station slot and period and
// whole parcels, solved by branch and cut; meant for XS-sized instances. `max_nodes` caps the
// work; `optimal` says whether it finished.
scheduler::Bound exact_optimum(const scheduler::Instance& instance, int max_nodes = 200'000);

}  // namespace coldsort::scheduler_bounds
