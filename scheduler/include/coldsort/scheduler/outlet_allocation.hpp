#pragma once
// Which outlet takes which product, and where fruit goes that no product outlet takes.
// Today the allocation comes straight from config; the planner (its own issue) will replace
// it live. Thread safety: immutable after construction; safe to share.
#include <map>
#include <string>

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

  // The outlet for a graded fruit. Uncertain and unreadable fruit go to recirculation (or
  // reject when the config's grading.doubtful says so),
  // out-of-grade fruit to reject, empty cups nowhere; a product without an outlet goes to
  // recirculation so that it is never packed as something it is not.
  OutletChoice choose(core::Grade grade, const std::string& size_code,
                      core::DecisionReason graded_reason) const;

 private:
  std::map<std::pair<core::Grade, std::string>, std::string> product_by_grade_size_;
  std::map<std::string, int> outlet_by_product_;
  int reject_outlet_ = 0;
  int recirculation_outlet_ = 0;
  int doubtful_outlet_ = 0;
};

}  // namespace coldsort::scheduler
