// The fluid picture of the day: parcels left per bucket, fruit per product, needs per SKU.
#include "planner_flow_demand.hpp"

#include <algorithm>
#include <cmath>

namespace coldsort::scheduler::flow {
namespace {

// Planner points for one unit of labour (an average packer for a period). Tiers keep the
// order EDD would: labour that meets a cut-off is worth more than labour ahead of time, which
// is worth more than packing what is already late. Within a tier, nearer cut-offs weigh more.
constexpr long kRequiredBase = 1000;
constexpr long kRequiredUrgent = 1000;
constexpr long kAheadBase = 200;
constexpr long kAheadUrgent = 300;
constexpr long kLate = 100;
constexpr long kStandby = 95;
constexpr double kStandbyUnits = 1000;  // as many packers as want to stand by
// Fruit following keeps a margin over the bare share of the flow the demand needs: orders take
// fruit in whole boxes, packers wait for it, and buffers overflow now and then.
constexpr double kFollowMargin = 1.1;
// A product whose open demand needs more than this share of the fruit still to come cannot
// afford to lose its fruit now: its fruit-following labour is as urgent as a near cut-off,
// fully so when it needs all of it. (Tuned on the generated ladder, several seeds.)
constexpr double kTightFrom = 0.8;

// 1 at the cut-off, 0.5 two hours before it, falling off beyond.
double urgency(int cutoff_min, int now_min) {
  const double hours = std::max(0.0, (cutoff_min - now_min) / 60.0);
  return 1.0 / (1.0 + hours / 2.0);
}

}  // namespace

Demand::Demand(const Model& m) : m_(m) {
  const Instance& in = m.instance();
  left_.reserve(m.buckets.size());
  arrivals_.reserve(m.buckets.size());
  for (const Bucket& b : m.buckets) {
    left_.push_back(b.parcels);
    std::vector<std::pair<int, int>> cumulative;
    int sum = 0;
    for (int o : b.orders) {
      const PlanOrder& order = in.orders[static_cast<std::size_t>(o)];
      sum += order.boxes;
      if (!cumulative.empty() && cumulative.back().first == order.arrival_min) cumulative.back().second = sum;
      else cumulative.emplace_back(order.arrival_min, sum);
    }
    arrivals_.push_back(std::move(cumulative));
  }
  fruit_.assign(in.products.size(), 0.0);
  skus_of_product_.assign(in.products.size(), {});
  for (std::size_t q = 0; q < m.skus.size(); ++q)
    skus_of_product_[static_cast<std::size_t>(m.skus[q].product)].push_back(static_cast<int>(q));
  supply_after_.assign(in.products.size(), std::vector<double>(static_cast<std::size_t>(m.periods) + 1, 0.0));
  for (std::size_t p = 0; p < in.products.size(); ++p)
    for (int t = m.periods - 1; t >= m.first_period; --t) {
      const double minutes = std::max(0, m.period_end(t) - m.period_start(t));
      supply_after_[p][static_cast<std::size_t>(t)] =
          supply_after_[p][static_cast<std::size_t>(t) + 1] + m.fruit_per_min[p][static_cast<std::size_t>(t)] * minutes;
    }
}

void Demand::restart(const std::vector<double>& left, const std::vector<double>& fruit) {
  if (left.size() == left_.size()) left_ = left;
  if (fruit.size() == fruit_.size()) fruit_ = fruit;
}

double Demand::released_left(int bucket, int minute) const {
  const auto& cumulative = arrivals_[static_cast<std::size_t>(bucket)];
  const Bucket& b = m_.buckets[static_cast<std::size_t>(bucket)];
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), minute,
                             [](int value, const std::pair<int, int>& e) { return value < e.first; });
  const int released = it == cumulative.begin() ? 0 : std::prev(it)->second;
  const double packed = b.parcels - left_[static_cast<std::size_t>(bucket)];
  return std::max(0.0, released - packed);
}

void Demand::open_period(int p, const Carried& carried) {
  const double minutes = std::max(0, m_.period_end(p) - m_.period_start(p));
  for (std::size_t i = 0; i < fruit_.size(); ++i)
    if (carried[i]) fruit_[i] += m_.fruit_per_min[i][static_cast<std::size_t>(p)] * minutes;
}

