#include "fruit_pool.hpp"

#include <algorithm>
#include <cmath>

namespace coldsort::scheduler {

FruitPool::FruitPool(const Instance& instance, const std::vector<ProductFlow>& flow,
                     const std::vector<OutletAssignment>& allocation, int from_min)
    : instance_(instance), products_(instance.products.size()), now_(from_min) {
  const int horizon = instance.horizon_min;
  for (Product& p : products_) {
    p.per_min.assign(static_cast<std::size_t>(horizon), 0.0);
    p.room_per_min.assign(static_cast<std::size_t>(horizon), 0.0);
  }
  for (const OutletAssignment& a : allocation) {
    const std::size_t i = index_of(a.product);
    const PlanOutlet* outlet = instance.find_outlet(a.outlet);
    if (i >= products_.size() || outlet == nullptr) continue;
    for (int m = std::max(0, a.window.start_min); m < std::min(horizon, a.window.end_min); ++m)
      products_[i].room_per_min[static_cast<std::size_t>(m)] += outlet->buffer_fruit;
  }
  for (const ProductFlow& f : flow) {
    const std::size_t i = index_of(f.product);
    if (i >= products_.size()) continue;
    Product& p = products_[i];
    for (int m = 0; m < horizon; ++m) {
      const auto period = static_cast<std::size_t>(m / instance.period_min);
      if (period < f.fruit_per_s.size() && p.room_per_min[static_cast<std::size_t>(m)] > 0)
        p.per_min[static_cast<std::size_t>(m)] = f.fruit_per_s[period] * 60.0;
    }
  }
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
