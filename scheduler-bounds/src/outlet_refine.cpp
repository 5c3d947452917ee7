// Checks each interval's outlet requirements (bound_model.hpp) with a small LP: share the
// pools' outlets over the products so every requirement is met, or say by how much it fails.
#include "outlet_refine.hpp"

#include <map>

#include "coin_solve.hpp"

namespace coldsort::scheduler_bounds {
namespace {

// A requirement short by less than this share of itself is met: solver round-off, and
// accepting it only leaves the bound a hair looser, never invalid.
constexpr double kShortfallShare = 1e-6;

bool overasked(const scheduler::BoundInputs& in, const std::vector<OutletRequirement>& needs,
               const std::vector<double>& values) {
  SparseModel m;
  std::map<std::size_t, std::vector<int>> pools_of;  // product -> Q[p, g] columns
  std::vector<int> outlet_rows;
  for (const scheduler::BoundOutletGroup& g : in.outlet_groups) outlet_rows.push_back(m.add_row(-kInfinity, g.outlets));
  bool any = false;
  for (const OutletRequirement& r : needs) {
    double need = 0;
    for (const auto& [col, coefficient] : r.terms) need += values[static_cast<std::size_t>(col)] * coefficient;
    if (need <= 1e-9) continue;
    auto [it, added] = pools_of.try_emplace(r.product);
    if (added)
      for (std::size_t g = 0; g < in.outlet_groups.size(); ++g) {
        it->second.push_back(m.add_col(0, in.outlet_groups[g].outlets));
        m.set(outlet_rows[g], it->second.back(), 1);
      }
    const int row = m.add_row(need, kInfinity);
    for (std::size_t g = 0; g < r.per_pool.size(); ++g) m.set(row, it->second[g], r.per_pool[g]);
    m.set(row, m.add_col(0, kInfinity, -1.0 / need), 1);  // shortfall, as a share of the need
    any = true;
  }
  if (!any) return false;
  const SolveResult r = solve_lp(m);
  return !r.solved || -r.objective > kShortfallShare;
}

}  // namespace

std::vector<std::size_t> overasked_intervals(const scheduler::BoundInputs& in, const BoundModel& model,
                                             const std::vector<double>& values) {
  std::vector<std::size_t> out;
  for (std::size_t t = 0; t < model.outlet_requirements.size(); ++t)
    if (!model.outlet_requirements[t].empty() && overasked(in, model.outlet_requirements[t], values)) out.push_back(t);
  return out;
}

}  // namespace coldsort::scheduler_bounds
