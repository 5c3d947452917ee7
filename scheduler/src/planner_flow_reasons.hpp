#pragma once
// The reasons a supervisor reads, short: "W-017 -> S-12: gift-6 I-C due 11:00 (42 parcels,
// slack 18 min), fastest free (22/h)"; "O-07 carries I-C: ~6 packers' work, gift-6 due 11:00".
// Thread safety: pure functions.
#include <string>

#include "planner_flow_forward.hpp"
#include "planner_flow_model.hpp"

namespace coldsort::scheduler::flow {

// Why worker `w` stands at `station` from period plan `pp` on.
std::string staff_reason(const Model& model, const PeriodPlan& pp, int w, int station);
// Why an outlet carries `product` from the block of `pp` on (pp.product_need filled).
std::string outlet_reason(const Model& model, const PeriodPlan& pp, int outlet, int product);
// "gift-6 I-C due 11:00": the SKU and the cut-off of its bucket.
std::string bucket_text(const Model& model, int bucket);

}  // namespace coldsort::scheduler::flow
