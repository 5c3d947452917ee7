#pragma once
// Solves a SparseModel with COIN-OR: CLP for the LP relaxation, CBC for the MIP. The only
// place that includes COIN-OR headers.
// Thread safety: pure functions; each call owns its solver.
#include <string>
#include <vector>

#include "sparse_model.hpp"

namespace coldsort::scheduler_bounds {

struct SolveResult {
  bool solved = false;   // an optimum (LP) or a proven optimum (MIP) was found
  double objective = 0;  // LP optimum, or the best integer solution found
  double best_bound = 0;  // MIP: no integer solution is better than this
  bool has_solution = false;
  long iterations = 0;
  int nodes = 0;
  std::string status;  // "optimal", "node limit", "infeasible", ...
  std::vector<double> values;  // LP: the optimal column values
};

SolveResult solve_lp(const SparseModel& model);
SolveResult solve_mip(const SparseModel& model, int max_nodes);

}  // namespace coldsort::scheduler_bounds
