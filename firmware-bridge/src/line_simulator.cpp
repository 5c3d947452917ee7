#include "coldsort/bridge/line_simulator.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

#include "coldsort/bridge/point_codec.hpp"
#include "coldsort/core/log.hpp"
#include "sim_cold_room.hpp"
#include "sim_fault_book.hpp"
#include "sim_field_devices.hpp"
#include "sim_modbus_server.hpp"
#include "sim_register_bank.hpp"
#include "sim_rtu_server.hpp"
#include "sim_sorter.hpp"

namespace coldsort::bridge {
namespace {

// A point held at fixed words by a stuck-sensor or forced-value fault.
struct PointOverride {
  const core::RegisterPoint* point = nullptr;
  std::vector<std::uint16_t> words;
};

// One simulated device: its live registers, the model behind them and its point faults.
struct Unit {
  const core::DeviceConfig* device = nullptr;
  sim::RegisterBank bank;
  std::unique_ptr<sim::DeviceModel> model;
  sim::ColdRoomModel* cold_room = nullptr;  // model, when the device is a cold room
  sim::ScaleModel* scale = nullptr;         // model, when the device is a scale
  std::vector<PointOverride> overrides;

  void apply_overrides() {
    for (const PointOverride& o : overrides) sim::bank_put_words(bank, *o.point, o.words);
  }
};

const core::ColdRoom* room_of(const core::Config& config, const std::string& device_id) {
  for (const core::ColdRoom& room : config.cold_rooms)
    if (room.device == device_id) return &room;
  return nullptr;
}

// The words of `raw` (before scale, no range check) in the point's own type, repeated for
// every element. std::invalid_argument when it does not fit the type.
std::vector<std::uint16_t> raw_words(const core::RegisterPoint& point, double raw) {
  core::RegisterPoint bare = point;
  bare.scale = 1;
  bare.min.reset();
  bare.max.reset();
  std::vector<std::uint16_t> words(static_cast<std::size_t>(point.total_words()));
  for (int i = 0; i < point.count; ++i) {
    auto at =
        std::span<std::uint16_t>(words).subspan(static_cast<std::size_t>(element_offset(point, i)));
    if (!encode_value(bare, raw, at))
      throw std::invalid_argument("raw value does not fit point \"" + point.name + "\"");
  }
  return words;
}

}  // namespace

struct LineSimulator::Impl {
  Impl(const core::Config& c, const core::Clock& clk) : config(c), clock(clk) {}

  void add_units();
  std::unique_ptr<sim::DeviceModel> make_model(Unit& unit, int& cold_rooms, core::SteadyTime start);
  std::map<int, sim::RegisterBank*> banks() const;
  Unit& unit(int unit_id);                 // throws std::invalid_argument
  Unit& unit(std::string_view device_id);  // throws std::invalid_argument
  void add_point_fault(Unit& u, const SimFault& fault);

