// The demand piece of a generated instance: SKUs (box type x product), the day's orders, and
// the packing hours they need per box type (which the floor and the crew are sized to).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "instance_generator_parts.hpp"

namespace coldsort::scheduler::gen {
namespace {

// Box formats a product sells in, most sold first (house estimate: big Extra fruit in small
// gift boxes, small Extra in gift-8, Class I mostly in e-commerce cartons, Class II in 10 kg).
std::vector<std::string> formats_for(const PlanProduct& p) {
  const int size = size_index(p.size_code);
  switch (p.grade) {
    case core::Grade::extra:
      if (size <= 1) return {"gift-4", "gift-6", "carton-5kg"};
      if (size <= 3) return {"gift-6", "gift-4", "gift-8"};
      return {"gift-8", "gift-6", "carton-5kg"};
    case core::Grade::class_i:
      if (size <= 1) return {"gift-6", "carton-5kg", "carton-10kg"};
      if (size <= 4) return {"carton-5kg", "gift-6", "carton-10kg"};
      return {"carton-10kg", "carton-5kg", "gift-8"};
    default:
      return {"carton-10kg", "carton-5kg"};
  }
}

// SKUs: every product's best-selling format first, then second formats by popularity, ...
std::vector<Sku> choose_skus(const GeneratorSpec& spec, const Instance& in, GenRng& rng) {
  std::vector<const PlanProduct*> by_rank;
  for (const PlanProduct& p : in.products) by_rank.push_back(&p);
  std::sort(by_rank.begin(), by_rank.end(), [](const PlanProduct* a, const PlanProduct* b) {
    return popularity_rank(a->id) < popularity_rank(b->id);
  });
  std::vector<std::vector<std::string>> formats;
  for (const PlanProduct* p : by_rank) {
    std::vector<std::string> f;
    for (const std::string& id : formats_for(*p))
      if (in.find_box_type(id) != nullptr) f.push_back(id);
    formats.push_back(std::move(f));
  }
  std::vector<Sku> skus;
  for (std::size_t round = 0; round < 3 && static_cast<int>(skus.size()) < spec.skus; ++round)
    for (std::size_t i = 0; i < by_rank.size() && static_cast<int>(skus.size()) < spec.skus; ++i)
      if (round < formats[i].size()) {
        // Demand falls with popularity rank; within a product the first format sells most.
        const double product_weight = 1.0 / (1.0 + 0.25 * popularity_rank(by_rank[i]->id));
        const double format_share = round == 0 ? 0.65 : round == 1 ? 0.35 : 0.15;
        skus.push_back({by_rank[i]->id, formats[i][round], product_weight * format_share * rng.between(0.8, 1.2)});
      }
  if (static_cast<int>(skus.size()) < spec.skus)
    throw std::invalid_argument("generator: " + std::to_string(spec.skus) + " SKUs asked, only " +
                                std::to_string(skus.size()) + " exist for these products and box types");
  return skus;
}

// One order's size in parcels: mostly one (house estimate from e-commerce order mixes).
int draw_boxes(GenRng& rng) { return 1 + static_cast<int>(rng.pick({0.87, 0.09, 0.025, 0.01, 0.005})); }

int draw_priority(GenRng& rng) { return static_cast<int>(rng.pick({0.90, 0.08, 0.02})); }

// Known overnight, or arriving during the day at least 60-90 min before its cut-off.
int draw_arrival(const GeneratorSpec& spec, int cutoff_min, GenRng& rng) {
  if (rng.chance(spec.known_at_start_share)) return 0;
  const int latest = cutoff_min - rng.range(60, 90);
  return latest < 15 ? 0 : rng.range(15, latest);
}

struct Drawn {
  PlanOrder order;
  std::size_t index;
};

void sum_labour(Draft& draft) {
  const Instance& in = draft.instance;
  draft.labour_share.assign(in.box_types.size(), 0.0);
  double total = 0;
  for (const PlanOrder& o : in.orders)
    for (std::size_t b = 0; b < in.box_types.size(); ++b)
      if (in.box_types[b].id == o.box_type) {
        const double hours = o.boxes / find_box_spec(o.box_type)->parcels_per_h;
        draft.labour_share[b] += hours;
        total += hours;
      }
  if (total > 0)
    for (double& s : draft.labour_share) s /= total;
}

std::vector<double> weights_of_skus(const std::vector<Sku>& skus) {
  std::vector<double> w;
  for (const Sku& s : skus) w.push_back(s.weight);
  return w;
}

}  // namespace

void build_orders(const GeneratorSpec& spec, Draft& draft) {
  GenRng rng(spec.seed, kDemand);
  draft.skus = choose_skus(spec, draft.instance, rng);
  const std::vector<double> sku_weights = weights_of_skus(draft.skus);
  std::vector<double> cutoff_weights;
  for (const Cutoff& c : draft.cutoffs) cutoff_weights.push_back(c.weight);
  std::vector<Drawn> drawn;
  for (int i = 0; i < spec.orders; ++i) {
    PlanOrder o;
    const Sku& sku = draft.skus[rng.pick(sku_weights)];
    const Cutoff& cutoff = draft.cutoffs[rng.pick(cutoff_weights)];
    o.product = sku.product;
    o.box_type = sku.box_type;
    o.boxes = draw_boxes(rng);
    o.courier = cutoff.courier;
    o.cutoff_min = cutoff.minute;
    o.priority = draw_priority(rng);
    o.arrival_min = draw_arrival(spec, o.cutoff_min, rng);
    if (rng.chance(spec.cancel_share) && o.cutoff_min - 30 > o.arrival_min + 5)
      o.cancelled_min = rng.range(o.arrival_min + 5, o.cutoff_min - 30);
    drawn.push_back({std::move(o), static_cast<std::size_t>(i)});
  }
  // Ids in the order the orders became known, as an order system numbers them.
  std::sort(drawn.begin(), drawn.end(), [](const Drawn& a, const Drawn& b) {
    if (a.order.arrival_min != b.order.arrival_min) return a.order.arrival_min < b.order.arrival_min;
    if (a.order.cutoff_min != b.order.cutoff_min) return a.order.cutoff_min < b.order.cutoff_min;
    return a.index < b.index;
  });
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    drawn[i].order.id = numbered("ORD", static_cast<int>(i) + 1, 5);
    draft.instance.orders.push_back(std::move(drawn[i].order));
  }
  sum_labour(draft);
}

