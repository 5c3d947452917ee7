#pragma once
// Fruit of each product waiting at its outlets, as the plan model sees it (plan.hpp): fruit
// arrives at the grader's flow while an outlet carries the product, up to the outlets' buffer
// room (the rest overflows to recirculation), is taken oldest first, and goes back into the
// cold `cold_limit_min` after it arrived. Shared by the plan checker and the dispatcher so
// both count fruit the same way.
// Thread safety: not thread-safe; one per evaluation.
#include <deque>
#include <string>
#include <vector>

#include "coldsort/scheduler/plan.hpp"

namespace coldsort::scheduler {

class FruitPool {
 public:
  // `flow`: per product of `instance.products` (by id; missing = none). Allocation: the
  // outlet assignments in force over the day (windows may change the product).
  FruitPool(const Instance& instance, const std::vector<ProductFlow>& flow,
            const std::vector<OutletAssignment>& allocation, int from_min = 0);

  // A re-plan: the allocation in force from now() on becomes `allocation` (fruit already
  // waiting stays; minutes before now() keep what they had). The pack-day simulator uses it.
  void reallocate(const std::vector<OutletAssignment>& allocation);
  // Brings every product's fruit up to the start of `minute` (never backwards).
  void advance_to(int minute);
  double available(std::size_t product) const;
  // Takes `fruit` of a product oldest first at the current minute; false (and nothing
  // taken) when there is not enough. Adds to `wait_min` the fruit-minutes waited, if given.
  bool take(std::size_t product, double fruit, double* wait_min = nullptr);
  // The one convention every user follows: a task starting at `start_min` (fractional) sees
  // the fruit that arrived up to and including its start minute.
  bool take_at(double start_min, std::size_t product, double fruit, double* wait_min = nullptr);
  double expired() const { return expired_; }
  double overflowed() const { return overflowed_; }
  int now() const { return now_; }
  std::size_t index_of(std::string_view product) const;  // products.size() when unknown

 private:
  struct Batch {
    int arrived_min;
    double fruit;
  };
  struct Product {
    std::vector<double> flow_per_min;  // the grader's flow per minute, carried or not
    std::vector<double> per_min;       // arrivals per minute while carried
    std::vector<double> room_per_min;  // outlet buffer room per minute (0 = not carried)
    std::deque<Batch> batches;
    double total = 0;
  };
  void step_minute(Product& p, int minute);
  void apply_allocation(const std::vector<OutletAssignment>& allocation, int from_min);

  const Instance& instance_;
  std::vector<Product> products_;
  int now_ = 0;
  double expired_ = 0;
  double overflowed_ = 0;
};

}  // namespace coldsort::scheduler
