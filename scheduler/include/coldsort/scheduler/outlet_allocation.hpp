#pragma once
// Which outlet takes which product, and where fruit goes that no product outlet takes.
// Built from config (`outlets[].products`) or from a published plan's allocation at a minute
// (the plan's product per outlet replaces the config's). A product on several outlets goes to
// them in turn, so they fill evenly (the planner sized them for it).
// Thread safety: build anywhere; `choose` is called by one thread (the line thread) because
// it turns the rotation.
#include <map>
#include <string>
#include <vector>

#include "coldsort/core/config.hpp"

namespace coldsort::scheduler {

struct OutletChoice {
  int outlet = 0;  // PLC outlet number; 0 = no ejection
  core::DecisionReason reason = core::DecisionReason::uncertain;
  std::string product_id;
};

class OutletAllocation {
 public:
  explicit OutletAllocation(const core::Config& config);
  // The plan's allocation: outlet id -> product id for product outlets (others carry nothing).
  // Ids the config does not know are skipped and listed in `unknown()`.
  OutletAllocation(const core::Config& config, const std::map<std::string, std::string>& product_by_outlet);

  // The outlet for a graded fruit. Uncertain and unreadable fruit go to recirculation (or
  // reject when the config's grading.doubtful says so),
  // out-of-grade fruit to reject, empty cups nowhere; a product without an outlet goes to
  // recirculation so that it is never packed as something it is not.
  OutletChoice choose(core::Grade grade, const std::string& size_code,
                      core::DecisionReason graded_reason) const;

  // Outlet id -> product, as allocated (for the status document).
  const std::map<std::string, std::string>& products_by_outlet() const { return product_by_outlet_id_; }
  const std::vector<std::string>& unknown() const { return unknown_; }

 private:
  void index_products(const core::Config& config);
  void allocate(const core::Outlet& outlet, const std::string& product);

  struct Rotation {
    std::vector<int> outlets;
    mutable std::size_t next = 0;
  };
  std::map<std::pair<core::Grade, std::string>, std::string> product_by_grade_size_;
  std::map<std::string, Rotation> outlets_by_product_;
  std::map<std::string, std::string> product_by_outlet_id_;
  std::vector<std::string> unknown_;
  int reject_outlet_ = 0;
  int recirculation_outlet_ = 0;
  int doubtful_outlet_ = 0;
};

}  // namespace coldsort::scheduler
