#pragma once
// The season generator's calendar (local days, how much fruit and how many parcels each
// day gets) and its grower lots. Thread safety: plain values.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/core/people.hpp"
#include "coldsort/store/season_seed.hpp"

namespace coldsort::store::detail {

struct SeasonCalendar {
  std::int64_t first_day_ms = 0;  // Unix ms of local midnight starting day 0
  int days = 0;
  int utc_offset_min = 0;
  std::vector<std::int64_t> fruit_per_day;
  std::vector<std::int64_t> fruit_before_day;  // fruit of the days before (a global index)
  std::vector<std::int64_t> parcels_per_day;

  std::int64_t day_start_ms(int day) const { return first_day_ms + day * std::int64_t{86'400'000}; }
  // Unix ms of local minute `minute_of_day` (may exceed 1440) of `day`.
  std::int64_t local_ms(int day, double minute_of_day) const {
    return day_start_ms(day) + static_cast<std::int64_t>(minute_of_day * 60'000.0);
  }
};

// Unix ms of local midnight of "YYYY-MM-DD" at UTC + utc_offset_min; nullopt when invalid.
std::optional<std::int64_t> local_midnight_ms(std::string_view date, int utc_offset_min);

// Splits the options' fruit and parcels over the days (exact totals).
SeasonCalendar make_calendar(const SeedOptions& options, std::int64_t first_day_ms);

// Splits `total` into parts proportional to `weights` whose sum is exactly `total`
// (largest remainders, ties to the earlier part).
std::vector<std::int64_t> split_exactly(std::int64_t total, const std::vector<double>& weights);

// A grower lot and how its fruit looks: the season runs lots one after another over the
// global fruit index [first_fruit, end_fruit).
struct LotPlan {
  core::Lot lot;
  std::int64_t first_fruit = 0;
  std::int64_t end_fruit = 0;
  double median_g = 400;       // median fruit weight
  double defect_p = 0.3;       // chance a fruit shows any skin defect
  double colour_mean = 0.75;   // mean share of the skin in the red range
};

// Fruit weight spread within a lot (lognormal sigma): 95 % of a lot within x0.72..x1.4 of
// its median, the ~250-600 g a Huili packhouse sees.
inline constexpr double kFruitWeightSigma = 0.17;

// "W001": worker n (1-based). The first `packers` pack; the next two run the line on the
// 06:00-14:00 and 14:00-22:00 shifts and acknowledge alarms (the first one on call at night).
std::string worker_id(int n);
std::string line_operator(const SeedOptions& options, double minute_of_day);

// The season's lots, in the order they run; each is taken in 1-3 days before it is graded
// and waits in one of `raw_rooms`.
std::vector<LotPlan> plan_lots(const SeedOptions& options, const SeasonCalendar& calendar,
                               const std::vector<std::string>& raw_rooms);

}  // namespace coldsort::store::detail
