#include "fruit_pool.hpp"

#include <algorithm>
#include <cmath>

namespace coldsort::scheduler {

FruitPool::FruitPool(const Instance& instance, const std::vector<ProductFlow>& flow,
                     const std::vector<OutletAssignment>& allocation, int from_min)
    : instance_(instance), products_(instance.products.size()), now_(from_min) {
  const auto horizon = static_cast<std::size_t>(instance.horizon_min);
  for (Product& p : products_) {
    p.flow_per_min.assign(horizon, 0.0);
    p.per_min.assign(horizon, 0.0);
    p.room_per_min.assign(horizon, 0.0);
  }
  for (const ProductFlow& f : flow) {
    const std::size_t i = index_of(f.product);
    if (i >= products_.size()) continue;
    for (std::size_t m = 0; m < horizon; ++m) {
      const auto period = m / static_cast<std::size_t>(instance.period_min);
      if (period < f.fruit_per_s.size()) products_[i].flow_per_min[m] = f.fruit_per_s[period] * 60.0;
    }
  }
  apply_allocation(allocation, 0);
}

void FruitPool::apply_allocation(const std::vector<OutletAssignment>& allocation, int from_min) {
  const int horizon = instance_.horizon_min;
  from_min = std::clamp(from_min, 0, horizon);
  for (Product& p : products_)
    std::fill(p.room_per_min.begin() + from_min, p.room_per_min.end(), 0.0);
  for (const OutletAssignment& a : allocation) {
    const std::size_t i = index_of(a.product);
    const PlanOutlet* outlet = instance_.find_outlet(a.outlet);
    if (i >= products_.size() || outlet == nullptr) continue;
    for (int m = std::max(from_min, a.window.start_min); m < std::min(horizon, a.window.end_min); ++m)
      products_[i].room_per_min[static_cast<std::size_t>(m)] += outlet->buffer_fruit;
  }
  // Fruit arrives only while an outlet carries the product.
  for (Product& p : products_)
    for (auto m = static_cast<std::size_t>(from_min); m < p.per_min.size(); ++m)
      p.per_min[m] = p.room_per_min[m] > 0 ? p.flow_per_min[m] : 0.0;
}

void FruitPool::reallocate(const std::vector<OutletAssignment>& allocation) {
  apply_allocation(allocation, now_);
}

std::size_t FruitPool::index_of(std::string_view product) const {
  for (std::size_t i = 0; i < instance_.products.size(); ++i)
    if (instance_.products[i].id == product) return i;
  return instance_.products.size();
}

void FruitPool::step_minute(Product& p, int minute) {
  // Fruit older than the cold limit goes back into the cold.
  while (!p.batches.empty() && minute - p.batches.front().arrived_min >= instance_.cold_limit_min) {
    expired_ += p.batches.front().fruit;
    p.total -= p.batches.front().fruit;
    p.batches.pop_front();
  }
  const auto m = static_cast<std::size_t>(minute);
  const double room = std::max(0.0, p.room_per_min[m] - p.total);
  const double in = std::min(p.per_min[m], room);
  overflowed_ += p.per_min[m] - in;
  if (in > 0) {
    p.batches.push_back({minute, in});
    p.total += in;
  }
}

void FruitPool::advance_to(int minute) {
  minute = std::min(minute, instance_.horizon_min);
  for (; now_ < minute; ++now_)
    for (Product& p : products_) step_minute(p, now_);
}

double FruitPool::available(std::size_t product) const { return products_.at(product).total; }

bool FruitPool::take(std::size_t product, double fruit, double* wait_min) {
  Product& p = products_.at(product);
  // A hair of tolerance: per-minute arrivals are fractional.
  if (p.total + 1e-6 < fruit) return false;
  double left = fruit;
  while (left > 1e-9 && !p.batches.empty()) {
    Batch& b = p.batches.front();
    const double used = std::min(left, b.fruit);
    if (wait_min != nullptr) *wait_min += used * (now_ - b.arrived_min);
    b.fruit -= used;
    left -= used;
    if (b.fruit <= 1e-9) p.batches.pop_front();
  }
  p.total = std::max(0.0, p.total - fruit);
  return true;
}

bool FruitPool::take_at(double start_min, std::size_t product, double fruit, double* wait_min) {
  advance_to(static_cast<int>(std::floor(start_min + 1e-6)) + 1);
  return take(product, fruit, wait_min);
}

}  // namespace coldsort::scheduler
