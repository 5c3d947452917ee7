#include "seed_packing.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <queue>

namespace coldsort::store::detail {
namespace {

// The couriers' daily collections (local time) and each one's share of the orders. Five
// couriers serve Huili's e-commerce packhouses; SF and JD collect twice a day.
struct Pickup {
  const char* courier;
  double minute;
  double share;
};
constexpr std::array<Pickup, 7> kPickups{{{"SF", 12 * 60, 0.15},
                                          {"JD", 14 * 60, 0.125},
                                          {"EMS", 15 * 60, 0.15},
                                          {"ZTO", 16 * 60 + 30, 0.15},
                                          {"YTO", 17 * 60, 0.15},
                                          {"SF", 18 * 60, 0.15},
                                          {"JD", 20 * 60, 0.125}}};

// What is sold: gift boxes by count (8 or 12 chosen fruit, the label states a weight) and
// e-commerce boxes by weight (2.5 kg = 5 jin, 5 kg = 10 jin, the usual online sizes), each
// from the products the line's outturn has most of (Extra and Class I; Class II and
// out-of-grade fruit go to wholesale and juice, not into parcels).
struct Sku {
  const char* box_type;
  double nominal_g;
  int gift_fruit;  // fruit per gift box; 0: by weight
  std::array<const char*, 2> products;
  std::array<double, 2> fruit_g;  // mean fruit weight of each product (a weight box's count)
  double share;
};
constexpr std::array<Sku, 4> kSkus{
    {{"gift-8", 3200, 8, {"EX-350g+", "EX-350g+"}, {425, 425}, 0.15},
     {"gift-12", 4000, 12, {"I-250-349g", "I-250-349g"}, {315, 315}, 0.10},
     {"ecom-2.5kg", 2500, 0, {"EX-350g+", "I-350g+"}, {425, 425}, 0.35},
     {"ecom-5kg", 5000, 0, {"I-250-349g", "EX-350g+"}, {315, 425}, 0.40}}};

constexpr double kPackStartMin = 7 * 60;  // packers start an hour after the line fills bins
constexpr double kLunchFromMin = 11 * 60 + 30;
constexpr double kLunchToMin = 12 * 60 + 30;

template <class Table>
std::size_t draw_share(Rng& rng, const Table& table) {
  double u = rng.uniform();
  for (std::size_t i = 0; i + 1 < table.size(); ++i) {
    if (u < table[i].share) return i;
    u -= table[i].share;
  }
  return table.size() - 1;
}

// `prefix` and n zero-padded to `width` digits. (Appending, not `"D" + std::string`: GCC 12
// warns a false -Wrestrict on that at -O2, bug 105329.)
std::string padded(std::string prefix, std::int64_t n, int width) {
  const std::string digits = std::to_string(n);
  if (static_cast<int>(digits.size()) < width) prefix.append(static_cast<std::size_t>(width) - digits.size(), '0');
  return prefix.append(digits);
}

}  // namespace

struct PackingSeeder::Order {
  core::OrderUpdate update;  // everything but status, at and actor
  std::int64_t arrived_ms = 0;
  std::int64_t cutoff_ms = 0;
  std::size_t sku = 0;
  std::size_t product = 0;  // which of the SKU's products
  std::size_t pickup = 0;
  enum class Fate { pack, cancel, never } fate = Fate::pack;
  std::int64_t seq = 0;
};

PackingSeeder::PackingSeeder(const SeedOptions& options, const SeasonCalendar& calendar)
    : options_(options), calendar_(calendar) {
  Rng rng = rng_for(options.seed, -1, SeedStream::packing);
  for (int i = 0; i < options.packers; ++i) {
    Packer p;
    p.worker = worker_id(i + 1);
    // Hand packers: a gift box takes 2.5-4 min, an e-commerce box 1-2 min; each packer
    // keeps their own pace all season, and over-packs by a habit of 0-5 % of nominal.
    p.gift_s = rng.uniform(150, 240);
    p.ecom_s = rng.uniform(60, 120);
    p.gap_s = rng.uniform(10, 30);
    p.giveaway = rng.uniform(0.0, 0.05);
    packers_.push_back(std::move(p));
  }
}

void PackingSeeder::generate_day(int day, const std::vector<LotRun>& lots, DayRecords& out) {
  if (calendar_.parcels_per_day[static_cast<std::size_t>(day)] == 0) return;
  Rng rng = rng_for(options_.seed, day, SeedStream::packing);
  std::vector<Order> orders = make_orders(day, rng);
  for (const Order& o : orders) {
    core::OrderUpdate u = o.update;
    u.status = core::OrderStatus::open;
    u.at = u.arrived;
    u.actor = "platform";
    out.push_back({o.arrived_ms, u});
    if (o.fate != Order::Fate::cancel) continue;
    u.status = core::OrderStatus::cancelled;
    const std::int64_t cancel_ms =
        std::min(o.cutoff_ms, o.arrived_ms + static_cast<std::int64_t>(rng.uniform(5, 120) * kMinuteMs));
    u.at = wall_from_ms(cancel_ms);
    out.push_back({cancel_ms, u});
  }
  pack(day, orders, lots, rng, out);
}

std::vector<PackingSeeder::Order> PackingSeeder::make_orders(int day, Rng& rng) {
  std::int64_t remaining = calendar_.parcels_per_day[static_cast<std::size_t>(day)];
  std::vector<Order> orders;
  const std::int64_t earliest = calendar_.local_ms(day, -6 * 60);  // 18:00 the evening before
  while (remaining > 0) {
    Order o;
    o.seq = static_cast<std::int64_t>(orders.size());
    o.pickup = draw_share(rng, kPickups);
    o.sku = draw_share(rng, kSkus);
    const Pickup& pickup = kPickups[o.pickup];
    const Sku& sku = kSkus[o.sku];
    o.cutoff_ms = calendar_.local_ms(day, pickup.minute);
    // Buyers order 1-3 boxes (70/22/8 %). Most orders come in overnight and through the
    // morning; 3 % are rush orders placed minutes before the cut-off (some will be late).
    const double b = rng.uniform();
    int boxes = b < 0.70 ? 1 : b < 0.92 ? 2 : 3;
    const bool rush = rng.chance(0.03);
    if (rush) {
      o.arrived_ms = o.cutoff_ms - static_cast<std::int64_t>(rng.uniform(5, 25) * kMinuteMs);
    } else {
      const std::int64_t from = std::max(earliest, o.cutoff_ms - 16 * kHourMs);
      o.arrived_ms = from + rng.below(o.cutoff_ms - kHourMs - from);
    }
    // 2 % are cancelled by the buyer before packing; 0.3 % are never packed (that size ran
    // out) and stay open. Only packed boxes count towards the day's parcels.
    const double fate = rng.uniform();
    o.fate = fate < 0.02 ? Order::Fate::cancel : fate < 0.023 ? Order::Fate::never : Order::Fate::pack;
    if (o.fate == Order::Fate::pack) {
      boxes = static_cast<int>(std::min<std::int64_t>(boxes, remaining));
      remaining -= boxes;
    }
    o.update.order_id = padded("D", day + 1, 3).append(padded("-", o.seq + 1, 5));
    o.product = static_cast<std::size_t>(rng.below(2));
    o.update.product_id = sku.products[o.product];
    o.update.box_type = sku.box_type;
    o.update.boxes = boxes;
    o.update.courier = pickup.courier;
    o.update.cutoff = wall_from_ms(o.cutoff_ms);
    o.update.arrived = wall_from_ms(o.arrived_ms);
    o.update.priority = rush ? 2 : sku.gift_fruit > 0 ? 1 : 0;
    orders.push_back(std::move(o));
  }
  return orders;
}


namespace {

// The lot on the line 30 minutes before `t_ms`: fruit reaches the stations from the outlet
// bins within about that long.
std::string lot_at(const std::vector<LotRun>& lots, std::int64_t t_ms) {
  std::string lot = lots.empty() ? "" : lots.front().lot_id;
  for (const LotRun& run : lots)
    if (run.t_ms <= t_ms - 30 * kMinuteMs) lot = run.lot_id;
  return lot;
}

}  // namespace

std::int64_t PackingSeeder::pickup_after(int day, std::size_t pickup, std::int64_t packed_ms) const {
  if (packed_ms <= calendar_.local_ms(day, kPickups[pickup].minute))
    return calendar_.local_ms(day, kPickups[pickup].minute);
  // Late: the same courier's next collection, today or tomorrow's first.
  const std::string_view courier = kPickups[pickup].courier;
  for (const Pickup& p : kPickups)
    if (p.courier == courier && calendar_.local_ms(day, p.minute) >= packed_ms)
      return calendar_.local_ms(day, p.minute);
  for (const Pickup& p : kPickups)
    if (p.courier == courier) return calendar_.local_ms(day + 1, p.minute);
  return packed_ms;
}

void PackingSeeder::pack(int day, std::vector<Order>& orders, const std::vector<LotRun>& lots,
                         Rng& rng, DayRecords& out) {
  // Attendance: each packer comes on a given day with 85 % chance (village workers also
  // pick their own orchards); every present packer has a station of their own.
  std::vector<std::size_t> present;
  for (std::size_t i = 0; i < packers_.size(); ++i)
    if (rng.chance(0.85)) present.push_back(i);
  if (present.empty()) present.push_back(static_cast<std::size_t>(rng.below(std::ssize(packers_))));
  using Free = std::pair<std::int64_t, std::size_t>;  // (free at, index into present)
  std::priority_queue<Free, std::vector<Free>, std::greater<>> idle;
  for (std::size_t k = 0; k < present.size(); ++k)
    idle.push({calendar_.local_ms(day, kPackStartMin + rng.uniform(0, 20)), k});

  std::vector<std::size_t> by_arrival;
  for (std::size_t i = 0; i < orders.size(); ++i)
    if (orders[i].fate == Order::Fate::pack) by_arrival.push_back(i);
  std::stable_sort(by_arrival.begin(), by_arrival.end(), [&](std::size_t a, std::size_t b) {
    return orders[a].arrived_ms < orders[b].arrived_ms;
  });
  // Stations pack the most urgent order first: earliest cut-off, then priority, then age.
  auto later = [&](std::size_t a, std::size_t b) {
    const Order& x = orders[a];
    const Order& y = orders[b];
    if (x.cutoff_ms != y.cutoff_ms) return x.cutoff_ms > y.cutoff_ms;
    if (x.update.priority != y.update.priority) return x.update.priority < y.update.priority;
    return x.seq > y.seq;
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> ready(later);
  const std::int64_t lunch_from = calendar_.local_ms(day, kLunchFromMin);
  const std::int64_t lunch_to = calendar_.local_ms(day, kLunchToMin);
  std::size_t next = 0;
  while (next < by_arrival.size() || !ready.empty()) {
    auto [t, k] = idle.top();
    idle.pop();
    if (t >= lunch_from && t < lunch_to) t = lunch_to + rng.below(5 * kMinuteMs);
    while (next < by_arrival.size() && orders[by_arrival[next]].arrived_ms <= t)
      ready.push(by_arrival[next++]);
    if (ready.empty()) {
      idle.push({orders[by_arrival[next]].arrived_ms, k});
      continue;
    }
    Order& o = orders[ready.top()];
    ready.pop();
    const std::string station = padded("S", static_cast<std::int64_t>(k) + 1, 2);
    idle.push({pack_order(day, o, packers_[present[k]], station, t, lots, rng, out), k});
  }
}

std::int64_t PackingSeeder::pack_order(int day, const Order& o, const Packer& packer,
                                       const std::string& station, std::int64_t t_ms,
                                       const std::vector<LotRun>& lots, Rng& rng, DayRecords& out) {
  const Sku& sku = kSkus[o.sku];
  core::OrderUpdate u = o.update;
  u.status = core::OrderStatus::packing;
  u.at = wall_from_ms(t_ms);
  u.actor = station;
  out.push_back({t_ms, u});
  std::vector<core::BoxRecord> boxes;
  for (int b = 0; b < o.update.boxes; ++b) {
    core::BoxRecord box;
    box.box_id = o.update.order_id + "-" + std::to_string(b + 1);
    box.order_id = o.update.order_id;
    box.station = station;
    box.worker = packer.worker;
    box.product_id = o.update.product_id;
    box.box_type = sku.box_type;
    const double mean_s = sku.gift_fruit > 0 ? packer.gift_s : packer.ecom_s;
    box.pack_s = round_to(rng.lognormal(mean_s, 0.12), 10);
    t_ms += static_cast<std::int64_t>(box.pack_s * 1000);
    box.packed_at = wall_from_ms(t_ms);
    box.lot_id = lot_at(lots, t_ms);
    // Over-pack habit plus box-to-box spread (fruit come whole), never more than a fruit's
    // worth under; the check-weigher reads to the gram with ~2 g noise (OIML R 51 class
    // XIII(1) at these loads).
    const double over = std::max(-0.003, packer.giveaway + rng.normal(0, 0.012));
    box.weight_g = std::round(sku.nominal_g * (1 + over) + rng.normal(0, 2));
    box.nominal_g = sku.nominal_g;
    box.fruit_count = sku.gift_fruit > 0
                          ? sku.gift_fruit
                          : std::max(1, static_cast<int>(std::lround(
                                            box.weight_g / (sku.fruit_g[o.product] * (1 + rng.normal(0, 0.05))))));
    boxes.push_back(std::move(box));
    t_ms += static_cast<std::int64_t>(rng.lognormal(packer.gap_s, 0.3) * 1000);
  }
  const std::int64_t packed_ms = core::to_unix_ms(boxes.back().packed_at);
  const std::int64_t shipped_ms = pickup_after(day, o.pickup, packed_ms);
  for (core::BoxRecord& box : boxes) {
    // Full trolleys go to the staging room every 5-40 minutes; a box packed just before its
    // collection goes straight onto the courier's truck and never reaches the cold.
    const std::int64_t into_cold = core::to_unix_ms(box.packed_at) +
                                   static_cast<std::int64_t>(rng.uniform(5, 40) * kMinuteMs);
    if (into_cold < shipped_ms) box.into_cold_at = wall_from_ms(into_cold);
    const std::int64_t at = core::to_unix_ms(box.packed_at);
    out.push_back({at, std::move(box)});
  }
  u.status = core::OrderStatus::packed;
  u.at = wall_from_ms(packed_ms);
  out.push_back({packed_ms, u});
  u.status = core::OrderStatus::shipped;
  u.at = wall_from_ms(shipped_ms);
  u.actor = u.courier;
  out.push_back({shipped_ms, u});
  return t_ms;
}

}  // namespace coldsort::store::detail
