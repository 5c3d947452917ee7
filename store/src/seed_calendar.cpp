#include "seed_calendar.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <numbers>
#include <numeric>

#include "seed_common.hpp"

namespace coldsort::store::detail {
namespace {

std::optional<int> read_int(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A Huili harvest builds up over the first weeks, peaks and tails off (the Huili pomegranate
// harvest runs from mid-July into October; early and late picks are smaller): a half sine
// on a floor, so the first and last days still carry half of an average day.
std::vector<double> season_shape(int days) {
  std::vector<double> w(static_cast<std::size_t>(days), 1.0);
  if (days < 3) return w;
  for (int d = 0; d < days; ++d)
    w[static_cast<std::size_t>(d)] = 0.5 + std::sin(std::numbers::pi * (d + 0.5) / days);
  return w;
}

std::string numbered(char prefix, int n, int width) {
  std::string digits = std::to_string(n);
  if (static_cast<int>(digits.size()) < width)
    digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
  return std::string(1, prefix).append(digits);
}

}  // namespace

std::string worker_id(int n) { return numbered('W', n, 3); }

std::string line_operator(const SeedOptions& o, double minute_of_day) {
  const bool late_shift = minute_of_day >= 14 * 60 && minute_of_day < 22 * 60;
  return worker_id(o.packers + (late_shift ? 2 : 1));
}

std::optional<std::int64_t> local_midnight_ms(std::string_view date, int utc_offset_min) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  auto y = read_int(date.substr(0, 4));
  auto m = read_int(date.substr(5, 2));
  auto d = read_int(date.substr(8, 2));
  if (!y || !m || !d || *m < 1 || *d < 1) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  const std::int64_t utc_ms = duration_cast<milliseconds>(sys_days{ymd}.time_since_epoch()).count();
  return utc_ms - std::int64_t{utc_offset_min} * kMinuteMs;
}

std::vector<std::int64_t> split_exactly(std::int64_t total, const std::vector<double>& weights) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::int64_t> parts(weights.size(), 0);
  if (weights.empty() || sum <= 0) return parts;
  std::vector<std::pair<double, std::size_t>> remainders;
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(total) * weights[i] / sum;
    parts[i] = static_cast<std::int64_t>(std::floor(exact));
    given += parts[i];
    remainders.emplace_back(exact - std::floor(exact), i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < total; ++k, ++given) ++parts[remainders[k % remainders.size()].second];
  return parts;
}

SeasonCalendar make_calendar(const SeedOptions& o, std::int64_t first_day_ms) {
  SeasonCalendar c;
  c.first_day_ms = first_day_ms;
  c.days = o.days;
  c.utc_offset_min = o.utc_offset_min;
  const std::vector<double> shape = season_shape(o.days);
  c.fruit_per_day = split_exactly(o.fruit, shape);
  c.parcels_per_day = split_exactly(o.parcels, shape);
  std::int64_t before = 0;
  for (std::int64_t n : c.fruit_per_day) {
    c.fruit_before_day.push_back(before);
    before += n;
  }
  return c;
}

std::vector<LotPlan> plan_lots(const SeedOptions& o, const SeasonCalendar& c,
                               const std::vector<std::string>& raw_rooms) {
  Rng rng = rng_for(o.seed, -1, SeedStream::lots);
  // A grower delivers two or three lots a season (co-operatives pick in passes); each has a
  // skill that carries into every lot: thinned, bagged orchards give bigger, cleaner fruit.
  const int growers = std::max(1, o.lots * 2 / 5);
  std::vector<double> skill(static_cast<std::size_t>(growers));
  for (double& s : skill) s = rng.uniform();
  // Lots differ in size by truck and orchard: 0.7x to 1.3x an average lot (~13 t).
  std::vector<double> weights(static_cast<std::size_t>(o.lots));
  for (double& w : weights) w = rng.uniform(0.7, 1.3);
  const std::vector<std::int64_t> sizes = split_exactly(o.fruit, weights);

  std::vector<LotPlan> lots;
  std::int64_t first = 0;
  int day = 0;
  for (int i = 0; i < o.lots; ++i) {
    LotPlan p;
    const int grower = static_cast<int>(rng.below(growers));
    const double q = skill[static_cast<std::size_t>(grower)];
    p.first_fruit = first;
    p.end_fruit = first + sizes[static_cast<std::size_t>(i)];
    first = p.end_fruit;
    // Median weight: Huili soft-seed pomegranates run ~250-600 g around ~400 g; better
    // growers +-5 %, lot to lot 6 % more.
    p.median_g = rng.lognormal(400.0 * (0.95 + 0.1 * q), 0.06);
    p.defect_p = std::clamp(0.45 - 0.3 * q + rng.normal(0, 0.03), 0.05, 0.7);
    p.colour_mean = std::clamp(0.62 + 0.25 * q + rng.normal(0, 0.04), 0.3, 0.95);
    while (day + 1 < c.days && c.fruit_before_day[static_cast<std::size_t>(day + 1)] <= p.first_fruit)
      ++day;
    p.lot.id = numbered('L', i + 1, 4);
    p.lot.grower = numbered('G', grower + 1, 3);
    p.lot.variety = grower % 5 < 3 ? "qingpi-soft-seed" : "tunisia-soft-seed";
    // Taken in 1-3 days before grading: fruit is pre-cooled in store at least overnight
    // before it is handled on the line (UC Davis postharvest recommendations for pomegranate).
    const int intake_day = day - 1 - static_cast<int>(rng.below(3));
    p.lot.intake_at = wall_from_ms(c.local_ms(intake_day, rng.uniform(8 * 60, 18 * 60)));
    // Intake is the weighbridge net: the graded fruit's weight plus 1-3 % of culls, stems
    // and water loss in store; lognormal mean = median * exp(sigma^2 / 2), sigma 0.17.
    const double n = static_cast<double>(p.end_fruit - p.first_fruit);
    const double kg = n * p.median_g * std::exp(kFruitWeightSigma * kFruitWeightSigma / 2) * rng.uniform(1.01, 1.03) / 1000;
    p.lot.intake_kg = round_to(kg, 2);  // platform scales read crates to 0.5 kg
    p.lot.cold_room = raw_rooms.empty() ? "" : raw_rooms[static_cast<std::size_t>(i) % raw_rooms.size()];
    lots.push_back(std::move(p));
  }
  return lots;
}

}  // namespace coldsort::store::detail
