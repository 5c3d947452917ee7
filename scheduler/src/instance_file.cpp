// Reading and writing planning instances (JSON), with the same path-naming errors as config.
#include <boost/json.hpp>

#include <set>

#include "coldsort/scheduler/instance.hpp"

namespace coldsort::scheduler {
namespace {

using core::ObjectReader;

// A window is [start_min, end_min], within the day and not empty.
Window read_window(ObjectReader& r, std::string_view key, int horizon_min) {
  std::vector<double> v = r.numbers(key);
  if (v.size() != 2) {
    if (r.has(key)) r.error(key, "expected [start_min, end_min]");
    return {};
  }
  Window w{static_cast<int>(v[0]), static_cast<int>(v[1])};
  if (w.start_min < 0 || w.end_min > horizon_min || w.start_min >= w.end_min)
    r.error(key, "must satisfy 0 <= start < end <= horizon_min (" + std::to_string(horizon_min) + ")");
  return w;
}

template <class T>
void check_unique_ids(ObjectReader& root, std::string_view key, const std::vector<T>& items) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i)
    if (!seen.insert(items[i].id).second)
      root.error(std::string(key) + "[" + std::to_string(i) + "].id", "duplicate id \"" + items[i].id + "\"");
}

template <class T>
bool known(const std::vector<T>& items, const std::string& id) {
  for (const T& item : items)
    if (item.id == id) return true;
  return false;
}

void read_catalogue(ObjectReader& root, Instance& in) {
  root.objects("box_types", true, [&](ObjectReader& r) {
    BoxType b;
    b.id = r.string("id");
    b.fruit_per_box = static_cast<int>(r.integer("fruit_per_box", 1, 200));
    b.nominal_kg = r.number("nominal_kg", 0.1, 100);
    r.finish();
    in.box_types.push_back(std::move(b));
  });
  root.objects("products", true, [&](ObjectReader& r) {
    PlanProduct p;
    p.id = r.string("id");
    const std::string grade = r.string("grade");
    if (auto g = core::parse_grade(grade)) p.grade = *g;
    else r.error("grade", "unknown grade \"" + grade + "\" (extra, class_i, class_ii)");
    p.size_code = r.string("size_code");
    r.finish();
    in.products.push_back(std::move(p));
  });
}

void read_floor(ObjectReader& root, Instance& in) {
  root.objects("stations", true, [&](ObjectReader& r) {
    PlanStation s;
    s.id = r.string("id");
    s.box_types = r.strings("box_types");
    for (const auto& b : s.box_types)
      if (!known(in.box_types, b)) r.error("box_types", "unknown box type \"" + b + "\"");
    r.objects("down", false, [&](ObjectReader& w) {
      s.down.push_back(read_window(w, "window", in.horizon_min));
      w.finish();
    });
    s.slots = static_cast<int>(r.integer("slots", 1, 8, 1));
    r.finish();
    in.stations.push_back(std::move(s));
  });
  root.objects("outlets", true, [&](ObjectReader& r) {
    PlanOutlet o;
    o.id = r.string("id");
    const std::string kind = r.choice("kind", {"product", "reject", "recirculation", "bulk"}, "product");
    o.bulk = kind == "bulk";
    o.kind = kind == "reject" ? core::OutletKind::reject
             : kind == "product" ? core::OutletKind::product
                                 : core::OutletKind::recirculation;
    o.stations = r.strings("stations", false);
    for (const auto& s : o.stations)
      if (!known(in.stations, s)) r.error("stations", "unknown station \"" + s + "\"");
    o.buffer_fruit = static_cast<int>(r.integer("buffer_fruit", 0, 100000, 200));
    r.finish();
    in.outlets.push_back(std::move(o));
  });
}

