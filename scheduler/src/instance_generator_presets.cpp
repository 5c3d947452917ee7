// The ladder of presets, the fixed catalogue they draw from, and the catalogue piece of an
// instance (box types, products, cut-offs). Where each number comes from:
// config/instances/README.md.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "instance_generator_parts.hpp"

namespace coldsort::scheduler {
namespace {

GeneratorSpec peak_spec() {
  GeneratorSpec s;
  s.name = "huili-peak";
  s.seed = 2026;
  s.products = 20;  // issue: 20 order products
  s.box_types = 5;
  s.outlets = 40;   // issue: 40 outlets with reject, recirculation and bulk
  s.stations = 56;
  s.slots_per_station = 2;  // 112 places for ~110 packers
  s.workers = 150;
  s.packers = 110;
  s.cutoffs = 8;
  s.couriers = 5;
  s.skus = 40;
  s.orders = 20000;
  s.horizon_min = 720;  // 07:00-19:00
  s.period_min = 15;
  s.first_cutoff_min = 180;  // 10:00
  s.half_day_share = 0.2;
  s.known_at_start_share = 0.75;
  s.fruit_ratio = 1.2;
  s.cancel_share = 0.01;
  return s;
}

}  // namespace

std::optional<GeneratorSpec> generator_preset(std::string_view name) {
  GeneratorSpec s;
  if (name == "xs") {
    // Small enough for an exact MIP: 4 h, ~200 parcels, one slot per station.
    s.name = "xs";
    s.seed = 11;
    s.packers = 8;  // the other 6: loaders, QC, forklift
    s.half_day_share = 0.5;
    s.orders = 240;
    s.fruit_ratio = 1.15;
    return s;
  }
  if (name == "s" || name == "m") {
    const bool m = name == "m";
    s = peak_spec();
    s.name = std::string(name);
    s.seed = m ? 13 : 12;
    s.products = m ? 10 : 6;
    s.box_types = m ? 5 : 4;
    s.outlets = m ? 24 : 12;
    s.stations = m ? 32 : 16;
    s.workers = m ? 60 : 30;
    s.packers = m ? 52 : 26;
    s.cutoffs = m ? 6 : 4;
    s.couriers = m ? 4 : 3;
    s.skus = m ? 20 : 10;
    s.orders = m ? 9100 : 4700;
    return s;
  }
  if (name == "peak") return peak_spec();
  if (name == "stress") {
    s = peak_spec();
    s.name = "huili-stress";
    s.no_show_share = 0.10;  // issue: 10 % no-shows at 10:00
    s.no_show_min = 180;
    s.rush_share = 0.30;  // issue: +30 % rush orders due at the second cut-off
    s.rush_cutoff_index = 1;
    s.rush_arrival_min = 180;
    s.size_shift_min = 300;  // issue: the size mix shifting one class at noon
    return s;
  }
  return std::nullopt;
}

std::vector<std::string> generator_preset_names() { return {"xs", "s", "m", "peak", "stress"}; }

std::string preset_file_name(std::string_view preset) {
  const auto spec = generator_preset(preset);
  return spec ? "instances/" + spec->name + ".json" : std::string();
}

namespace gen {

std::size_t GenRng::pick(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += std::max(0.0, w);
  double x = uniform() * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    x -= std::max(0.0, weights[i]);
    if (x < 0) return i;
  }
  // Rounding left a sliver: the last item with weight.
  for (std::size_t i = weights.size(); i > 0; --i)
    if (weights[i - 1] > 0) return i - 1;
  return 0;
}

double round_to(double value, int decimals) {
  double scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  return std::round(value * scale) / scale;
}
int round_to_int(double value, int step) { return static_cast<int>(std::lround(value / step)) * step; }

std::string numbered(std::string_view prefix, int number, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", digits, number);
  return std::string(prefix) + buf;
}

std::string clock_text(const Instance& in, int minute) {
  const int start = std::stoi(in.day_start.substr(0, 2)) * 60 + std::stoi(in.day_start.substr(3, 2));
  const int t = start + minute;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (t / 60) % 24, t % 60);
  return buf;
}

