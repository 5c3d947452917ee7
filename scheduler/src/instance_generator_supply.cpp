// The supply piece of a generated instance: growers' lots run over the grader one after
// another at the line's rate, each with its own grade and size mix, and the per-period flow
// of each product that follows. The day's mix is fitted to the demand (a packhouse sells
// what its growers deliver): each product's day total is 1.1-1.3x the fruit its orders need,
// while lot to lot the mix swings, so products run short in some hours and plentiful in
// others, and the cold limit keeps fruit from being stored for later.
#include <algorithm>
#include <cmath>

#include "instance_generator_parts.hpp"

namespace coldsort::scheduler::gen {
namespace {

// Share of the graded fruit that is an order product; the rest is reject, out of grade,
// undersize or a grade/size nobody ordered today (house estimate).
constexpr double kProductShare = 0.85;

std::vector<double> fruit_needed(const Instance& in) {
  std::vector<double> need(in.products.size(), 0.0);
  for (const PlanOrder& o : in.orders) {
    if (o.cancelled_min >= 0) continue;
    for (std::size_t p = 0; p < in.products.size(); ++p)
      if (in.products[p].id == o.product) need[p] += o.boxes * in.find_box_type(o.box_type)->fruit_per_box;
  }
  return need;
}

// Lot lengths in minutes: 30-90 on a full day (a grower's truck of 5-15 t at the line's
// rate), 20-50 on a short one; the last lot ends with the day.
std::vector<int> lot_starts(int horizon, GenRng& rng) {
  std::vector<int> starts;
  const bool short_day = horizon < 600;
  for (int t = 0; t < horizon;) {
    starts.push_back(t);
    t += 5 * (short_day ? rng.range(4, 10) : rng.range(6, 18));
  }
  if (starts.size() > 1 && horizon - starts.back() < 15) starts.pop_back();
  return starts;
}

int lot_end(const Instance& in, const std::vector<Lot>& lots, std::size_t l) {
  return l + 1 < lots.size() ? lots[l + 1].start_min : in.horizon_min;
}

// How a lot's grower tilts the mix: its sizes centre on its own size class (orchard, altitude,
// thinning), its grades lean toward Extra or Class II, and each product swings +-20 % more.
// Rational weights, no exp(): the committed files must not depend on the maths library.
std::vector<double> lot_tilt(const Instance& in, GenRng& rng) {
  const double centre = 3 + rng.between(-1.2, 1.2), grade_tilt = rng.between(-0.4, 0.4);
  std::vector<double> factor;
  for (const PlanProduct& p : in.products) {
    const double d = (size_index(p.size_code) - centre) / 1.5;
    const double q = p.grade == core::Grade::extra ? 1.0 : p.grade == core::Grade::class_i ? 0.0 : -1.0;
    factor.push_back(1 / (1 + d * d) * std::max(0.15, 1 + grade_tilt * q) * rng.between(0.8, 1.2));
  }
  return factor;
}

}  // namespace

std::vector<ProductFlow> flow_from_lots(const Instance& in, const std::vector<Lot>& lots) {
  std::vector<ProductFlow> flows;
  const int periods = in.periods();
  for (const PlanProduct& p : in.products) {
    ProductFlow f{p.id, std::vector<double>(static_cast<std::size_t>(periods), 0.0)};
    for (int t = 0; t < periods; ++t) {
      const int from = t * in.period_min, to = std::min(in.horizon_min, from + in.period_min);
      double fruit = 0;
      for (std::size_t l = 0; l < lots.size(); ++l) {
        const int end = lot_end(in, lots, l);
        const int overlap = std::min(to, end) - std::max(from, lots[l].start_min);
        if (overlap <= 0) continue;
        for (const LotShare& s : lots[l].mix)
          if (s.product == p.id) fruit += overlap * (lots[l].fruit / double(end - lots[l].start_min)) * s.share;
      }
      f.fruit_per_s[static_cast<std::size_t>(t)] = round_to(fruit / ((to - from) * 60.0), 3);
    }
    flows.push_back(std::move(f));
  }
  return flows;
}

void build_supply(const GeneratorSpec& spec, Draft& draft) {
  Instance& in = draft.instance;
  GenRng rng(spec.seed, kSupply);
  const std::vector<double> need = fruit_needed(in);
  double mean_need = 0;
  for (double n : need) mean_need += n / static_cast<double>(need.size());
  // Each product's day total: its need x the fruit ratio +-0.08 (a product nobody ordered still flows a little).
  std::vector<double> target;
  double line_fruit = 0;
  for (double n : need) {
    target.push_back((n > 0 ? n : 0.3 * mean_need) * rng.between(spec.fruit_ratio - 0.08, spec.fruit_ratio + 0.08));
    line_fruit += target.back() / kProductShare;
  }
  // The line's rate in whole fruit a minute, so that a lot split at any minute keeps it.
  const double per_min = std::max(1.0, std::round(line_fruit / spec.horizon_min));
  const std::vector<int> starts = lot_starts(spec.horizon_min, rng);
  std::vector<std::vector<double>> shares;
  for (std::size_t l = 0; l < starts.size(); ++l) {
    const int end = l + 1 < starts.size() ? starts[l + 1] : spec.horizon_min;
    Lot lot{numbered("LOT", static_cast<int>(l) + 1, 2), numbered("grower-", rng.range(1, 12), 2), starts[l],
            static_cast<int>(per_min) * (end - starts[l]), {}};
    std::vector<double> s = lot_tilt(in, rng);
    for (std::size_t p = 0; p < s.size(); ++p) s[p] *= target[p] / line_fruit;
    shares.push_back(std::move(s));
    in.lots.push_back(std::move(lot));
  }
  // Fit: every product's day total to its target, then keep each lot's products under 97 %.
  for (std::size_t p = 0; p < in.products.size(); ++p) {
    double got = 0;
    for (std::size_t l = 0; l < in.lots.size(); ++l) got += in.lots[l].fruit * shares[l][p];
    for (auto& s : shares) s[p] *= got > 0 ? target[p] / got : 0.0;
  }
  for (std::size_t l = 0; l < in.lots.size(); ++l) {
    double sum = 0;
    for (double s : shares[l]) sum += s;
    const double scale = sum > 0.97 ? 0.97 / sum : 1.0;
    for (std::size_t p = 0; p < in.products.size(); ++p)
      in.lots[l].mix.push_back({in.products[p].id, round_to(shares[l][p] * scale, 4)});
  }
  in.flow = flow_from_lots(in, in.lots);
}

void apply_size_shift(const GeneratorSpec& spec, Draft& draft) {
  Instance& in = draft.instance;
  if (spec.size_shift_min <= 0 || spec.size_shift_min >= in.horizon_min) return;
  // Split the lot running at the shift minute, so the shift starts exactly then.
  for (std::size_t l = 0; l < in.lots.size(); ++l) {
    const int end = lot_end(in, in.lots, l);
    if (in.lots[l].start_min < spec.size_shift_min && end > spec.size_shift_min) {
      Lot later = in.lots[l];
      const int per_min = in.lots[l].fruit / (end - in.lots[l].start_min);
      later.id += "b";
      later.start_min = spec.size_shift_min;
      later.fruit = per_min * (end - spec.size_shift_min);
      in.lots[l].fruit = per_min * (spec.size_shift_min - in.lots[l].start_min);
      in.lots.insert(in.lots.begin() + static_cast<std::ptrdiff_t>(l) + 1, std::move(later));
      break;
    }
  }
  in.forecast = flow_from_lots(in, in.lots);
  // From the shift on every fruit is one size class smaller than declared: a product of
  // size k gets the fruit the lot declared as size k-1 of its grade (none for size A).
  for (Lot& lot : in.lots) {
    if (lot.start_min < spec.size_shift_min) continue;
    const std::vector<LotShare> declared = lot.mix;
    for (LotShare& s : lot.mix) {
      const PlanProduct* p = in.find_product(s.product);
      s.share = 0;
      for (const LotShare& d : declared) {
        const PlanProduct* bigger = in.find_product(d.product);
        if (bigger->grade == p->grade && size_index(bigger->size_code) + 1 == size_index(p->size_code)) s.share = d.share;
      }
    }
  }
  in.flow = flow_from_lots(in, in.lots);
}

}  // namespace coldsort::scheduler::gen