std::vector<ProductFlow> read_flows(ObjectReader& root, std::string_view key, bool required, const Instance& in) {
  std::vector<ProductFlow> flows;
  root.objects(key, required, [&](ObjectReader& r) {
    ProductFlow f;
    f.product = r.string("product");
    if (!known(in.products, f.product)) r.error("product", "unknown product \"" + f.product + "\"");
    f.fruit_per_s = r.numbers("fruit_per_s");
    for (double v : f.fruit_per_s)
      if (v < 0 || v > 200) r.error("fruit_per_s", "values must lie in 0..200 fruit/s");
    if (static_cast<int>(f.fruit_per_s.size()) != in.periods())
      r.error("fruit_per_s", "needs one value per period: " + std::to_string(in.periods()));
    r.finish();
    flows.push_back(std::move(f));
  });
  return flows;
}

void read_people(ObjectReader& root, Instance& in) {
  root.objects("workers", true, [&](ObjectReader& r) {
    PlanWorker w;
    w.id = r.string("id");
    r.objects("skills", true, [&](ObjectReader& s) {
      SkillRate k;
      k.box_type = s.string("box_type");
      if (!known(in.box_types, k.box_type)) s.error("box_type", "unknown box type \"" + k.box_type + "\"");
      // A hand packer's gift box takes minutes, not seconds: 120/h would be one in 30 s.
      k.parcels_per_h = s.number("parcels_per_h", 0.1, 120);
      s.finish();
      w.skills.push_back(std::move(k));
    });
    w.shift = read_window(r, "shift", in.horizon_min);
    r.objects("breaks", false, [&](ObjectReader& b) {
      w.breaks.push_back(read_window(b, "window", in.horizon_min));
      b.finish();
    });
    w.checked_in = r.boolean("checked_in", true);
    w.absent_from_min = static_cast<int>(r.integer("absent_from_min", -1, in.horizon_min, -1));
    r.finish();
    in.workers.push_back(std::move(w));
  });
}

void read_demand(ObjectReader& root, Instance& in) {
  root.objects("orders", true, [&](ObjectReader& r) {
    PlanOrder o;
    o.id = r.string("id");
    o.product = r.string("product");
    if (!known(in.products, o.product)) r.error("product", "unknown product \"" + o.product + "\"");
    o.box_type = r.string("box_type");
    if (!known(in.box_types, o.box_type)) r.error("box_type", "unknown box type \"" + o.box_type + "\"");
    o.boxes = static_cast<int>(r.integer("boxes", 1, 10000, 1));
    o.courier = r.string("courier");
    o.cutoff_min = static_cast<int>(r.integer("cutoff_min", 0, in.horizon_min));
    o.arrival_min = static_cast<int>(r.integer("arrival_min", 0, in.horizon_min, 0));
    if (o.arrival_min > o.cutoff_min) r.error("arrival_min", "after the order's cut-off");
    o.priority = static_cast<int>(r.integer("priority", 0, 9, 0));
    o.cancelled_min = static_cast<int>(r.integer("cancelled_min", -1, in.horizon_min, -1));
    r.finish();
    in.orders.push_back(std::move(o));
  });
  in.flow = read_flows(root, "flow", true, in);
  in.forecast = read_flows(root, "forecast", false, in);
  root.objects("lots", false, [&](ObjectReader& r) {
    Lot lot;
    lot.id = r.string("id");
    lot.grower = r.string("grower", "");
    lot.start_min = static_cast<int>(r.integer("start_min", 0, in.horizon_min));
    lot.fruit = static_cast<int>(r.integer("fruit", 1, 10'000'000));
    r.objects("mix", true, [&](ObjectReader& m) {
      LotShare share{m.string("product"), m.number("share", 0, 1)};
      if (!known(in.products, share.product)) m.error("product", "unknown product \"" + share.product + "\"");
      m.finish();
      lot.mix.push_back(std::move(share));
    });
    r.finish();
    in.lots.push_back(std::move(lot));
  });
}

