#include "coldsort/core/config.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <map>
#include <set>

#include "cold_room_config.hpp"  // read_cold_rooms

namespace coldsort::core {
namespace {

namespace fs = std::filesystem;

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

// Records "duplicate id" under `path` when `id` was seen before.
void check_unique(std::set<std::string>& seen, const std::string& id, ObjectReader& r) {
  if (!id.empty() && !seen.insert(id).second) r.error("id", "duplicate id \"" + id + "\"");
}

template <class T>
std::vector<std::string> ids_of(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const T& item : items) out.push_back(item.id);
  return out;
}

// Checks every entry of `refs` (read from `key`) names one of `known`.
void check_refs(ObjectReader& r, std::string_view key, const std::vector<std::string>& refs,
                const std::vector<std::string>& known, std::string_view what) {
  for (std::size_t i = 0; i < refs.size(); ++i) {
    bool found = false;
    for (const std::string& k : known) found = found || k == refs[i];
    if (!found)
      r.errors().add(r.path_of(key) + "[" + std::to_string(i) + "]",
                     "unknown " + std::string(what) + " \"" + refs[i] + "\" (known: " +
                         join_names(known) + ")");
  }
}

void check_ref(ObjectReader& r, std::string_view key, const std::string& ref,
               const std::vector<std::string>& known, std::string_view what) {
  for (const std::string& k : known)
    if (k == ref) return;
  r.error(key, "unknown " + std::string(what) + " \"" + ref + "\" (known: " + join_names(known) +
                   ")");
}

void read_line(ObjectReader& root, Config& c) {
  auto r = root.child("line");
  if (!r) return;
  c.line.id = r->string("id");
  c.line.name = r->string("name", c.line.id);
  c.line.lanes = static_cast<int>(r->integer("lanes", 1, 16));
  c.line.cup_pitch_mm = r->number("cup_pitch_mm", 50, 1000, 254.0);
  c.line.belt_speed_cups_per_s = r->number("belt_speed_cups_per_s", 0.1, 30, 10.0);
  c.line.outlet_table_slots = static_cast<int>(r->integer("outlet_table_slots", 8, 1024, 64));
  c.line.decision_margin_cups = static_cast<int>(r->integer("decision_margin_cups", 1, 50, 2));
  c.line.watchdog_ms = static_cast<int>(r->integer("watchdog_ms", 100, 60000, 2000));
  c.line.heartbeat_period_ms = static_cast<int>(r->integer("heartbeat_period_ms", 10, 10000, 100));
  c.line.plc_heartbeat_timeout_ms =
      static_cast<int>(r->integer("plc_heartbeat_timeout_ms", 50, 60000, 1000));
  // At least two heartbeats must fit in the PLC's watchdog, or one late write trips it.
  if (c.line.heartbeat_period_ms * 2 > c.line.watchdog_ms)
    r->error("heartbeat_period_ms", "must be at most half of watchdog_ms (" +
                                        std::to_string(c.line.watchdog_ms) + ")");
  r->finish();
}

void read_lens(ObjectReader& camera, LensCalibration& lens) {
  auto r = camera.child("lens", false);
  if (!r) return;
  lens.present = true;
  lens.camera_matrix = r->numbers("camera_matrix");
  lens.distortion = r->numbers("distortion");
  lens.image_width_px = static_cast<int>(r->integer("image_width_px", 16, 65535));
  lens.image_height_px = static_cast<int>(r->integer("image_height_px", 16, 65535));
  lens.rms_error_px = r->number("rms_error_px", 0, 100, 0.0);
  r->finish();
  if (r->has("camera_matrix") && lens.camera_matrix.size() != 9)
    r->error("camera_matrix", "must hold 9 numbers (3x3, row major)");
  std::size_t n = lens.distortion.size();
  if (r->has("distortion") && n != 4 && n != 5 && n != 8 && n != 12 && n != 14)
    r->error("distortion", "must hold 4, 5, 8, 12 or 14 coefficients");
}

void read_weight_model(ObjectReader& camera, WeightModel& model) {
  auto r = camera.child("weight_model", false);
  if (!r) return;
  model.g_per_cm3 = r->number("g_per_cm3", 0.3, 2.0);
  model.offset_g = r->number("offset_g", -500, 500, 0.0);
  model.samples = static_cast<int>(r->integer("samples", 0, 1000000, 0));
  model.rms_error_g = r->number("rms_error_g", 0, 1000, 0.0);
  r->finish();
}

void read_camera(ObjectReader& root, Config& c, const std::string& base) {
  auto r = root.child("camera");
  if (!r) return;
  c.camera.source = r->choice("source", {"synthetic", "folder", "video", "aravis"}, "synthetic");
  c.camera.px_per_mm = r->number("px_per_mm", 0.2, 50, 2.0);
  c.camera.width_px = static_cast<int>(r->integer("width_px", 64, 8192, 320));
  c.camera.height_px = static_cast<int>(r->integer("height_px", 64, 8192, 280));
  c.camera.seed = static_cast<std::uint64_t>(r->integer("seed", 0, INT64_MAX, 1));
  c.camera.empty_cup_share = r->number("empty_cup_share", 0, 1, 0.05);
  c.camera.folder = resolve(base, r->string("folder", ""));
  c.camera.uri = r->string("uri", "");
  c.camera.views_per_fruit = static_cast<int>(r->integer("views_per_fruit", 1, 16, 1));
  c.camera.lanes_per_frame = static_cast<int>(r->integer("lanes_per_frame", 1, 16, 1));
  c.camera.frame_timeout_ms = static_cast<int>(r->integer("frame_timeout_ms", 10, 60000, 500));
  read_lens(*r, c.camera.lens);
  read_weight_model(*r, c.camera.weight);
  if (c.camera.source == "folder" && c.camera.folder.empty())
    r->error("folder", "required when source is \"folder\"");
  if (c.camera.source == "video" && c.camera.uri.empty())
    r->error("uri", "required when source is \"video\" (device index, file or URL)");
  r->finish();
}

void read_grading(ObjectReader& root, Config& c, const std::string& base) {
  auto r = root.child("grading");
  if (!r) return;
  std::string file = resolve(base, r->string("standard"));
  c.doubtful_to_reject = r->choice("doubtful", {"recirculate", "reject"}, "recirculate") == "reject";
  r->finish();
  if (file.empty()) return;
  ConfigErrors& errors = r->errors();
  std::size_t before = errors.list().size();
  auto standard = load_grading_standard(file, errors);
  if (standard) {
    c.grading = std::move(*standard);
  } else if (errors.list().size() == before) {
    r->error("standard", "could not load \"" + file + "\"");
  }
}

void read_products(ObjectReader& root, Config& c) {
  std::set<std::string> seen;
  std::vector<std::string> sizes;
  for (const SizeBand& b : c.grading.sizes) sizes.push_back(b.code);
  root.objects("products", true, [&](ObjectReader& r) {
    Product p;
    p.id = r.string("id");
    check_unique(seen, p.id, r);
    p.grade = parse_grade(r.choice("grade", {"extra", "class_i", "class_ii"})).value_or(
        Grade::class_ii);
    p.size_code = r.string("size_code");
    p.name = r.string("name", p.id);
    if (!p.size_code.empty() && !sizes.empty())
      check_ref(r, "size_code", p.size_code, sizes, "size code");
    r.finish();
    c.products.push_back(std::move(p));
  });
}

void read_stations(ObjectReader& root, Config& c) {
  std::set<std::string> seen;
  root.objects("stations", true, [&](ObjectReader& r) {
    Station s;
    s.id = r.string("id");
    check_unique(seen, s.id, r);
    s.box_types = r.strings("box_types");
    r.finish();
    c.stations.push_back(std::move(s));
  });
}

void read_outlets(ObjectReader& root, Config& c) {
  std::set<std::string> seen;
  std::set<std::int64_t> numbers;
  const auto products = ids_of(c.products);
  const auto stations = ids_of(c.stations);
  const int max_position = c.line.outlet_table_slots - c.line.decision_margin_cups;
  root.objects("outlets", true, [&](ObjectReader& r) {
    Outlet o;
    o.id = r.string("id");
    check_unique(seen, o.id, r);
    // Outlet numbers travel in one PLC register; 0 means "no ejection".
    o.number = static_cast<int>(r.integer("number", 1, 64));
    if (!numbers.insert(o.number).second)
      r.error("number", "duplicate outlet number " + std::to_string(o.number));
    std::string kind = r.choice("kind", {"product", "reject", "recirculation"}, "product");
    o.kind = kind == "reject"          ? OutletKind::reject
             : kind == "recirculation" ? OutletKind::recirculation
                                       : OutletKind::product;
    // The PLC holds decisions in a ring of outlet_table_slots cups: an outlet further away
    // than that would read a slot already overwritten by a later cup.
    o.position_cups = static_cast<int>(r.integer("position_cups", c.line.decision_margin_cups + 1,
                                                 std::max(max_position, 2)));
    o.products = r.strings("products", false);
    check_refs(r, "products", o.products, products, "product");
    if (o.kind != OutletKind::product && !o.products.empty())
      r.error("products", "only product outlets take allocated products");
    o.stations = r.strings("stations", false);
    check_refs(r, "stations", o.stations, stations, "station");
    o.devices = r.strings("devices", false);  // checked against the devices in check_line
    r.finish();
    c.outlets.push_back(std::move(o));
  });
  for (OutletKind kind : {OutletKind::reject, OutletKind::recirculation}) {
    int count = 0;
    for (const Outlet& o : c.outlets) count += o.kind == kind ? 1 : 0;
    if (count != 1 && root.has("outlets"))
      root.error("outlets", std::string("need exactly one ") +
                                (kind == OutletKind::reject ? "reject" : "recirculation") +
                                " outlet, found " + std::to_string(count));
  }
}

void read_lots(ObjectReader& root, Config& c) {
  std::set<std::string> seen;
  root.objects("lots", false, [&](ObjectReader& r) {
    Lot lot;
    lot.id = r.string("id");
    check_unique(seen, lot.id, r);
    lot.grower = r.string("grower");
    lot.variety = r.string("variety");
    lot.intake_kg = r.number("intake_kg", 0, 1e7, 0.0);
    r.finish();
    c.lots.push_back(std::move(lot));
  });
  if (root.has("current_lot") || !c.lots.empty()) {
    c.current_lot = root.string("current_lot");
    if (!c.current_lot.empty()) check_ref(root, "current_lot", c.current_lot, ids_of(c.lots), "lot");
  }
}

void read_links(ObjectReader& root, Config& c) {
  std::set<std::string> seen;
  root.objects("links", true, [&](ObjectReader& r) {
    LinkConfig l;
    l.id = r.string("id");
    check_unique(seen, l.id, r);
    l.type = r.choice("type", {"tcp", "rtu"}) == "rtu" ? LinkType::rtu : LinkType::tcp;
    if (l.type == LinkType::tcp) {
      l.host = r.string("host", "127.0.0.1");
      l.port = static_cast<int>(r.integer("port", 1, 65535));
    } else {
      l.serial_device = r.string("serial_device");
      // Baud rates a Modbus RTU line actually uses (Modbus over Serial Line v1.02 §2.5.1).
      l.baud = static_cast<int>(r.integer("baud", 1200, 115200, 9600));
      l.parity = r.choice("parity", {"N", "E", "O"}, "E")[0];
      l.data_bits = static_cast<int>(r.integer("data_bits", 7, 8, 8));
      l.stop_bits = static_cast<int>(r.integer("stop_bits", 1, 2, 1));
    }
    l.response_timeout_ms = static_cast<int>(r.integer("response_timeout_ms", 10, 10000, 200));
    l.reconnect_min_ms = static_cast<int>(r.integer("reconnect_min_ms", 10, 60000, 100));
    l.reconnect_max_ms = static_cast<int>(r.integer("reconnect_max_ms", 10, 600000, 5000));
    if (l.reconnect_max_ms < l.reconnect_min_ms)
      r.error("reconnect_max_ms", "must not be below reconnect_min_ms");
    r.finish();
    c.links.push_back(std::move(l));
  });
}

// Points each driver needs; a map without them cannot drive that kind of device.
const std::vector<std::string>& required_points(DeviceKind kind) {
  static const std::map<DeviceKind, std::vector<std::string>> required{
      {DeviceKind::sorter_plc,
       {"encoder_count", "cup_at_camera", "belt_speed_cups_per_s", "run_state", "plc_heartbeat",
        "pc_heartbeat", "run_command", "heartbeat_timeout_ms", "outlet_table", "ejections"}},
      // door_open is optional: not every controller publishes its door input (docs/devices.md).
      {DeviceKind::cold_room, {"air_temp_c", "setpoint_c", "defrost"}},
      {DeviceKind::vfd, {"run_command", "frequency_setpoint_hz", "frequency_hz"}},
      {DeviceKind::th_sensor, {"temp_c", "humidity_pct"}},
      {DeviceKind::scale, {"weight_g"}},
  };
  return required.at(kind);
}

DeviceKind parse_kind(const std::string& s) {
  if (s == "vfd") return DeviceKind::vfd;
  if (s == "cold_room") return DeviceKind::cold_room;
  if (s == "th_sensor") return DeviceKind::th_sensor;
  if (s == "scale") return DeviceKind::scale;
  return DeviceKind::sorter_plc;
}

void read_devices(ObjectReader& root, Config& c, const std::string& base) {
  std::set<std::string> seen;
  std::set<std::pair<std::string, int>> addresses;
  const auto links = ids_of(c.links);
  root.objects("devices", true, [&](ObjectReader& r) {
    DeviceConfig d;
    d.id = r.string("id");
    check_unique(seen, d.id, r);
    d.kind = parse_kind(r.choice("kind", {"sorter_plc", "vfd", "cold_room", "th_sensor", "scale"}));
    d.link = r.string("link");
    if (!d.link.empty()) check_ref(r, "link", d.link, links, "link");
    // Unit ids 1..247 address a device on a bus (Modbus over Serial Line v1.02 §2.2).
    d.unit_id = static_cast<int>(r.integer("unit_id", 1, 247));
    if (!addresses.emplace(d.link, d.unit_id).second)
      r.error("unit_id", "another device on link \"" + d.link + "\" already uses unit id " +
                             std::to_string(d.unit_id));
    d.poll_period_ms = static_cast<int>(r.integer("poll_period_ms", 5, 600000, 100));
    d.stale_after_ms = static_cast<int>(
        r.integer("stale_after_ms", d.poll_period_ms, 3600000, std::max(3 * d.poll_period_ms, 1000)));
    std::string file = resolve(base, r.string("register_map"));
    r.finish();
    if (file.empty()) return;
    std::size_t before = r.errors().list().size();
    if (auto map = load_register_map(file, r.errors())) {
      d.map = std::move(*map);
      for (const std::string& name : required_points(d.kind))
        if (d.map.find(name) == nullptr && !d.map.find_bit(name))
          r.error("register_map", "\"" + file + "\" lacks point \"" + name + "\" that a " +
                                      std::string(to_string(d.kind)) + " needs");
    } else if (r.errors().list().size() == before) {
      r.error("register_map", "could not load \"" + file + "\"");
    }
    c.devices.push_back(std::move(d));
  });
}

void read_services(ObjectReader& root, Config& c) {
  if (auto r = root.child("store", false)) {
    c.store.path = r->string("path", c.store.path);
    if (c.store.path.empty()) r->error("path", "must not be empty");
    c.store.batch_rows = static_cast<int>(r->integer("batch_rows", 1, 100000, 500));
    c.store.batch_ms = static_cast<int>(r->integer("batch_ms", 1, 60000, 250));
    c.store.max_pending = static_cast<int>(r->integer("max_pending", 1, 10000000, 500000));
    c.store.sensor_raw_days = static_cast<int>(r->integer("sensor_raw_days", 0, 3650, 7));
    r->finish();
  }
  if (auto r = root.child("hmi", false)) {
    c.hmi.bind = r->string("bind", c.hmi.bind);
    c.hmi.port = static_cast<int>(r->integer("port", 0, 65535, 8080));
    c.hmi.language = r->choice("language", {"zh-CN", "en"}, "zh-CN");
    c.hmi.push_period_ms = static_cast<int>(r->integer("push_period_ms", 100, 60000, 1000));
    r->finish();
  }
  if (auto r = root.child("simulator", false)) {
    c.simulator.link = r->string("link", c.simulator.link);
    c.simulator.ambient_c = r->number("ambient_c", -20, 50, 22.0);
    const LinkConfig* link = c.find_link(c.simulator.link);
    if (link == nullptr && !c.links.empty())
      r->error("link", "unknown link \"" + c.simulator.link + "\" (known: " +
                           join_names(ids_of(c.links)) + ")");
    else if (link != nullptr && link->type != LinkType::tcp)
      r->error("link", "the simulator serves Modbus TCP: link must be of type tcp");
    r->finish();
  }
}

// Cross-section checks that need several sections loaded.
void check_line(ObjectReader& root, Config& c) {
  const auto devices = ids_of(c.devices);
  for (std::size_t i = 0; i < c.outlets.size(); ++i)
    for (const std::string& d : c.outlets[i].devices)
      if (c.find_device(d) == nullptr)
        root.error("outlets[" + std::to_string(i) + "].devices",
                   "unknown device \"" + d + "\" (known: " + join_names(devices) + ")");
  const DeviceConfig* plc = c.first_device(DeviceKind::sorter_plc);
  if (plc == nullptr) {
    if (root.has("devices")) root.error("devices", "needs one device of kind sorter_plc");
    return;
  }
  const RegisterPoint* table = plc->map.find("outlet_table");
  const int needed = c.line.outlet_table_slots * c.line.lanes * 2;
  if (table != nullptr && table->count < needed)
    root.error("line.outlet_table_slots",
               "the sorter map's outlet_table holds " + std::to_string(table->count) +
                   " registers; " + std::to_string(c.line.outlet_table_slots) + " slots x " +
                   std::to_string(c.line.lanes) + " lanes x 2 need " + std::to_string(needed));
  const RegisterPoint* ejections = plc->map.find("ejections");
  int max_number = 0;
  for (const Outlet& o : c.outlets) max_number = std::max(max_number, o.number);
  if (ejections != nullptr && ejections->count < max_number)
    root.error("outlets", "outlet number " + std::to_string(max_number) +
                              " exceeds the sorter map's ejections count " +
                              std::to_string(ejections->count));
}

}  // namespace

