// The floor piece of a generated instance: packing stations (gift tables and carton tables,
// in blocks along the two sides of the line) and outlets (each reaching 1-3 adjacent stations
// on its side, so which product goes to which outlet decides which stations can pack it).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "instance_generator_parts.hpp"

namespace coldsort::scheduler::gen {
namespace {

struct Family {
  std::vector<std::size_t> box_types;  // indices into instance.box_types
  std::vector<double> share;           // their labour shares
  double total_share = 0;
};

Family family_of(const Draft& draft, bool gift) {
  Family f;
  const Instance& in = draft.instance;
  for (std::size_t b = 0; b < in.box_types.size(); ++b)
    if (find_box_spec(in.box_types[b].id)->gift == gift) {
      f.box_types.push_back(b);
      f.share.push_back(draft.labour_share[b]);
      f.total_share += draft.labour_share[b];
    }
  return f;
}

// Gift or carton table for each station along the floor, in blocks of 2-4 tables.
std::vector<bool> table_layout(int stations, int gift_tables, GenRng& rng) {
  std::vector<bool> gift;
  int left_gift = gift_tables, left_carton = stations - gift_tables;
  bool next_gift = rng.chance(0.5);
  while (left_gift + left_carton > 0) {
    if (left_gift == 0) next_gift = false;
    if (left_carton == 0) next_gift = true;
    int& left = next_gift ? left_gift : left_carton;
    const int block = std::min(left, rng.range(2, 4));
    for (int i = 0; i < block; ++i) gift.push_back(next_gift);
    left -= block;
    next_gift = !next_gift;
  }
  return gift;
}

// A table's box formats: often all of its family's, else one or two, weighted by the labour
// each needs (a little weight for every format so rare ones still get a table or two).
std::vector<std::string> table_formats(const Instance& in, const Family& f, bool all, GenRng& rng) {
  std::vector<std::size_t> chosen;
  if (all || f.box_types.size() == 1) {
    chosen = f.box_types;
  } else {
    std::vector<double> w;
    for (double s : f.share) w.push_back(s + 0.02);
    const int count = rng.range(1, std::min<int>(2, static_cast<int>(f.box_types.size())));
    for (int i = 0; i < count; ++i) {
      const std::size_t k = rng.pick(w);
      chosen.push_back(f.box_types[k]);
      w[k] = 0;
    }
    std::sort(chosen.begin(), chosen.end());
  }
  std::vector<std::string> ids;
  for (std::size_t b : chosen) ids.push_back(in.box_types[b].id);
  return ids;
}

bool has(const std::vector<std::string>& items, const std::string& id) {
  return std::find(items.begin(), items.end(), id) != items.end();
}

// Every format with demand gets places for 1.3x its share of the packers (or all of its
// family's tables), so that the floor is not what makes a format infeasible.
void cover_formats(const GeneratorSpec& spec, Draft& draft, const std::vector<bool>& gift, GenRng& rng) {
  Instance& in = draft.instance;
  std::vector<std::size_t> order(in.stations.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  rng.shuffle(order);
  for (std::size_t b = 0; b < in.box_types.size(); ++b) {
    if (draft.labour_share[b] <= 0) continue;
    const std::string& id = in.box_types[b].id;
    const bool is_gift = find_box_spec(id)->gift;
    const int need = static_cast<int>(std::ceil(1.3 * draft.labour_share[b] * spec.packers));
    int places = 0;
    for (const PlanStation& s : in.stations) places += has(s.box_types, id) ? s.slots : 0;
    for (std::size_t i : order) {
      if (places >= need) break;
      PlanStation& s = in.stations[i];
      if (gift[i] != is_gift || has(s.box_types, id) || s.box_types.size() >= 3) continue;
      s.box_types.push_back(id);
      places += s.slots;
    }
  }
  // Keep each table's formats in catalogue order, whatever order they were added in.
  for (PlanStation& s : in.stations)
    std::sort(s.box_types.begin(), s.box_types.end(), [&](const std::string& a, const std::string& b) {
      return find_box_spec(a) < find_box_spec(b);
    });
}

void build_stations(const GeneratorSpec& spec, Draft& draft, GenRng& rng) {
  Instance& in = draft.instance;
  const Family gift = family_of(draft, true), carton = family_of(draft, false);
  const double gift_share = gift.total_share / std::max(1e-9, gift.total_share + carton.total_share);
  int gift_tables = static_cast<int>(std::lround(gift_share * spec.stations));
  if (!gift.box_types.empty() && gift.total_share > 0) gift_tables = std::max(gift_tables, 1);
  if (!carton.box_types.empty() && carton.total_share > 0) gift_tables = std::min(gift_tables, spec.stations - 1);
  if (gift.box_types.empty()) gift_tables = 0;
  if (carton.box_types.empty()) gift_tables = spec.stations;
  const std::vector<bool> layout = table_layout(spec.stations, gift_tables, rng);
  for (int i = 0; i < spec.stations; ++i) {
    const bool is_gift = layout[static_cast<std::size_t>(i)];
    PlanStation s;
    s.id = numbered("S", i + 1, 2);
    s.slots = spec.slots_per_station;
    s.box_types = table_formats(in, is_gift ? gift : carton, rng.chance(is_gift ? 0.35 : 0.5), rng);
    in.stations.push_back(std::move(s));
  }
  cover_formats(spec, draft, layout, rng);
}

// Outlet k of n on a side reaches its share of the side's stations, widened at random by a
// neighbour to 1-3 stations; the shares tile the side, so every station is reached.
std::vector<std::string> reach(const std::vector<std::string>& side, int k, int n, GenRng& rng) {
  const int stations = static_cast<int>(side.size());
  int lo = k * stations / n;
  int hi = std::max(lo + 1, (k + 1) * stations / n);
  if (hi - lo < 3 && hi < stations && rng.chance(0.5)) ++hi;
  if (hi - lo < 3 && lo > 0 && rng.chance(0.3)) --lo;
  return {side.begin() + lo, side.begin() + hi};
}

void build_outlets(const GeneratorSpec& spec, Draft& draft, GenRng& rng) {
  Instance& in = draft.instance;
  // Reject always; recirculation (the line's end) on lines of 10+ outlets; bulk bins on 20+.
  const int recirculation = spec.outlets >= 10 ? 1 : 0;
  const int bulk = spec.outlets >= 40 ? 2 : spec.outlets >= 20 ? 1 : 0;
  const int product_outlets = spec.outlets - 1 - recirculation - bulk;
  if (product_outlets < spec.products || spec.stations < 2)
    throw std::invalid_argument("generator: " + std::to_string(spec.outlets) + " outlets leave fewer product outlets than " +
                                std::to_string(spec.products) + " products");
  std::vector<std::string> sides[2];
  for (std::size_t i = 0; i < in.stations.size(); ++i)
    sides[i < in.stations.size() / 2 ? 0 : 1].push_back(in.stations[i].id);
  const int per_side[2] = {(product_outlets + 1) / 2, product_outlets / 2};
  for (int j = 0; j < product_outlets; ++j) {
    PlanOutlet o;
    o.id = numbered("O", j + 1, 2);
    o.stations = reach(sides[j % 2], j / 2, per_side[j % 2], rng);
    // An outlet's bin or roller table holds ~150-400 fruit (house estimate).
    o.buffer_fruit = round_to_int(rng.between(150, 400), 10);
    in.outlets.push_back(std::move(o));
  }
  auto add = [&](core::OutletKind kind, bool is_bulk, int buffer) {
    PlanOutlet o;
    o.id = numbered("O", static_cast<int>(in.outlets.size()) + 1, 2);
    o.kind = kind;
    o.bulk = is_bulk;
    o.buffer_fruit = buffer;
    in.outlets.push_back(std::move(o));
  };
  add(core::OutletKind::reject, false, 400);
  for (int i = 0; i < bulk; ++i) add(core::OutletKind::recirculation, true, 900);  // a bulk bin: ~400 kg
  if (recirculation > 0) add(core::OutletKind::recirculation, false, 300);
}

}  // namespace

void build_floor(const GeneratorSpec& spec, Draft& draft) {
  GenRng rng(spec.seed, kFloor);
  build_stations(spec, draft, rng);
  build_outlets(spec, draft, rng);
}

}  // namespace coldsort::scheduler::gen
