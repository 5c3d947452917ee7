#pragma once
// The live planner's fluid picture of the day as it plans forward period by period: parcels
// still to pack in each demand bucket, fruit waiting per product, and from these what each SKU
// needs in a period — labour in "units" (one average packer for the period), in tiers of
// value: `required` (the rate that meets every cut-off still reachable, and at least the SKU's
// share of its product's fruit flow, since fruit not packed within the cold limit is lost;
// worth more the nearer the cut-off or the less fruit the product can spare),
// `ahead` (the rest of the open demand, worth packing early), `late` (cut-off passed) and
// `standby` (the fluid picture says it is done, but the floor may not be: a packer standing
// by there is worth a little more than an idle one).
// Thread safety: plain values; one per planning run.
#include <array>
#include <vector>

#include "planner_flow_model.hpp"

namespace coldsort::scheduler::flow {

struct Tier {
  double units = 0;  // average packers for the period
  long value = 0;    // worth of one unit (planner points)
};

struct SkuNeed {
  Tier required, ahead, late, standby;
  std::array<const Tier*, 4> tiers() const { return {&required, &ahead, &late, &standby}; }
  std::array<Tier*, 4> tiers() { return {&required, &ahead, &late, &standby}; }
  int driving_bucket = kNone;  // the bucket whose cut-off sets the required rate
  double parcels_per_unit = 0;
};

// Products currently carried by at least one outlet, per product index.
using Carried = std::vector<char>;

class Demand {
 public:
  explicit Demand(const Model& model);
  // Starts from a state of the day other than the plan's start: parcels left per bucket and
  // fruit per product (either may be empty: unchanged).
  void restart(const std::vector<double>& left, const std::vector<double>& fruit);

  // Fruit arrives in period `p` for the products `carried` by an outlet then.
  void open_period(int p, const Carried& carried);
  // What each SKU needs in period `p`, capped by the fruit each product has then: `fruit`
  // per product, or (null) the fruit at the outlets after open_period.
  std::vector<SkuNeed> needs(int p, const std::vector<double>* fruit = nullptr) const;
  // Per product: the fruit it would have in period `p` if an outlet carried it (before
  // open_period of `p`).
  std::vector<double> fruit_if_carried(int p) const;

  // Worker `w` packs for `minutes` of period `p`: SKU `first` first, then the other SKUs in
  // `reachable` (the station's) earliest cut-off first, as fruit and released orders allow.
  // Returns the parcels packed.
  double pack(int p, int w, int first, const std::vector<int>& reachable, double minutes);
  // At the end of period `p`, fruit the cold limit and the buffers do not keep is gone.
  // `buffer`: per product, the buffers of the outlets carrying it (0 = not carried).
  void close_period(int p, const std::vector<double>& buffer);

  double left(int bucket) const { return left_[static_cast<std::size_t>(bucket)]; }
  double released_left(int bucket, int minute) const;  // parcels arrived by `minute` and not packed

 private:
  double pack_bucket(int bucket, double parcels, int minute);
  void cap_by_fruit(int product, double fruit, std::vector<SkuNeed>& needs) const;
  void open_fruit(int start, std::vector<double>& product, std::vector<double>& sku) const;

  const Model& m_;
  std::vector<double> left_;                       // per bucket
  std::vector<std::vector<std::pair<int, int>>> arrivals_;  // per bucket: (arrival, cumulative parcels)
  std::vector<double> fruit_;                      // per product: fruit at the outlets (estimate)
  std::vector<std::vector<double>> supply_after_;  // product x period: fruit from that period on
  std::vector<std::vector<int>> skus_of_product_;
};

}  // namespace coldsort::scheduler::flow
