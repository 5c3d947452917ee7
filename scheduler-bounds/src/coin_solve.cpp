// CLP and CBC behind solve_lp / solve_mip. COIN-OR minimises, the model maximises: the
// objective is negated on the way in and out.
#include "coin_solve.hpp"

#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <ClpSimplex.hpp>
#include <ClpSolve.hpp>
#include <CoinFinite.hpp>
#include <CoinMessageHandler.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace coldsort::scheduler_bounds {
namespace {

double coin_bound(double v) {
  if (std::isinf(v)) return v > 0 ? COIN_DBL_MAX : -COIN_DBL_MAX;
  return v;
}

// The model in the arrays COIN-OR loads (bounds with COIN's infinity, objective negated).
struct CoinArrays {
  CoinPackedMatrix matrix;
  std::vector<double> col_lower, col_upper, objective, row_lower, row_upper;

  explicit CoinArrays(const SparseModel& m)
      : matrix(true, m.entry_row.data(), m.entry_col.data(), m.entry_value.data(),
               static_cast<CoinBigIndex>(m.entry_value.size())) {
    // Triplets fix the size by the largest index seen; empty last rows/columns still count.
    matrix.setDimensions(static_cast<int>(m.rows()), static_cast<int>(m.cols()));
    for (std::size_t c = 0; c < m.cols(); ++c) {
      col_lower.push_back(coin_bound(m.col_lower[c]));
      col_upper.push_back(coin_bound(m.col_upper[c]));
      objective.push_back(-m.objective[c]);
    }
    for (std::size_t r = 0; r < m.rows(); ++r) {
      row_lower.push_back(coin_bound(m.row_lower[r]));
      row_upper.push_back(coin_bound(m.row_upper[r]));
    }
  }
};

std::string clp_status(int status) {
  switch (status) {
    case 0: return "optimal";
    case 1: return "infeasible";
    case 2: return "unbounded";
    case 3: return "iteration limit";
    default: return "solver error " + std::to_string(status);
  }
}

}  // namespace

SolveResult solve_lp(const SparseModel& model) {
  const CoinArrays a(model);
  ClpSimplex lp;
  lp.setLogLevel(0);
  lp.loadProblem(a.matrix, a.col_lower.data(), a.col_upper.data(), a.objective.data(), a.row_lower.data(),
                 a.row_upper.data());
  // Barrier with presolve, then crossover to a vertex: on the peak day's LP (~18k rows x
  // 34k columns) about 2 s against 15 s for the dual simplex from the slack basis, whose
  // many equal-valued vertices cost it ~30k pivots.
  ClpSolve options;
  options.setSolveType(ClpSolve::useBarrier);
  options.setPresolveType(ClpSolve::presolveOn);
  lp.initialSolve(options);
  if (lp.status() != 0) lp.dual();  // the barrier stalled (numerics): the simplex from where it stopped
  SolveResult r;
  r.status = clp_status(lp.status());
  r.solved = lp.status() == 0;
  r.has_solution = r.solved;
  r.objective = r.best_bound = -lp.objectiveValue();
  r.iterations = lp.numberIterations();
  if (r.solved) r.values.assign(lp.primalColumnSolution(), lp.primalColumnSolution() + model.cols());
  return r;
}

SolveResult solve_mip(const SparseModel& model, int max_nodes) {
  const CoinArrays a(model);
  OsiClpSolverInterface solver;
  solver.messageHandler()->setLogLevel(0);
  solver.loadProblem(a.matrix, a.col_lower.data(), a.col_upper.data(), a.objective.data(), a.row_lower.data(),
                     a.row_upper.data());
  for (std::size_t c = 0; c < model.cols(); ++c)
    if (model.integer[c] != 0) solver.setInteger(static_cast<int>(c));
  CbcModel cbc(solver);
  CbcSolverUsefulData data;
  CbcMain0(cbc, data);
  // CBC's standard driver: its default cuts and heuristics, quiet, capped by nodes (never by
  // the clock, so the same instance gives the same answer).
  const std::string nodes = std::to_string(max_nodes);
  const char* argv[] = {"coldsort", "-log", "0", "-maxNodes", nodes.c_str(), "-solve", "-quit"};
  CbcMain1(static_cast<int>(sizeof argv / sizeof argv[0]), argv, cbc, nullptr, data);
  SolveResult r;
  r.has_solution = cbc.bestSolution() != nullptr;
  r.solved = cbc.isProvenOptimal();
  r.objective = r.has_solution ? -cbc.getObjValue() : 0;
  r.best_bound = -cbc.getBestPossibleObjValue();
  r.iterations = cbc.getIterationCount();
  r.nodes = cbc.getNodeCount();
  r.status = r.solved                     ? "optimal"
             : cbc.isProvenInfeasible()   ? "infeasible"
             : cbc.isNodeLimitReached()   ? "node limit"
                                          : "stopped";
  return r;
}

}  // namespace coldsort::scheduler_bounds