  const core::Config config;  // a copy: devices_ and models point into it
  const core::Clock& clock;
  std::mutex mutex;  // guards every Unit's bank, model and overrides, and `faults`
  std::vector<std::unique_ptr<Unit>> units;
  sim::FaultBook faults;
  sim::SorterModel* sorter = nullptr;  // the first sorter PLC on the link
  std::mutex lifecycle_mutex;          // guards the servers across start()/stop()
  std::unique_ptr<sim::ModbusTcpServer> server;
  std::unique_ptr<sim::ModbusRtuServer> rtu_server;
};

std::unique_ptr<sim::DeviceModel> LineSimulator::Impl::make_model(Unit& unit, int& cold_rooms,
                                                                  core::SteadyTime start) {
  const core::DeviceConfig& d = *unit.device;
  switch (d.kind) {
    case core::DeviceKind::sorter_plc: {
      auto model =
          std::make_unique<sim::SorterModel>(d, config.line, config.outlets, unit.bank, start);
      if (sorter == nullptr) sorter = model.get();
      return model;
    }
    case core::DeviceKind::cold_room: {
      auto model = std::make_unique<sim::ColdRoomModel>(
          d, room_of(config, d.id), config.simulator.ambient_c, cold_rooms++, unit.bank, start);
      unit.cold_room = model.get();
      return model;
    }
    case core::DeviceKind::vfd:
      return std::make_unique<sim::VfdModel>(d, unit.bank, start);
    case core::DeviceKind::th_sensor:
      return std::make_unique<sim::ThSensorModel>(d, unit.bank, start);
    case core::DeviceKind::scale: {
      auto model = std::make_unique<sim::ScaleModel>(d, unit.bank, start);
      unit.scale = model.get();
      return model;
    }
  }
  return nullptr;
}

void LineSimulator::Impl::add_units() {
  const core::SteadyTime start = clock.now();
  int cold_rooms = 0;
  for (const core::DeviceConfig& d : config.devices) {
    if (d.link != config.simulator.link) continue;
    auto unit = std::make_unique<Unit>();
    unit->device = &d;
    unit->bank = sim::make_bank(d.map);
    unit->model = make_model(*unit, cold_rooms, start);
    units.push_back(std::move(unit));
  }
}

std::map<int, sim::RegisterBank*> LineSimulator::Impl::banks() const {
  std::map<int, sim::RegisterBank*> by_unit;
  for (const auto& unit : units) by_unit[unit->device->unit_id] = &unit->bank;
  return by_unit;
}

Unit& LineSimulator::Impl::unit(int unit_id) {
  for (const auto& u : units)
    if (u->device->unit_id == unit_id) return *u;
  throw std::invalid_argument("the simulator has no unit " + std::to_string(unit_id));
}

Unit& LineSimulator::Impl::unit(std::string_view device_id) {
  for (const auto& u : units)
    if (u->device->id == device_id) return *u;
  throw std::invalid_argument("the simulator has no device \"" + std::string(device_id) + "\"");
}

void LineSimulator::Impl::add_point_fault(Unit& u, const SimFault& fault) {
  const core::RegisterPoint* point = u.device->map.find(fault.point);
  if (point == nullptr)
    throw std::invalid_argument("device \"" + u.device->id + "\" has no point \"" + fault.point +
                                "\"");
  auto words = fault.kind == SimFault::Kind::force_raw ? raw_words(*point, fault.raw)
                                                       : sim::bank_words(u.bank, *point);
  std::erase_if(u.overrides, [&](const PointOverride& o) { return o.point == point; });
  u.overrides.push_back({point, std::move(words)});
  u.apply_overrides();
}

LineSimulator::LineSimulator(const core::Config& config, const core::Clock& clock)
    : impl_(std::make_unique<Impl>(config, clock)) {
  impl_->add_units();
}

LineSimulator::~LineSimulator() { stop(); }

core::Result<int> LineSimulator::start(const std::string& host, int port) {
  std::lock_guard lifecycle(impl_->lifecycle_mutex);
  if (impl_->server) throw std::logic_error("LineSimulator::start: already serving");
  auto server = std::make_unique<sim::ModbusTcpServer>(impl_->mutex, impl_->banks(), impl_->faults);
  auto bound = server->start(host, port);
  if (!bound) return bound.error();
  impl_->server = std::move(server);
  core::log::debug("sim", "serving " + std::to_string(impl_->units.size()) + " Modbus devices on " +
                              host + ":" + std::to_string(*bound));
  return *bound;
}

core::Result<void> LineSimulator::start_rtu(const std::string& serial_device, int baud, char parity,
                                            int data_bits, int stop_bits) {
  std::lock_guard lifecycle(impl_->lifecycle_mutex);
  if (impl_->rtu_server) throw std::logic_error("LineSimulator::start_rtu: already serving");
  auto server = std::make_unique<sim::ModbusRtuServer>(impl_->mutex, impl_->banks(), impl_->faults);
  auto started = server->start(serial_device, baud, parity, data_bits, stop_bits);
  if (!started) return started.error();
  impl_->rtu_server = std::move(server);
  core::log::debug("sim", "serving " + std::to_string(impl_->units.size()) +
                              " Modbus RTU devices on " + serial_device);
  return {};
}

void LineSimulator::stop() {
  std::unique_ptr<sim::ModbusTcpServer> server;
  std::unique_ptr<sim::ModbusRtuServer> rtu_server;
  {
    std::lock_guard lifecycle(impl_->lifecycle_mutex);
    server = std::move(impl_->server);
    rtu_server = std::move(impl_->rtu_server);
  }
  if (server) server->stop();
  if (rtu_server) rtu_server->stop();
}

void LineSimulator::step(core::SteadyTime now) {
  std::lock_guard lock(impl_->mutex);
  for (const auto& unit : impl_->units) {
    if (unit->model) unit->model->step(now, unit->bank);
    unit->apply_overrides();
  }
}

std::uint64_t LineSimulator::cup_at_camera() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sorter ? impl_->sorter->cup_at_camera() : 0;
}

std::vector<Ejection> LineSimulator::take_ejections() {
  std::lock_guard lock(impl_->mutex);
  return impl_->sorter ? impl_->sorter->take_ejections() : std::vector<Ejection>{};
}

void LineSimulator::inject(int unit_id, const SimFault& fault) {
  std::lock_guard lock(impl_->mutex);
  Unit& u = impl_->unit(unit_id);
  switch (fault.kind) {
    case SimFault::Kind::stick_point:
    case SimFault::Kind::force_raw:
      impl_->add_point_fault(u, fault);
      return;
    case SimFault::Kind::device_fault:
      if (!u.model || !u.model->set_fault(fault.code))
        throw std::invalid_argument("device \"" + u.device->id +
                                    "\" has no fault of its own to inject (or code <= 0)");
      return;
    default:
      impl_->faults.add(unit_id, fault);
      return;
  }
}

void LineSimulator::clear_faults(int unit_id) {
  std::lock_guard lock(impl_->mutex);
  Unit& u = impl_->unit(unit_id);
  impl_->faults.clear(unit_id);
  u.overrides.clear();  // the model's own values show again from the next step()
}

void LineSimulator::set_door(std::string_view cold_room_device, DoorMode mode) {
  std::lock_guard lock(impl_->mutex);
  Unit& u = impl_->unit(cold_room_device);
  if (u.cold_room == nullptr)
    throw std::invalid_argument("\"" + std::string(cold_room_device) + "\" is not a cold room");
  u.cold_room->set_door_mode(mode);
}

void LineSimulator::add_fruit(std::string_view cold_room_device, double mass_kg, double temp_c) {
  std::lock_guard lock(impl_->mutex);
  Unit& u = impl_->unit(cold_room_device);
  if (u.cold_room == nullptr)
    throw std::invalid_argument("\"" + std::string(cold_room_device) + "\" is not a cold room");
  u.cold_room->add_fruit(mass_kg, temp_c);
}

void LineSimulator::set_scale_load(std::string_view scale_device, double load_g) {
  std::lock_guard lock(impl_->mutex);
  Unit& u = impl_->unit(scale_device);
  if (u.scale == nullptr)
    throw std::invalid_argument("\"" + std::string(scale_device) + "\" is not a scale");
  u.scale->set_load(load_g);
}

}  // namespace coldsort::bridge
