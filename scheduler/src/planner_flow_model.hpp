#pragma once
// The live planner's view of a day: the instance indexed for fast look-ups, the open demand
// in buckets of (SKU = box type x product, cut-off) with each bucket's orders oldest first,
// and who and what is available in each planning period from `now` on.
// Thread safety: plain values, immutable after build_model.
#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <string>
#include <vector>

#include "coldsort/scheduler/instance.hpp"

namespace coldsort::scheduler::flow {

constexpr int kNone = -1;

struct Sku {
  int box = 0;
  int product = 0;
  std::vector<int> buckets;  // by cut-off, earliest first
};

struct Bucket {
  int sku = 0;
  int cutoff_min = 0;
  std::vector<int> orders;  // instance order indices, oldest arrival first
  int parcels = 0;
};

struct Model {
  const Instance* in = nullptr;
  int now_min = 0;
  int period_min = 15;
  int first_period = 0;  // the period holding `now_min`
  int periods = 0;       // periods of the whole day; plan periods are [first_period, periods)

  std::vector<int> product_outlets;                // instance outlet indices that can carry a product
  std::vector<std::vector<int>> outlet_reach;      // per instance outlet: station indices it feeds
  std::vector<std::vector<int>> station_outlets;   // per station: product outlets reaching it
  std::vector<std::vector<char>> station_box;      // station x box type: can pack
  std::vector<std::vector<double>> rate;           // worker x box type: parcels/h, 0 = no skill
  std::vector<std::vector<int>> avail_min;         // worker x period: minutes the worker can pack
  std::vector<std::vector<int>> up_min;            // station x period: minutes the station is up
  std::vector<std::vector<double>> fruit_per_min;  // product x period: the planning flow
  std::vector<int> fruit_per_box;                  // per box type
  std::vector<double> mean_rate;                   // per box type, over workers with the skill
  std::vector<Sku> skus;
  std::vector<Bucket> buckets;
  std::vector<int> order_bucket;  // per instance order: its bucket, kNone when not open

  const Instance& instance() const { return *in; }
  int period_start(int p) const { return std::max(now_min, p * period_min); }
  int period_end(int p) const { return std::min(in->horizon_min, (p + 1) * period_min); }
  int period_of(int minute) const { return minute / period_min; }
  bool worker_can_work(int w, int minute) const;  // checked in, on shift, not on a break, not known absent
  bool station_up(int s, int minute) const;
  int box_index(std::string_view id) const;
  int product_index(std::string_view id) const;
  int station_index(std::string_view id) const;
  int worker_index(std::string_view id) const;
  int outlet_index(std::string_view id) const;
  int order_index(std::string_view id) const;

  // Views into the instance's ids (the model never outlives its instance); look-ups only.
  using Index = std::unordered_map<std::string_view, int>;
  Index box_ids, product_ids, station_ids, worker_ids, outlet_ids, order_ids;
};

// `taken`: orders already fixed (frozen tasks), left out of the buckets.
Model build_model(const Instance& instance, int now_min, const std::vector<std::string>& taken = {});

}  // namespace coldsort::scheduler::flow