void Demand::close_period(int p, const std::vector<double>& buffer) {
  for (std::size_t i = 0; i < fruit_.size(); ++i) {
    // What is left is the newest fruit: at most a cold limit's worth of flow, and what fits.
    const double fresh = m_.fruit_per_min[i][static_cast<std::size_t>(p)] * m_.instance().cold_limit_min;
    fruit_[i] = std::clamp(fruit_[i], 0.0, std::min(buffer[i], fresh));
  }
}

std::vector<double> Demand::fruit_if_carried(int p) const {
  const double minutes = std::max(0, m_.period_end(p) - m_.period_start(p));
  std::vector<double> out = fruit_;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] += m_.fruit_per_min[i][static_cast<std::size_t>(p)] * minutes;
  return out;
}

// Per product: fruit its open (not yet late) demand needs, and per SKU its share of it.
void Demand::open_fruit(int start, std::vector<double>& product, std::vector<double>& sku) const {
  product.assign(fruit_.size(), 0.0);
  sku.assign(m_.skus.size(), 0.0);
  for (std::size_t q = 0; q < m_.skus.size(); ++q) {
    const Sku& s = m_.skus[q];
    for (int k : s.buckets)
      if (m_.buckets[static_cast<std::size_t>(k)].cutoff_min > start)
        sku[q] += left_[static_cast<std::size_t>(k)] * m_.fruit_per_box[static_cast<std::size_t>(s.box)];
    product[static_cast<std::size_t>(s.product)] += sku[q];
  }
}

std::vector<SkuNeed> Demand::needs(int p, const std::vector<double>* fruit) const {
  std::vector<SkuNeed> out(m_.skus.size());
  const int start = m_.period_start(p), end = m_.period_end(p);
  if (end <= start) return out;
  std::vector<double> product_fruit, sku_fruit;
  open_fruit(start, product_fruit, sku_fruit);
  for (std::size_t q = 0; q < m_.skus.size(); ++q) {
    const Sku& sku = m_.skus[q];
    const double mean = m_.mean_rate[static_cast<std::size_t>(sku.box)];
    if (mean <= 0) continue;
    SkuNeed& n = out[q];
    n.parcels_per_unit = mean * (end - start) / 60.0;
    double cumulative = 0, released = 0, late = 0, best_rate = 0;
    int first_open = kNone;
    for (int k : sku.buckets) {
      const double left = left_[static_cast<std::size_t>(k)];
      if (left <= 0) continue;
      const int cutoff = m_.buckets[static_cast<std::size_t>(k)].cutoff_min;
      const double ready = released_left(k, end);
      if (cutoff <= start) { late += ready; continue; }
      if (first_open == kNone) first_open = k;
      cumulative += left;
      released += ready;
      const double rate = cumulative / std::max((cutoff - start) / 60.0, (end - start) / 60.0);
      if (rate > best_rate) best_rate = rate, n.driving_bucket = k;
    }
    // Follow the fruit: fruit not packed within the cold limit is lost for the day, so a SKU
    // is packed at least at its share of its product's flow, scaled by how much of the fruit
    // still to come the product's open demand needs.
    const auto prod = static_cast<std::size_t>(sku.product);
    const double supply = supply_after_[prod][static_cast<std::size_t>(p)] + fruit_[prod];
    double tight = 0;  // how little fruit the product can afford to lose, 0..1
    if (product_fruit[prod] > 0 && supply > 0) {
      const double used = std::min(1.0, kFollowMargin * product_fruit[prod] / supply);
      tight = std::clamp((used - kTightFrom) / (1.0 - kTightFrom), 0.0, 1.0);
      const double fruit_per_h = m_.fruit_per_min[prod][static_cast<std::size_t>(p)] * 60.0 * used;
      best_rate = std::max(best_rate, fruit_per_h * sku_fruit[q] / product_fruit[prod] /
                                          m_.fruit_per_box[static_cast<std::size_t>(sku.box)]);
    }
    const double released_units = released / n.parcels_per_unit;
    n.required.units = std::min(best_rate / mean, released_units);
    n.ahead.units = std::max(0.0, released_units - n.required.units);
    n.late.units = late / n.parcels_per_unit;
    const int key = n.driving_bucket != kNone ? n.driving_bucket : first_open;
    if (key != kNone) {
      const double u = std::max(urgency(m_.buckets[static_cast<std::size_t>(key)].cutoff_min, start), tight);
      n.required.value = kRequiredBase + std::lround(kRequiredUrgent * u);
    }
    if (first_open != kNone) {
      const double u = urgency(m_.buckets[static_cast<std::size_t>(first_open)].cutoff_min, start);
      n.ahead.value = kAheadBase + std::lround(kAheadUrgent * u);
    }
    n.late.value = kLate;
    double ordered = 0;  // parcels of the SKU's orders arrived and due after now, packed or not
    for (int k : sku.buckets)
      if (m_.buckets[static_cast<std::size_t>(k)].cutoff_min > start)
        ordered += released_left(k, end) + m_.buckets[static_cast<std::size_t>(k)].parcels - left_[static_cast<std::size_t>(k)];
    if (ordered > 0) n.standby = {kStandbyUnits, kStandby};
  }
  const std::vector<double>& have = fruit != nullptr ? *fruit : fruit_;
  for (std::size_t prod = 0; prod < have.size(); ++prod) cap_by_fruit(static_cast<int>(prod), have[prod], out);
  return out;
}