void read_pins(ObjectReader& root, Instance& in) {
  root.objects("pins", false, [&](ObjectReader& r) {
    Pin pin;
    const std::string kind = r.choice("kind", {"worker", "outlet"});
    pin.kind = kind == "outlet" ? Pin::Kind::outlet_product : Pin::Kind::worker_station;
    pin.subject = r.string("subject");
    pin.target = r.string("target");
    const bool subject_known = kind == "outlet" ? known(in.outlets, pin.subject) : known(in.workers, pin.subject);
    const bool target_known = kind == "outlet" ? known(in.products, pin.target) : known(in.stations, pin.target);
    if (!subject_known) r.error("subject", "unknown " + kind + " \"" + pin.subject + "\"");
    if (!target_known) r.error("target", "unknown " + std::string(kind == "outlet" ? "product" : "station") +
                                             " \"" + pin.target + "\"");
    pin.window = read_window(r, "window", in.horizon_min);
    r.finish();
    in.pins.push_back(std::move(pin));
  });
}

void read_weights(ObjectReader& root, Instance& in) {
  auto r = root.child("weights", false);
  if (!r) return;
  in.weights.late_parcel = r->number("late_parcel", 0, 1e9, in.weights.late_parcel);
  in.weights.parcels_per_h = r->number("parcels_per_h", 0, 1e9, in.weights.parcels_per_h);
  in.weights.fairness = r->number("fairness", 0, 1e9, in.weights.fairness);
  in.weights.change = r->number("change", 0, 1e9, in.weights.change);
  in.weights.overflow_min = r->number("overflow_min", 0, 1e9, in.weights.overflow_min);
  r->finish();
}

}  // namespace

LoadedInstance load_instance_text(std::string_view text, const std::string& name) {
  LoadedInstance out;
  auto doc = core::parse_json_text(text, name, out.errors);
  if (!doc) return out;
  ObjectReader root(*doc, name, out.errors);
  if (!root.valid()) return out;
  Instance in;
  root.integer("schema_version", 1, 1);
  in.name = root.string("name");
  in.notes = root.string("notes", "");
  in.day_start = root.string("day_start", "07:00");
  in.horizon_min = static_cast<int>(root.integer("horizon_min", 60, 24 * 60));
  in.period_min = static_cast<int>(root.integer("period_min", 5, 120, 15));
  in.cold_limit_min = static_cast<int>(root.integer("cold_limit_min", 1, 24 * 60, 30));
  read_catalogue(root, in);
  read_floor(root, in);
  read_people(root, in);
  read_demand(root, in);
  read_weights(root, in);
  read_pins(root, in);
  root.finish();
  check_unique_ids(root, "box_types", in.box_types);
  check_unique_ids(root, "products", in.products);
  check_unique_ids(root, "stations", in.stations);
  check_unique_ids(root, "outlets", in.outlets);
  check_unique_ids(root, "workers", in.workers);
  check_unique_ids(root, "orders", in.orders);
  if (out.errors.empty()) out.instance = std::move(in);
  return out;
}