const std::vector<BoxSpec>& box_catalogue() {
  // Gift boxes: 2.5-4 min a parcel (the issue), i.e. 24-15 parcels/h. E-commerce cartons:
  // house estimate, faster per parcel, more fruit. Fruit counts of cartons at ~420 g a fruit.
  static const std::vector<BoxSpec> boxes{
      {"gift-4", 4, 1.5, 24, true},
      {"gift-6", 6, 2.5, 20, true},
      {"carton-5kg", 12, 5.0, 28, false},
      {"carton-10kg", 24, 10.0, 24, false},
      {"gift-8", 8, 3.5, 15, true},
  };
  return boxes;
}

const BoxSpec* find_box_spec(std::string_view id) {
  for (const BoxSpec& b : box_catalogue())
    if (b.id == id) return &b;
  return nullptr;
}

int size_index(std::string_view size_code) { return size_code.empty() ? 0 : size_code[0] - 'A'; }

const std::vector<CourierSpec>& courier_catalogue() {
  static const std::vector<CourierSpec> couriers{
      {"SF", "SF Express"}, {"JD", "JD Logistics"}, {"ZTO", "ZTO Express"},
      {"YTO", "YTO Express"}, {"EMS", "China Post EMS"}};
  return couriers;
}

namespace {

// Order products by popularity (house estimate: mid sizes of Class I sell most, then Extra
// gift sizes); a preset takes the first N.
const char* const kProductsByPopularity[] = {
    "I-D", "I-E", "I-C", "EX-C", "EX-D", "I-F", "EX-B", "II-E", "II-D", "I-B",
    "II-F", "EX-E", "II-C", "EX-A", "I-G", "II-G", "I-A", "EX-F", "II-B", "II-A"};

PlanProduct product_of(std::string_view id) {
  PlanProduct p;
  p.id = std::string(id);
  const auto dash = id.find('-');
  const std::string_view grade = id.substr(0, dash);
  p.grade = grade == "EX" ? core::Grade::extra : grade == "I" ? core::Grade::class_i : core::Grade::class_ii;
  p.size_code = std::string(id.substr(dash + 1));
  return p;
}

}  // namespace

void build_catalogue(const GeneratorSpec& spec, Draft& draft) {
  Instance& in = draft.instance;
  for (int i = 0; i < spec.box_types; ++i) {
    const BoxSpec& b = box_catalogue()[static_cast<std::size_t>(i)];
    in.box_types.push_back({b.id, b.fruit_per_box, b.nominal_kg});
  }
  for (int i = 0; i < spec.products; ++i) in.products.push_back(product_of(kProductsByPopularity[i]));
  std::sort(in.products.begin(), in.products.end(), [](const PlanProduct& a, const PlanProduct& b) {
    return a.grade != b.grade ? a.grade < b.grade : a.size_code < b.size_code;
  });
  // Cut-offs spread from the first to the horizon on the quarter hour, couriers in turn,
  // more parcels at later cut-offs (the last takes 2.5x the first: house estimate).
  const int n = spec.cutoffs;
  double total = 0;
  for (int k = 0; k < n; ++k) {
    const int span = spec.horizon_min - spec.first_cutoff_min;
    const int minute = n == 1 ? spec.horizon_min : spec.first_cutoff_min + round_to_int(span * k / double(n - 1), 15);
    const double weight = 1.0 + 1.5 * (n == 1 ? 0.0 : k / double(n - 1));
    draft.cutoffs.push_back({std::min(minute, spec.horizon_min),
                             courier_catalogue()[static_cast<std::size_t>(k % spec.couriers)].id, weight});
    total += weight;
  }
  for (Cutoff& c : draft.cutoffs) c.weight /= total;
}

int popularity_rank(std::string_view product) {
  for (int i = 0; i < 20; ++i)
    if (product == kProductsByPopularity[i]) return i;
  return 20;
}

}  // namespace gen
}  // namespace coldsort::scheduler
