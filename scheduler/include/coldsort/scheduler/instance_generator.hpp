#pragma once
// A seeded generator of pack-day instances, and the ladder of presets the committed files in
// config/instances/ come from (xs, s, m, peak, stress; config/instances/README.md says where
// every number comes from). Same spec and seed, same instance, byte for byte through
// `save_instance`: only mt19937_64 output and plain arithmetic, no std:: distributions, no
// unordered containers.
// Thread safety: pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/scheduler/instance.hpp"

namespace coldsort::scheduler {

struct GeneratorSpec {
  std::string name = "xs";
  std::uint64_t seed = 1;

  // Sizes.
  int products = 4;           // order products, taken from a fixed popularity list
  int box_types = 3;          // first N of gift-4, gift-6, carton-5kg, carton-10kg, gift-8
  int outlets = 6;            // in all: product outlets plus reject / recirculation / bulk
  int stations = 8;
  int slots_per_station = 1;
  int workers = 14;           // in all: packers plus loaders, QC, forklift (no skills)
  int packers = 10;
  int cutoffs = 3;
  int couriers = 2;
  int skus = 6;               // (box type x product) combinations orders use
  int orders = 190;
  int horizon_min = 240;
  int period_min = 15;
  int first_cutoff_min = 120;  // the others are spread evenly up to the horizon

  // Shape of the day.
  double half_day_share = 0.3;        // packers on a half-day shift (village workers)
  double known_at_start_share = 0.75; // orders known before the day starts (overnight e-commerce)
  double fruit_ratio = 1.2;           // grader flow of order products / fruit the orders need
  double cancel_share = 0;            // orders cancelled during the day (hindsight)

  // Stress knobs; a share of 0 or a minute of -1 turns a knob off.
  double no_show_share = 0;  // of the packers on shift at `no_show_min`: gone from that minute
  int no_show_min = -1;
  double rush_share = 0;  // extra orders, as a share of those due at cut-off `rush_cutoff_index`
  int rush_cutoff_index = 1;
  int rush_arrival_min = -1;  // rush orders arrive within +-10 min of this
  int size_shift_min = -1;    // from this minute the actual fruit is one size class smaller
                              // than the forecast (which keeps the unshifted flow)
};

// "xs", "s", "m", "peak", "stress"; nullopt for other names.
std::optional<GeneratorSpec> generator_preset(std::string_view name);
// The preset names, smallest first.
std::vector<std::string> generator_preset_names();
// The committed file of a preset, relative to config/: "instances/huili-peak.json".
std::string preset_file_name(std::string_view preset);

// Throws std::invalid_argument when the spec's counts cannot make an instance (a programmer
// or command-line error, e.g. more packers than workers).
Instance generate_instance(const GeneratorSpec& spec);

// What an instance asks for and what it offers, day totals (hindsight: actual flow, absences,
// cancellations), for `coldsort instance check` and the generator's own tests.
struct InstanceSummary {
  int orders = 0;
  int orders_cancelled = 0;
  int parcels = 0;  // of orders not cancelled
  int packers = 0;  // workers with at least one skill
  int absent = 0;   // workers with an absent_from_min
  int station_places = 0;  // sum of station slots
  std::vector<int> cutoff_min;        // distinct cut-offs, ascending
  std::vector<int> parcels_by_cutoff;  // parcels due at each
  // Each packer's available hours (shift less breaks and absence) times their rate over the
  // box types they can pack, mixed as the demand mixes them.
  double labour_capacity_parcels = 0;
  double fruit_flow = 0;    // order products' fruit over the day (actual flow)
  double fruit_needed = 0;  // fruit the parcels take
  double min_product_ratio = 0;  // smallest flow / need over products with demand
  std::string tightest_product;
  bool forecast_differs = false;
};
InstanceSummary summarize_instance(const Instance& instance);

}  // namespace coldsort::scheduler
