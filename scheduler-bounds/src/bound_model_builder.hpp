#pragma once
// The builder shared by bound_model*.cpp: column indices per worker, bucket, outlet pool and
// interval (-1 = no such column), and the parts of the model, one function each.
// Thread safety: one builder per model; not shared.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "bound_model.hpp"

namespace coldsort::scheduler_bounds {

class ModelBuilder {
 public:
  ModelBuilder(const scheduler::BoundInputs& in, bool exact, std::vector<bool> detailed);
  BoundModel build();

 private:
  // bound_model.cpp: labour and demand
  void add_workers();
  void add_parcels();
  void add_demand(std::size_t k);
  void add_labour();
  // bound_model_supply.cpp: outlets, reach and fruit
  // Per worked interval t: (interval u, minutes of u) its fruit may have arrived in.
  using FruitWindows = std::vector<std::vector<std::pair<std::size_t, int>>>;
  void add_supply(std::size_t p);
  FruitWindows fruit_windows(std::size_t p, const std::vector<std::uint64_t>& worked) const;
  void add_reach(std::size_t p, std::size_t t, std::uint64_t mask);
  void add_fruit(std::size_t p, const FruitWindows& windows);
  void add_outlet_rows();
  // bound_model_exact.cpp: integrality
  void add_whole_parcels();
  void add_whole_workers();
  void place_worker(std::size_t w, std::size_t t, std::vector<std::vector<int>>& at_class);

  int& x(std::size_t w, std::size_t b, std::size_t t) { return x_[(w * nb_ + b) * nt_ + t]; }
  int& y(std::size_t k, std::size_t t) { return y_[k * nt_ + t]; }
  int& q(std::size_t p, std::size_t g, std::size_t t) { return q_[(p * ng_ + g) * nt_ + t]; }
  double slots_reached(std::size_t g, std::uint64_t mask, std::size_t t) const;
  void add_requirement(std::size_t t, std::size_t p, std::vector<double> per_pool, std::vector<std::pair<int, double>> terms);

  const scheduler::BoundInputs& in_;
  bool exact_;
  std::vector<bool> detailed_;  // per interval: outlet allocation modelled
  double all_outlets_ = 0;      // product outlets in all pools
  BoundModel out_;
  SparseModel& m_;
  std::size_t nw_, nb_, nt_, nk_, np_, ng_;
  std::vector<int> x_, y_, q_;
  std::vector<double> max_rate_;  // [b * nt_ + t]
  std::vector<std::vector<std::pair<int, int>>> on_box_;  // place_worker's scratch: (v, minutes) per box type
};

}  // namespace coldsort::scheduler_bounds
