#include "sim_cold_room.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace coldsort::bridge::sim {
namespace {

// Thermal model, per second of simulated time. Figures are those of a small insulated
// fruit store (a few hundred m³, PU panels), chosen so the room behaves plausibly:
// - the room's air, racks and inner panel skins hold ~3 MJ/K (300 m³ of air alone is
//   ~0.36 MJ/K: 1.2 kg/m³ x 1.0 kJ/kg/K; the steel and crates add the rest);
constexpr double room_kj_per_k = 3000.0;
// - heat gain toward ambient with a time constant of 2 h (≈ 8 °C/h at 16 K difference);
constexpr double gain_time_constant_s = 2 * 3600.0;
// - an open door lets warm air in several times faster than the walls do;
constexpr double door_gain_factor = 4.0;
// - the compressor removes 12 °C/h (10 kW on 3 MJ/K), a net pull-down of ~4 °C/h near the
//   setpoint;
constexpr double compressor_c_per_s = 12.0 / 3600;
// - the thermostat switches at setpoint ± 0.8 °C, a common differential for fruit stores.
constexpr double hysteresis_c = 0.8;
// Fruit: specific heat of pomegranate above freezing ~3.6 kJ/kg/K (ASHRAE Handbook
// Refrigeration, "Thermal properties of foods"). Crated fruit in a room without forced-air
// cooling cools slowly: a time constant of 3 h (half-cooling ≈ 2 h) is assumed.
constexpr double fruit_kj_per_kg_k = 3.6;
constexpr double fruit_time_constant_s = 3 * 3600.0;
// Recording probe: a probe in a small buffer (as product-simulating record probes are), so it
// lags the air by ~5 min, and reads 0.2 °C high: within the ±0.5 °C an EN 12830 class 1
// recorder may err.
constexpr double record_time_constant_s = 300.0;
constexpr double record_offset_c = 0.2;
// Humidity: fruit stores are kept at 90-95 %RH so the fruit does not lose weight; with the
// door shut it drifts back in ~10 min, an open door pulls it toward the hall's ~70 %RH in
// ~2 min.
constexpr double humidity_closed_pct = 92.5;
constexpr double humidity_wobble_pct = 2.5;
constexpr double humidity_open_pct = 70.0;
constexpr double humidity_closed_tau_s = 600.0;
constexpr double humidity_open_tau_s = 120.0;
// Door: open 60 s every 20 min. Defrost: 20 min every 6 h, compressor off.
constexpr double door_period_s = 20 * 60.0;
constexpr double door_open_s = 60.0;
constexpr double defrost_period_s = 6 * 3600.0;
constexpr double defrost_s = 20 * 60.0;
// Sub-step of the integration, so a long step (tests jump hours) stays accurate.
constexpr double max_dt_s = 1.0;
constexpr double default_setpoint_c = 5.0;

}  // namespace

ColdRoomModel::ColdRoomModel(const core::DeviceConfig& device, const core::ColdRoom* room,
                             double ambient_c, int index, RegisterBank& bank,
                             core::SteadyTime start)
    : device_(device),
      min_c_(room ? room->min_c : default_setpoint_c - 2),
      max_c_(room ? room->max_c : default_setpoint_c + 3),
      ambient_c_(ambient_c),
      index_(index),
      start_(start),
      last_(start),
      air_c_(room ? room->setpoint_c : default_setpoint_c),
      evaporator_c_(air_c_),
      record_c_(air_c_),
      humidity_pct_(humidity_target_pct(0)) {
  if (const auto* p = device_.map.find("setpoint_c")) bank_set(bank, *p, air_c_);
  publish(0, bank);
}

void ColdRoomModel::add_fruit(double mass_kg, double temp_c) {
  if (!(mass_kg >= 0) || !(temp_c >= -40 && temp_c <= 60))
    throw std::invalid_argument("add_fruit: mass must be >= 0 kg and temperature -40..60 degC");
  if (mass_kg == 0) return;
  // One lump: the mix keeps the heat content of both.
  fruit_c_ = (fruit_kg_ * fruit_c_ + mass_kg * temp_c) / (fruit_kg_ + mass_kg);
  fruit_kg_ += mass_kg;
}

