#pragma once
// The time-indexed model behind `lp_bound` and `exact_optimum` (README.md states it row by
// row), built from the hindsight figures every bound shares (coldsort/scheduler/bound_inputs.hpp).
// Thread safety: pure function.
#include <cstddef>
#include <utility>
#include <vector>

#include "coldsort/scheduler/bound_inputs.hpp"
#include "sparse_model.hpp"

namespace coldsort::scheduler_bounds {

// In an interval without outlet detail, what the solution asks of the outlets for one product:
// sum over pools g of per_pool[g] x Q[p,g] must reach sum of value(col) x coefficient over
// `terms` (reach minutes, or fruit arrivals), while each pool shares its outlets out.
struct OutletRequirement {
  std::size_t product = 0;
  std::vector<double> per_pool;
  std::vector<std::pair<int, double>> terms;
};

struct BoundModel {
  SparseModel model;  // maximise the parcels of work done by their cut-offs
  // Per interval; empty where the outlets are modelled in detail.
  std::vector<std::vector<OutletRequirement>> outlet_requirements;
  std::size_t worker_cols = 0;
  std::size_t parcel_cols = 0;
  std::size_t outlet_cols = 0;
  std::size_t fruit_cols = 0;
  std::size_t station_cols = 0;  // exact only
};

// `exact`: outlet pools in whole outlets per interval, each worker at one station class per
// interval, whole on-time parcels per bucket; otherwise the LP relaxation. `detailed`: per
// interval, whether the outlet allocation is modelled (Q[p,g,t], rows O1, R1-R2, F2); where it
// is not, every product may use every outlet at once (a relaxation) and the model lists what
// the outlets would have to give (`outlet_requirements`). Exact models are detailed throughout.
BoundModel build_bound_model(const scheduler::BoundInputs& in, bool exact, const std::vector<bool>& detailed);

}  // namespace coldsort::scheduler_bounds
