#pragma once
// The season generator's packing floor: a day's e-commerce orders (1-3 boxes each, five
// couriers with their cut-offs), packed by packers with their own speed and giveaway habit,
// weighed on the station's check-weigher, staged in the cold and shipped; every order's
// status history (open -> packing -> packed -> shipped, some cancelled, some late, a few
// never packed).
#include <cstdint>
#include <string>
#include <vector>

#include "seed_calendar.hpp"
#include "seed_common.hpp"
#include "seed_fruit.hpp"

namespace coldsort::store::detail {

// Thread safety: none; one per seed run.
class PackingSeeder {
 public:
  PackingSeeder(const SeedOptions& options, const SeasonCalendar& calendar);
  // Appends day `day`'s orders, boxes and order updates to `out` (exactly the calendar's
  // parcels for the day). `lots` says which lot was on the line when (for box.lot_id).
  void generate_day(int day, const std::vector<LotRun>& lots, DayRecords& out);

  // A packer's habits for the season.
  struct Packer {
    std::string worker;
    double gift_s = 180;   // mean seconds per gift box
    double ecom_s = 90;    // mean seconds per e-commerce box
    double gap_s = 20;     // fetching fruit and a label between boxes
    double giveaway = 0;   // habitual over-pack, share of nominal
  };

  struct Order;  // one order being planned (defined in the .cpp)

 private:
  std::vector<Order> make_orders(int day, Rng& rng);
  void pack(int day, std::vector<Order>& orders, const std::vector<LotRun>& lots, Rng& rng,
            DayRecords& out);
  // Packs one order from t_ms on; returns when the packer is free again.
  std::int64_t pack_order(int day, const Order& order, const Packer& packer,
                          const std::string& station, std::int64_t t_ms,
                          const std::vector<LotRun>& lots, Rng& rng, DayRecords& out);
  // The collection that takes an order packed at packed_ms (its own cut-off when on time).
  std::int64_t pickup_after(int day, std::size_t pickup, std::int64_t packed_ms) const;

  const SeedOptions& options_;
  const SeasonCalendar& calendar_;
  std::vector<Packer> packers_;
};

}  // namespace coldsort::store::detail