bool ColdRoomModel::door_open_at(double t_s) const {
  if (door_mode_ != DoorMode::schedule) return door_mode_ == DoorMode::held_open;
  // First opening 5 min after start, rooms staggered by 7 min.
  const double phase = std::fmod(t_s - 300.0 - 420.0 * index_ + 100 * door_period_s, door_period_s);
  return phase < door_open_s;
}

bool ColdRoomModel::defrost_at(double t_s) const {
  // First defrost 3 h after start, rooms staggered by 30 min.
  const double phase =
      std::fmod(t_s - 3 * 3600.0 - 1800.0 * index_ + 100 * defrost_period_s, defrost_period_s);
  return phase < defrost_s;
}

double ColdRoomModel::humidity_target_pct(double t_s) const {
  return humidity_closed_pct + humidity_wobble_pct * std::sin(2 * std::numbers::pi * t_s / 3600.0);
}

void ColdRoomModel::step(core::SteadyTime now, RegisterBank& bank) {
  if (now <= last_) return;
  const auto* setpoint_point = device_.map.find("setpoint_c");
  const double setpoint_c = setpoint_point ? bank_get(bank, *setpoint_point) : air_c_;
  double t_s = std::chrono::duration<double>(last_ - start_).count();
  const double end_s = std::chrono::duration<double>(now - start_).count();
  while (t_s < end_s) {
    const double dt_s = std::min(max_dt_s, end_s - t_s);
    integrate(t_s, dt_s, setpoint_c);
    t_s += dt_s;
  }
  last_ = now;
  publish(end_s, bank);
}

void ColdRoomModel::integrate(double t_s, double dt_s, double setpoint_c) {
  const bool defrost = defrost_at(t_s);
  const bool door = door_open_at(t_s);
  if (defrost || air_c_ < setpoint_c - hysteresis_c)
    compressor_on_ = false;
  else if (air_c_ > setpoint_c + hysteresis_c)
    compressor_on_ = true;
  const double gain =
      (ambient_c_ - air_c_) / gain_time_constant_s * (door ? door_gain_factor : 1.0);
  // Heat the fruit gives the air (kW), by Newton cooling with the assumed time constant.
  const double fruit_kj_per_k = fruit_kg_ * fruit_kj_per_kg_k;
  const double fruit_kw = fruit_kj_per_k / fruit_time_constant_s * (fruit_c_ - air_c_);
  if (fruit_kj_per_k > 0) fruit_c_ -= fruit_kw * dt_s / fruit_kj_per_k;
  air_c_ +=
      (gain - (compressor_on_ ? compressor_c_per_s : 0.0)) * dt_s + fruit_kw * dt_s / room_kj_per_k;
  // The evaporator coil runs ~8 K below the air while cooling and is heated to ~+10 °C during
  // defrost; it follows with a time constant of about 2 minutes.
  const double coil_target = compressor_on_ ? air_c_ - 8 : defrost ? 10.0 : air_c_;
  evaporator_c_ += (coil_target - evaporator_c_) * std::min(1.0, dt_s / 120.0);
  record_c_ += (air_c_ - record_c_) * std::min(1.0, dt_s / record_time_constant_s);
  const double rh_target = door ? humidity_open_pct : humidity_target_pct(t_s);
  const double rh_tau = door ? humidity_open_tau_s : humidity_closed_tau_s;
  humidity_pct_ += (rh_target - humidity_pct_) * std::min(1.0, dt_s / rh_tau);
}

void ColdRoomModel::publish(double t_s, RegisterBank& bank) const {
  auto set = [&](const char* name, double value) {
    if (const auto* p = device_.map.find(name)) bank_set(bank, *p, value);
  };
  set("air_temp_c", air_c_);
  set("evaporator_temp_c", evaporator_c_);
  set("record_temp_c", record_c_ + record_offset_c);
  set("defrost", defrost_at(t_s) ? 1 : 0);
  set("door_open", door_open_at(t_s) ? 1 : 0);
  set("compressor_on", compressor_on_ ? 1 : 0);
  // bit 0: above the room's compliance band, bit 1: below it.
  set("alarm_bits", (air_c_ > max_c_ ? 1 : 0) | (air_c_ < min_c_ ? 2 : 0));
  set("humidity_pct", humidity_pct_);
}

}  // namespace coldsort::bridge::sim
