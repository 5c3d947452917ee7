#include "coldsort/scheduler/outlet_allocation.hpp"

namespace coldsort::scheduler {

using core::DecisionReason;

OutletAllocation::OutletAllocation(const core::Config& config)
    : reject_outlet_(config.outlet_of_kind(core::OutletKind::reject).number),
      recirculation_outlet_(config.outlet_of_kind(core::OutletKind::recirculation).number),
      doubtful_outlet_(config.doubtful_to_reject ? reject_outlet_ : recirculation_outlet_) {
  for (const core::Product& p : config.products)
    product_by_grade_size_.emplace(std::make_pair(p.grade, p.size_code), p.id);
  for (const core::Outlet& o : config.outlets)
    for (const std::string& product : o.products) outlet_by_product_.emplace(product, o.number);
}

OutletChoice OutletAllocation::choose(core::Grade grade, const std::string& size_code,
                                      DecisionReason graded_reason) const {
  switch (graded_reason) {
    case DecisionReason::empty_cup: return {0, graded_reason, {}};
    case DecisionReason::out_of_grade: return {reject_outlet_, graded_reason, {}};
    case DecisionReason::graded: break;
    default: return {doubtful_outlet_, graded_reason, {}};
  }
  auto product = product_by_grade_size_.find({grade, size_code});
  if (product == product_by_grade_size_.end())
    return {recirculation_outlet_, DecisionReason::unplanned_product, {}};
  auto outlet = outlet_by_product_.find(product->second);
  if (outlet == outlet_by_product_.end())
    return {recirculation_outlet_, DecisionReason::unplanned_product, product->second};
  return {outlet->second, DecisionReason::graded, product->second};
}

}  // namespace coldsort::scheduler