const Product* Config::find_product(std::string_view id) const {
  for (const Product& p : products)
    if (p.id == id) return &p;
  return nullptr;
}
const Outlet* Config::find_outlet(std::string_view id) const {
  for (const Outlet& o : outlets)
    if (o.id == id) return &o;
  return nullptr;
}
const LinkConfig* Config::find_link(std::string_view id) const {
  for (const LinkConfig& l : links)
    if (l.id == id) return &l;
  return nullptr;
}
const DeviceConfig* Config::find_device(std::string_view id) const {
  for (const DeviceConfig& d : devices)
    if (d.id == id) return &d;
  return nullptr;
}
const DeviceConfig* Config::first_device(DeviceKind kind) const {
  for (const DeviceConfig& d : devices)
    if (d.kind == kind) return &d;
  return nullptr;
}
const Outlet& Config::outlet_of_kind(OutletKind kind) const {
  for (const Outlet& o : outlets)
    if (o.kind == kind) return o;
  throw std::logic_error("config has no outlet of the requested kind");
}

std::string_view to_string(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::sorter_plc: return "sorter_plc";
    case DeviceKind::vfd: return "vfd";
    case DeviceKind::cold_room: return "cold_room";
    case DeviceKind::th_sensor: return "th_sensor";
    case DeviceKind::scale: return "scale";
  }
  return "device";
}

