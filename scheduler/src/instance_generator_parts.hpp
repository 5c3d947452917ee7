#pragma once
// The instance generator's pieces, one file per concern (catalogue, demand, floor, people,
// supply, stress knobs). Each piece draws from its own random stream, so a knob changes only
// what it is about: the stress day is the peak day plus its knobs, nothing else moves.
// Thread safety: plain values and functions; a GenRng is not shared.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "coldsort/scheduler/instance_generator.hpp"

namespace coldsort::scheduler::gen {

// mt19937_64 (fully specified by the standard) with arithmetic-only draws, so that the
// committed instance files are the same on every standard library.
class GenRng {
 public:
  GenRng(std::uint64_t seed, std::uint64_t stream)
      : engine_(seed * 0x9E3779B97F4A7C15ULL + stream * 0xD1B54A32D192ED03ULL + 1) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double between(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  int below(int n) { return n <= 0 ? 0 : static_cast<int>(engine_() % static_cast<std::uint64_t>(n)); }
  int range(int lo, int hi) { return lo + below(hi - lo + 1); }  // [lo, hi]
  bool chance(double p) { return uniform() < p; }
  // Index drawn with probability proportional to `weights` (non-negative, not all zero).
  std::size_t pick(const std::vector<double>& weights);
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[static_cast<std::size_t>(below(static_cast<int>(i)))]);
  }

 private:
  std::mt19937_64 engine_;
};

// Streams: one per concern.
enum Stream : std::uint64_t { kDemand = 1, kFloor, kPeople, kSupply, kNoShow, kRush };

double round_to(double value, int decimals);  // nearest double to the decimal
int round_to_int(double value, int step);
std::string numbered(std::string_view prefix, int number, int digits);  // ("O", 7, 5) -> "O00007"
std::string clock_text(const Instance& in, int minute);                // minute -> "11:15"

// The fixed catalogue the presets draw from (sources in config/instances/README.md).
struct BoxSpec {
  std::string id;
  int fruit_per_box;
  double nominal_kg;
  double parcels_per_h;  // a median packer
  bool gift;
};
const std::vector<BoxSpec>& box_catalogue();
const BoxSpec* find_box_spec(std::string_view id);
int size_index(std::string_view size_code);  // "A" (largest) -> 0 ... "G" -> 6
int popularity_rank(std::string_view product);  // 0 = sells most
struct CourierSpec {
  std::string id;
  std::string name;
};
const std::vector<CourierSpec>& courier_catalogue();

struct Sku {
  std::string product;
  std::string box_type;
  double weight = 0;  // share of parcels
};
struct Cutoff {
  int minute = 0;
  std::string courier;
  double weight = 0;  // share of parcels due
};

// Everything decided so far, handed from piece to piece.
struct Draft {
  Instance instance;
  std::vector<Sku> skus;
  std::vector<Cutoff> cutoffs;
  std::vector<double> labour_share;  // per instance.box_types: share of the packing hours needed
};

void build_catalogue(const GeneratorSpec& spec, Draft& draft);   // box types, products, cut-offs
void build_orders(const GeneratorSpec& spec, Draft& draft);      // SKUs, orders, labour shares
void build_floor(const GeneratorSpec& spec, Draft& draft);       // stations, outlets
void build_workers(const GeneratorSpec& spec, Draft& draft);     // skills, rates, shifts, breaks
void build_supply(const GeneratorSpec& spec, Draft& draft);      // lots, flow
void apply_no_shows(const GeneratorSpec& spec, Draft& draft);
void apply_rush(const GeneratorSpec& spec, Draft& draft);
void apply_size_shift(const GeneratorSpec& spec, Draft& draft);  // forecast = before, flow = after
std::string describe_sources(const GeneratorSpec& spec, const Draft& draft);  // the notes

// The flow of each product per period from lots (fruit/s, 3 decimals).
std::vector<ProductFlow> flow_from_lots(const Instance& in, const std::vector<Lot>& lots);

}  // namespace coldsort::scheduler::gen
