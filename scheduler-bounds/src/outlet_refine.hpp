#pragma once
// The LP starts with the outlet allocation left out (every product may use every outlet at
// once: a relaxation, so the bound stays valid) and adds it, interval by interval, where the
// solution asks the outlets for more than they can give. When no interval does, the solution
// fits the full model and the relaxed optimum is the full LP's optimum.
// Thread safety: pure function.
#include <cstddef>
#include <vector>

#include "bound_model.hpp"

namespace coldsort::scheduler_bounds {

// Intervals without outlet detail where no sharing of the pools' outlets over the products
// gives every product the reach and the fruit the LP solution `values` uses.
std::vector<std::size_t> overasked_intervals(const scheduler::BoundInputs& in, const BoundModel& model,
                                             const std::vector<double>& values);

}  // namespace coldsort::scheduler_bounds