void Demand::cap_by_fruit(int product, double fruit, std::vector<SkuNeed>& needs) const {
  // The product's fruit goes to its SKUs' tiers, most valuable first.
  std::vector<std::pair<Tier*, double>> tiers;  // tier, fruit per unit
  for (int q : skus_of_product_[static_cast<std::size_t>(product)]) {
    SkuNeed& n = needs[static_cast<std::size_t>(q)];
    const double per_unit = n.parcels_per_unit * m_.fruit_per_box[static_cast<std::size_t>(m_.skus[static_cast<std::size_t>(q)].box)];
    for (Tier* t : {&n.required, &n.ahead, &n.late}) tiers.emplace_back(t, per_unit);
  }
  std::stable_sort(tiers.begin(), tiers.end(), [](const auto& a, const auto& b) { return a.first->value > b.first->value; });
  for (auto& [tier, per_unit] : tiers) {
    if (per_unit <= 0) { tier->units = 0; continue; }
    tier->units = std::min(tier->units, fruit / per_unit);
    fruit -= tier->units * per_unit;
  }
}

double Demand::pack_bucket(int bucket, double parcels, int minute) {
  const double n = std::min(parcels, released_left(bucket, minute));
  left_[static_cast<std::size_t>(bucket)] -= n;
  return n;
}

double Demand::pack(int p, int w, int first, const std::vector<int>& reachable, double minutes) {
  const int start = m_.period_start(p), end = m_.period_end(p);
  std::vector<int> order{first};
  for (int q : reachable)
    if (q != first) order.push_back(q);
  double packed = 0;
  for (int q : order) {
    if (q == kNone || minutes <= 1e-9) continue;
    const Sku& sku = m_.skus[static_cast<std::size_t>(q)];
    const double rate = m_.rate[static_cast<std::size_t>(w)][static_cast<std::size_t>(sku.box)];
    if (rate <= 0) continue;
    const double per_box = m_.fruit_per_box[static_cast<std::size_t>(sku.box)];
    double& fruit = fruit_[static_cast<std::size_t>(sku.product)];
    // Open cut-offs first (earliest first), then what is already late.
    for (int pass = 0; pass < 2; ++pass)
      for (int k : sku.buckets) {
        const bool late = m_.buckets[static_cast<std::size_t>(k)].cutoff_min <= start;
        if (late != (pass == 1)) continue;
        const double can = std::min(minutes * rate / 60.0, fruit / per_box);
        if (can <= 1e-9) break;
        const double n = pack_bucket(k, can, end);
        fruit -= n * per_box;
        minutes -= n * 60.0 / rate;
        packed += n;
      }
  }
  return packed;
}

}  // namespace coldsort::scheduler::flow