void apply_rush(const GeneratorSpec& spec, Draft& draft) {
  if (spec.rush_share <= 0 || spec.rush_arrival_min < 0) return;
  if (spec.rush_cutoff_index < 0 || spec.rush_cutoff_index >= static_cast<int>(draft.cutoffs.size()))
    throw std::invalid_argument("generator: rush cut-off index out of range");
  const Cutoff& cutoff = draft.cutoffs[static_cast<std::size_t>(spec.rush_cutoff_index)];
  const auto due = std::count_if(draft.instance.orders.begin(), draft.instance.orders.end(),
                                 [&](const PlanOrder& o) { return o.cutoff_min == cutoff.minute; });
  const int count = static_cast<int>(std::lround(spec.rush_share * static_cast<double>(due)));
  GenRng rng(spec.seed, kRush);
  const std::vector<double> sku_weights = weights_of_skus(draft.skus);
  std::vector<Drawn> drawn;
  for (int i = 0; i < count; ++i) {
    PlanOrder o;
    const Sku& sku = draft.skus[rng.pick(sku_weights)];
    o.product = sku.product;
    o.box_type = sku.box_type;
    o.boxes = draw_boxes(rng);
    o.courier = cutoff.courier;
    o.cutoff_min = cutoff.minute;
    o.priority = 1;  // a rush order outranks the ordinary ones due at the same cut-off
    o.arrival_min = std::clamp(spec.rush_arrival_min + rng.range(-10, 10), 0, std::max(0, cutoff.minute - 60));
    drawn.push_back({std::move(o), static_cast<std::size_t>(i)});
  }
  std::sort(drawn.begin(), drawn.end(), [](const Drawn& a, const Drawn& b) {
    return a.order.arrival_min != b.order.arrival_min ? a.order.arrival_min < b.order.arrival_min : a.index < b.index;
  });
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    drawn[i].order.id = numbered("RUSH", static_cast<int>(i) + 1, 4);
    draft.instance.orders.push_back(std::move(drawn[i].order));
  }
}

}  // namespace coldsort::scheduler::gen
