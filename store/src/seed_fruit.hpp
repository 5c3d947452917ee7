#pragma once
// The season generator's sorting line: every fruit of a day with all the columns a live
// fruit row has, graded under the Chinese e-commerce standard by weight and injury area,
// and the line operators' actions (start, stop, speed at breaks, lot changes, outlets).
#include <cstdint>
#include <string>
#include <vector>

#include "coldsort/core/grading_standard.hpp"
#include "seed_calendar.hpp"
#include "seed_common.hpp"

namespace coldsort::store::detail {

// The lot on the line from t_ms on (a day's list starts with the lot running at its start).
struct LotRun {
  std::int64_t t_ms = 0;
  std::string lot_id;
};

// The standard the seeded fruit is graded by: the numbers of
// config/grading/cn-ecommerce-pomegranate-v1.json (a test compares them with the file).
const core::GradingStandard& seed_standard();

// Outlets: one per product (1-6), 7 takes out-of-grade fruit, 8 recirculates doubtful,
// dropped and unplanned fruit; 0 is the end of the line (a late decision).
inline constexpr int kRejectOutlet = 7;
inline constexpr int kRecirculationOutlet = 8;
// The product id for a grade and size ("EX-350g+", "I-250-349g"); "" when it has none.
std::string product_for(core::Grade grade, const std::string& size_code);
int outlet_for(const std::string& product_id);

// Thread safety: none; one per seed run.
class FruitSeeder {
 public:
  FruitSeeder(const SeedOptions& options, const SeasonCalendar& calendar,
              const std::vector<LotPlan>& lots);
  // Appends day `day`'s fruit and line actions to `out`; returns the day's lot timeline.
  std::vector<LotRun> generate_day(int day, DayRecords& out);

 private:
  core::Fruit make_fruit(Rng& rng, const LotPlan& lot, std::int64_t t_ms, int lane,
                         bool small_class_ii_planned);
  void measure(Rng& rng, const LotPlan& lot, core::Measurement& m);
  void add_line_actions(int day, DayRecords& out);
  void add_action(DayRecords& out, std::int64_t t_ms, const std::string& actor,
                  const std::string& action, const std::string& target, const std::string& detail);

  const SeedOptions& options_;
  const SeasonCalendar& calendar_;
  const std::vector<LotPlan>& lots_;
  std::size_t lot_ = 0;                  // the lot of the next fruit
  std::vector<std::uint64_t> last_cup_;  // per lane: cup indices only grow
};

}  // namespace coldsort::store::detail
