#include "coldsort/bridge/line_simulator.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

#include "coldsort/core/log.hpp"
#include "sim_cold_room.hpp"
#include "sim_field_devices.hpp"
#include "sim_modbus_server.hpp"
#include "sim_register_bank.hpp"
#include "sim_sorter.hpp"

namespace coldsort::bridge {
namespace {

// One simulated device: its live registers and the model behind them.
struct Unit {
  const core::DeviceConfig* device = nullptr;
  sim::RegisterBank bank;
  std::unique_ptr<sim::DeviceModel> model;  // null: registers only (e.g. a scale)
};

const core::ColdRoom* room_of(const core::Config& config, const std::string& device_id) {
  for (const core::ColdRoom& room : config.cold_rooms)
    if (room.device == device_id) return &room;
  return nullptr;
}

}  // namespace

struct LineSimulator::Impl {
  Impl(const core::Config& c, const core::Clock& clk) : config(c), clock(clk) {}

  void add_units();

  const core::Config config;  // a copy: devices_ and models point into it
  const core::Clock& clock;
  std::mutex mutex;  // guards every Unit's bank and model
  std::vector<std::unique_ptr<Unit>> units;
  sim::SorterModel* sorter = nullptr;  // the first sorter PLC on the link
  std::mutex lifecycle_mutex;          // guards server across start()/stop()
  std::unique_ptr<sim::ModbusTcpServer> server;
};

void LineSimulator::Impl::add_units() {
  const core::SteadyTime start = clock.now();
  int cold_rooms = 0;
  for (const core::DeviceConfig& d : config.devices) {
    if (d.link != config.simulator.link) continue;
    auto unit = std::make_unique<Unit>();
    unit->device = &d;
    unit->bank = sim::make_bank(d.map);
    switch (d.kind) {
      case core::DeviceKind::sorter_plc: {
        auto model =
            std::make_unique<sim::SorterModel>(d, config.line, config.outlets, unit->bank, start);
        if (sorter == nullptr) sorter = model.get();
        unit->model = std::move(model);
        break;
      }
      case core::DeviceKind::cold_room:
        unit->model = std::make_unique<sim::ColdRoomModel>(
            d, room_of(config, d.id), config.simulator.ambient_c, cold_rooms++, unit->bank, start);
        break;
      case core::DeviceKind::vfd:
        unit->model = std::make_unique<sim::VfdModel>(d, unit->bank, start);
        break;
      case core::DeviceKind::th_sensor:
        unit->model = std::make_unique<sim::ThSensorModel>(d, unit->bank, start);
        break;
      case core::DeviceKind::scale:
        break;
    }
    units.push_back(std::move(unit));
  }
}

LineSimulator::LineSimulator(const core::Config& config, const core::Clock& clock)
    : impl_(std::make_unique<Impl>(config, clock)) {
  impl_->add_units();
}

LineSimulator::~LineSimulator() { stop(); }

core::Result<int> LineSimulator::start(const std::string& host, int port) {
  std::lock_guard lifecycle(impl_->lifecycle_mutex);
  if (impl_->server) throw std::logic_error("LineSimulator::start: already serving");
  std::map<int, sim::RegisterBank*> by_unit;
  for (const auto& unit : impl_->units) by_unit[unit->device->unit_id] = &unit->bank;
  auto server = std::make_unique<sim::ModbusTcpServer>(impl_->mutex, std::move(by_unit));
  auto bound = server->start(host, port);
  if (!bound) return bound.error();
  impl_->server = std::move(server);
  core::log::debug("sim", "serving " + std::to_string(impl_->units.size()) + " Modbus devices on " +
                              host + ":" + std::to_string(*bound));
  return *bound;
}

void LineSimulator::stop() {
  std::unique_ptr<sim::ModbusTcpServer> server;
  {
    std::lock_guard lifecycle(impl_->lifecycle_mutex);
    server = std::move(impl_->server);
  }
  if (server) server->stop();
}

void LineSimulator::step(core::SteadyTime now) {
  std::lock_guard lock(impl_->mutex);
  for (const auto& unit : impl_->units)
    if (unit->model) unit->model->step(now, unit->bank);
}

std::uint64_t LineSimulator::cup_at_camera() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sorter ? impl_->sorter->cup_at_camera() : 0;
}

std::vector<Ejection> LineSimulator::take_ejections() {
  std::lock_guard lock(impl_->mutex);
  return impl_->sorter ? impl_->sorter->take_ejections() : std::vector<Ejection>{};
}

}  // namespace coldsort::bridge