LoadedConfig load_config_text(std::string_view text, const std::string& base_dir,
                              const std::string& name) {
  LoadedConfig out;
  auto doc = parse_json_text(text, name, out.errors);
  if (!doc) return out;
  ObjectReader root(*doc, "", out.errors);
  if (!root.valid()) return out;
  Config c;
  c.file = name;
  root.integer("schema_version", 1, 1);
  root.string("site", "");
  read_line(root, c);
  read_camera(root, c, base_dir);
  read_grading(root, c, base_dir);
  read_products(root, c);
  read_stations(root, c);
  read_outlets(root, c);
  read_lots(root, c);
  read_links(root, c);
  read_devices(root, c, base_dir);
  read_cold_rooms(root, c);
  read_services(root, c);
  read_scada_config(root, c.scada);
  check_line(root, c);
  root.finish();
  if (out.errors.empty()) out.config = std::move(c);
  return out;
}

LoadedConfig load_config(const std::string& file) {
  LoadedConfig out;
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    out.errors.add(file, "config file not found");
    return out;
  }
  ConfigErrors read_errors;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    out.errors.add(file, "cannot read config file");
    return out;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string base = fs::path(file).parent_path().string();
  return load_config_text(text, base.empty() ? "." : base, file);
}

}  // namespace coldsort::core
