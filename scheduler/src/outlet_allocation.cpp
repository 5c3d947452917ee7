#include "coldsort/scheduler/outlet_allocation.hpp"

#include <algorithm>

namespace coldsort::scheduler {

using core::DecisionReason;

OutletAllocation::OutletAllocation(const core::Config& config)
    : reject_outlet_(config.outlet_of_kind(core::OutletKind::reject).number),
      recirculation_outlet_(config.outlet_of_kind(core::OutletKind::recirculation).number),
      doubtful_outlet_(config.doubtful_to_reject ? reject_outlet_ : recirculation_outlet_) {
  index_products(config);
  for (const core::Outlet& o : config.outlets)
    for (const std::string& product : o.products) allocate(o, product);
}

OutletAllocation::OutletAllocation(const core::Config& config,
                                   const std::map<std::string, std::string>& product_by_outlet)
    : reject_outlet_(config.outlet_of_kind(core::OutletKind::reject).number),
      recirculation_outlet_(config.outlet_of_kind(core::OutletKind::recirculation).number),
      doubtful_outlet_(config.doubtful_to_reject ? reject_outlet_ : recirculation_outlet_) {
  index_products(config);
  for (const auto& [outlet_id, product] : product_by_outlet) {
    const core::Outlet* outlet = config.find_outlet(outlet_id);
    const bool known_product = std::any_of(config.products.begin(), config.products.end(),
                                           [&](const core::Product& p) { return p.id == product; });
    // A plan for another floor, or a product outlet turned into reject: never eject a
    // product into an outlet that is not a product outlet of this line.
    if (outlet == nullptr || outlet->kind != core::OutletKind::product || !known_product) {
      unknown_.push_back(outlet_id + "=" + product);
      continue;
    }
    allocate(*outlet, product);
  }
}

void OutletAllocation::index_products(const core::Config& config) {
  for (const core::Product& p : config.products)
    product_by_grade_size_.emplace(std::make_pair(p.grade, p.size_code), p.id);
}

void OutletAllocation::allocate(const core::Outlet& outlet, const std::string& product) {
  outlets_by_product_[product].outlets.push_back(outlet.number);
  product_by_outlet_id_[outlet.id] = product;
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
  auto outlet = outlets_by_product_.find(product->second);
  if (outlet == outlets_by_product_.end())
    return {recirculation_outlet_, DecisionReason::unplanned_product, product->second};
  const Rotation& turn = outlet->second;
  const int number = turn.outlets[turn.next];
  turn.next = (turn.next + 1) % turn.outlets.size();
  return {number, DecisionReason::graded, product->second};
}

}  // namespace coldsort::scheduler