namespace {

boost::json::array window_json(const Window& w) { return {w.start_min, w.end_min}; }

boost::json::object floor_json(const Instance& in) {
  namespace json = boost::json;
  json::array stations, outlets;
  for (const PlanStation& s : in.stations) {
    json::array down;
    for (const Window& w : s.down) down.push_back(json::object{{"window", window_json(w)}});
    stations.push_back(json::object{{"id", s.id}, {"box_types", json::value_from(s.box_types)}, {"down", down},
                                    {"slots", s.slots}});
  }
  for (const PlanOutlet& o : in.outlets)
    outlets.push_back(json::object{{"id", o.id}, {"kind", o.bulk ? std::string_view("bulk") : core::to_string(o.kind)},
                                   {"stations", json::value_from(o.stations)},
                                   {"buffer_fruit", o.buffer_fruit}});
  return {{"stations", stations}, {"outlets", outlets}};
}

boost::json::array flows_json(const std::vector<ProductFlow>& flows) {
  boost::json::array out;
  for (const ProductFlow& f : flows)
    out.push_back(boost::json::object{{"product", f.product}, {"fruit_per_s", boost::json::value_from(f.fruit_per_s)}});
  return out;
}

boost::json::array lots_json(const std::vector<Lot>& lots) {
  boost::json::array out;
  for (const Lot& lot : lots) {
    boost::json::array mix;
    for (const LotShare& m : lot.mix) mix.push_back(boost::json::object{{"product", m.product}, {"share", m.share}});
    out.push_back(boost::json::object{{"id", lot.id}, {"grower", lot.grower}, {"start_min", lot.start_min},
                                      {"fruit", lot.fruit}, {"mix", mix}});
  }
  return out;
}

boost::json::array pins_json(const std::vector<Pin>& pins) {
  boost::json::array out;
  for (const Pin& p : pins)
    out.push_back(boost::json::object{{"kind", p.kind == Pin::Kind::outlet_product ? "outlet" : "worker"},
                                      {"subject", p.subject}, {"target", p.target},
                                      {"window", window_json(p.window)}});
  return out;
}

}  // namespace

std::string save_instance(const Instance& in) {
  namespace json = boost::json;
  json::object doc{{"schema_version", 1}, {"name", in.name}, {"notes", in.notes},
                   {"day_start", in.day_start}, {"horizon_min", in.horizon_min},
                   {"period_min", in.period_min}, {"cold_limit_min", in.cold_limit_min}};
  json::array boxes, products, workers, orders;
  for (const BoxType& b : in.box_types)
    boxes.push_back(json::object{{"id", b.id}, {"fruit_per_box", b.fruit_per_box}, {"nominal_kg", b.nominal_kg}});
  for (const PlanProduct& p : in.products)
    products.push_back(json::object{{"id", p.id}, {"grade", core::to_string(p.grade)}, {"size_code", p.size_code}});
  for (const PlanWorker& w : in.workers) {
    json::array skills, breaks;
    for (const SkillRate& s : w.skills)
      skills.push_back(json::object{{"box_type", s.box_type}, {"parcels_per_h", s.parcels_per_h}});
    for (const Window& b : w.breaks) breaks.push_back(json::object{{"window", window_json(b)}});
    workers.push_back(json::object{{"id", w.id}, {"skills", skills}, {"shift", window_json(w.shift)},
                                   {"breaks", breaks}, {"checked_in", w.checked_in},
                                   {"absent_from_min", w.absent_from_min}});
  }
  for (const PlanOrder& o : in.orders)
    orders.push_back(json::object{{"id", o.id}, {"product", o.product}, {"box_type", o.box_type},
                                  {"boxes", o.boxes}, {"courier", o.courier}, {"cutoff_min", o.cutoff_min},
                                  {"arrival_min", o.arrival_min}, {"priority", o.priority},
                                  {"cancelled_min", o.cancelled_min}});
  doc["box_types"] = boxes;
  doc["products"] = products;
  for (auto& [key, value] : floor_json(in)) doc[key] = value;
  doc["workers"] = workers;
  doc["orders"] = orders;
  doc["flow"] = flows_json(in.flow);
  if (!in.forecast.empty()) doc["forecast"] = flows_json(in.forecast);
  doc["lots"] = lots_json(in.lots);
  doc["pins"] = pins_json(in.pins);
  doc["weights"] = json::object{{"late_parcel", in.weights.late_parcel},
                                {"parcels_per_h", in.weights.parcels_per_h},
                                {"fairness", in.weights.fairness}, {"change", in.weights.change},
                                {"overflow_min", in.weights.overflow_min}};
  return json::serialize(doc);
}

LoadedInstance load_instance(const std::string& file) {
  LoadedInstance out;
  auto doc = core::parse_json_file(file, out.errors);
  if (!doc) return out;
  return load_instance_text(boost::json::serialize(*doc), file);
}

}  // namespace coldsort::scheduler
