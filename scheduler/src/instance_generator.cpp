// generate_instance: the pieces in order (catalogue, demand, floor, crew, supply), then the
// stress knobs, then the notes that say where every number comes from.
#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "instance_generator_parts.hpp"

namespace coldsort::scheduler {
namespace {

void check_spec(const GeneratorSpec& s) {
  auto require = [](bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("generator: ") + what);
  };
  require(s.products >= 1 && s.products <= 20, "products must be 1..20");
  require(s.box_types >= 1 && s.box_types <= 5, "box_types must be 1..5");
  require(s.stations >= 2 && s.stations <= 99, "stations must be 2..99");
  require(s.outlets >= 2 && s.outlets <= 99, "outlets must be 2..99");
  require(s.slots_per_station >= 1 && s.slots_per_station <= 8, "slots_per_station must be 1..8");
  require(s.workers >= 1 && s.workers <= 999, "workers must be 1..999");
  require(s.couriers >= 1 && s.couriers <= 5, "couriers must be 1..5");
  require(s.cutoffs >= 1 && s.cutoffs <= 24, "cutoffs must be 1..24");
  require(s.skus >= s.products, "every product needs a SKU: skus >= products");
  require(s.orders >= 1 && s.orders <= 99999, "orders must be 1..99999");
  require(s.horizon_min >= 60 && s.horizon_min <= 24 * 60, "horizon_min must be 60..1440");
  require(s.period_min >= 5 && s.period_min <= 120, "period_min must be 5..120");
  require(s.first_cutoff_min >= 60 && s.first_cutoff_min <= s.horizon_min, "first cut-off must be 60..horizon");
  require(s.fruit_ratio >= 0.5 && s.fruit_ratio <= 3, "fruit_ratio must be 0.5..3");
}

}  // namespace

Instance generate_instance(const GeneratorSpec& spec) {
  check_spec(spec);
  gen::Draft draft;
  Instance& in = draft.instance;
  in.name = spec.name;
  in.day_start = "07:00";
  in.horizon_min = spec.horizon_min;
  in.period_min = spec.period_min;
  in.cold_limit_min = 30;  // house rule: picked fruit back in the cold within 30 min
  gen::build_catalogue(spec, draft);
  gen::build_orders(spec, draft);
  gen::build_floor(spec, draft);
  gen::build_workers(spec, draft);
  gen::build_supply(spec, draft);
  gen::apply_no_shows(spec, draft);
  gen::apply_rush(spec, draft);
  gen::apply_size_shift(spec, draft);
  in.notes = gen::describe_sources(spec, draft);
  return in;
}

namespace gen {

std::string describe_sources(const GeneratorSpec& spec, const Draft& draft) {
  const Instance& in = draft.instance;
  const InstanceSummary sum = summarize_instance(in);
  std::ostringstream out;
  out.precision(3);
  out << "Generated: coldsort instance generate --preset NAME --seed " << spec.seed
      << " (scheduler/src/instance_generator*.cpp); every number and its source: config/instances/README.md. "
      << "Day " << in.day_start << " + " << in.horizon_min << " min in " << in.period_min << "-min periods. "
      << "Products: Codex CXS 310-2013 2.2 classes x house size codes A..G (50 g bands, A 550 g+ .. G 250-299 g). "
      << "Packing rates of a median packer: gift-4/6/8 24/20/15 parcels/h (2.5-4 min a gift box: the planning "
      << "issue); carton-5kg (12 fruit) 28/h, carton-10kg (24 fruit) 24/h (house estimate); each packer "
      << "0.75-1.25x (assumed). Shifts full day or village half days, two 15-min breaks and a 30/45-min lunch "
      << "in 4 staggered waves (assumed). Orders: 87 % one parcel (house estimate), " << spec.known_at_start_share * 100
      << " % known at day start, the rest at least 60-90 min before the cut-off; cut-offs";
  for (const Cutoff& c : draft.cutoffs) out << " " << c.courier << " " << clock_text(in, c.minute);
  out << " (assumed pick-ups). Fruit: lots of one grower each at the line's rate, 85 % order products (house "
      << "estimate), each product's day total 1.1-1.3x its orders' fruit. Outlet buffers 150-400 fruit (house "
      << "estimate); cold limit 30 min (house rule). This day: " << sum.parcels << " parcels, labour "
      << static_cast<int>(sum.labour_capacity_parcels) << " parcels (" << sum.parcels / std::max(1.0, sum.labour_capacity_parcels) * 100
      << " % load), fruit flow / need " << sum.fruit_flow / std::max(1.0, sum.fruit_needed) << ".";
  if (spec.no_show_share > 0 && spec.no_show_min >= 0)
    out << " Stress: " << sum.absent << " packers absent from " << clock_text(in, spec.no_show_min);
  if (spec.rush_share > 0 && spec.rush_arrival_min >= 0)
    out << "; +" << spec.rush_share * 100 << " % rush orders at the cut-off "
        << clock_text(in, draft.cutoffs[static_cast<std::size_t>(spec.rush_cutoff_index)].minute) << " arriving ~"
        << clock_text(in, spec.rush_arrival_min);
  if (spec.size_shift_min > 0)
    out << "; from " << clock_text(in, spec.size_shift_min)
        << " the fruit is one size class smaller than the forecast (the issue's stress day).";
  return out.str();
}

}  // namespace gen
}  // namespace coldsort::scheduler
