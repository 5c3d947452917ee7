// The people piece of a generated instance: packers (novices with one or two box types, most
// with two or three, a few experts with all; rates +-25 % around a median packer), the other
// crew (loaders, QC, forklift, cold room: kept in the file without packing skills), shifts
// (mostly the full day, some village half days) and breaks staggered in waves.
#include <algorithm>
#include <stdexcept>

#include "instance_generator_parts.hpp"

namespace coldsort::scheduler::gen {
namespace {

enum class Shift { full, morning, afternoon };

// Breaks by wave (0..3), so the floor never empties: two 15-min breaks and a 30 or 45-min
// lunch on a full day (07:00-19:00: 09:00, 11:30 and 15:00 plus 15 or 30 min a wave), one
// 15-min break on a half day; a short (XS) day has one break in its middle.
std::vector<Window> breaks_for(int horizon, Shift shift, int wave, int lunch_min) {
  if (horizon < 600) {
    const int at = round_to_int(horizon * 0.375, 15) + 15 * wave;
    if (shift != Shift::full) return {};
    return {{at, at + 15}};
  }
  const int first = round_to_int(horizon / 6.0, 15) + 15 * wave;
  const int lunch = round_to_int(horizon * 0.375, 15) + 30 * wave;
  const int second = round_to_int(horizon * 2 / 3.0, 15) + 15 * wave;
  switch (shift) {
    case Shift::morning: return {{first, first + 15}};
    case Shift::afternoon: return {{second, second + 15}};
    default: return {{first, first + 15}, {lunch, lunch + lunch_min}, {second, second + 15}};
  }
}

// Village half days: 07:00-12:30 or 13:00-19:00 on a 12-h day.
Window window_for(int horizon, Shift shift) {
  const int morning_end = horizon < 600 ? horizon / 2 : round_to_int(horizon * 0.458, 15);
  switch (shift) {
    case Shift::morning: return {0, morning_end};
    case Shift::afternoon: return {horizon / 2, horizon};
    default: return {0, horizon};
  }
}

double available_h(const PlanWorker& w) {
  int minutes = w.shift.length_min();
  for (const Window& b : w.breaks) minutes -= b.length_min();
  return minutes / 60.0;
}

PlanWorker make_packer(const GeneratorSpec& spec, const Draft& draft, int number, GenRng& rng) {
  const Instance& in = draft.instance;
  PlanWorker w;
  w.id = numbered("P", number, 3);
  const double kind = rng.uniform();
  const int types = static_cast<int>(in.box_types.size());
  // Novice 20 %, regular 65 %, expert 15 % (house estimate of a seasonal crew).
  const bool novice = kind < 0.20, expert = kind >= 0.85;
  const double speed = novice ? rng.between(0.75, 0.95) : expert ? rng.between(1.05, 1.25) : rng.between(0.85, 1.15);
  const int count = expert ? types : novice ? rng.range(1, std::min(2, types)) : rng.range(std::min(2, types), std::min(3, types));
  std::vector<double> weights;
  for (double s : draft.labour_share) weights.push_back(s + 0.02);
  std::vector<std::size_t> chosen;
  for (int i = 0; i < count; ++i) {
    const std::size_t b = rng.pick(weights);
    chosen.push_back(b);
    weights[b] = 0;
  }
  std::sort(chosen.begin(), chosen.end());
  for (std::size_t b : chosen) {
    const BoxSpec& box = *find_box_spec(in.box_types[b].id);
    w.skills.push_back({box.id, round_to(box.parcels_per_h * speed * rng.between(0.95, 1.05), 1)});
  }
  const Shift shift = rng.chance(spec.half_day_share) ? (number % 2 == 1 ? Shift::morning : Shift::afternoon) : Shift::full;
  w.shift = window_for(spec.horizon_min, shift);
  w.breaks = breaks_for(spec.horizon_min, shift, (number - 1) % 4, rng.chance(0.5) ? 30 : 45);
  return w;
}

// Every box type with demand gets packers able to pack it whose hours add up to at least
// 1.5x its share of all packing hours: add it to packers with room (fewer than 3 skills).
void cover_skills(Draft& draft, GenRng& rng) {
  Instance& in = draft.instance;
  double total_h = 0;
  for (const PlanWorker& w : in.workers) total_h += available_h(w);
  std::vector<std::size_t> order(in.workers.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  rng.shuffle(order);
  for (std::size_t b = 0; b < in.box_types.size(); ++b) {
    if (draft.labour_share[b] <= 0) continue;
    const BoxSpec& box = *find_box_spec(in.box_types[b].id);
    auto skilled_h = [&] {
      double h = 0;
      for (const PlanWorker& w : in.workers)
        if (w.rate_for(box.id) > 0) h += available_h(w);
      return h;
    };
    for (std::size_t i : order) {
      if (skilled_h() >= 1.5 * draft.labour_share[b] * total_h) break;
      PlanWorker& w = in.workers[i];
      if (w.rate_for(box.id) > 0 || w.skills.size() >= 3) continue;
      // A newly trained hand: the median rate less 10 %.
      w.skills.push_back({box.id, round_to(box.parcels_per_h * 0.9, 1)});
    }
  }
}

PlanWorker make_crew(const GeneratorSpec& spec, int index, std::vector<int>& numbers) {
  // Loaders, QC, forklift drivers, cold-room hands in roughly 3:2:1:1 (house estimate).
  static const char* const kRoles[] = {"L", "Q", "L", "F", "Q", "C", "L"};
  const int role = index % 7;
  const std::string prefix = kRoles[role];
  const int n = ++numbers[static_cast<std::size_t>(prefix == "L" ? 0 : prefix == "Q" ? 1 : prefix == "F" ? 2 : 3)];
  PlanWorker w;
  w.id = numbered(prefix, n, 2);
  w.shift = window_for(spec.horizon_min, Shift::full);
  w.breaks = breaks_for(spec.horizon_min, Shift::full, index % 4, 30);
  return w;
}

}  // namespace

void build_workers(const GeneratorSpec& spec, Draft& draft) {
  if (spec.packers > spec.workers || spec.packers < 1)
    throw std::invalid_argument("generator: packers must be 1.." + std::to_string(spec.workers));
  GenRng rng(spec.seed, kPeople);
  Instance& in = draft.instance;
  for (int i = 1; i <= spec.packers; ++i) in.workers.push_back(make_packer(spec, draft, i, rng));
  cover_skills(draft, rng);
  std::vector<int> numbers(4, 0);
  for (int i = 0; i < spec.workers - spec.packers; ++i) in.workers.push_back(make_crew(spec, i, numbers));
}

void apply_no_shows(const GeneratorSpec& spec, Draft& draft) {
  if (spec.no_show_share <= 0 || spec.no_show_min < 0) return;
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < draft.instance.workers.size(); ++i) {
    const PlanWorker& w = draft.instance.workers[i];
    if (!w.skills.empty() && w.shift.contains(spec.no_show_min)) candidates.push_back(i);
  }
  GenRng rng(spec.seed, kNoShow);
  rng.shuffle(candidates);
  const auto count = static_cast<std::size_t>(std::lround(spec.no_show_share * static_cast<double>(candidates.size())));
  for (std::size_t k = 0; k < count && k < candidates.size(); ++k)
    draft.instance.workers[candidates[k]].absent_from_min = spec.no_show_min;
}

}  // namespace coldsort::scheduler::gen
