#pragma once
// What the line simulator steps: the behaviour behind one simulated device's registers.
// Thread safety: none; LineSimulator calls every member with its mutex held, so a model
// must not call out (no logging, no callbacks, no I/O).
#include "coldsort/core/clock.hpp"
#include "sim_register_bank.hpp"

namespace coldsort::bridge::sim {

class DeviceModel {
 public:
  virtual ~DeviceModel() = default;
  // Advances the model from the previous step to `now` (a no-op if time did not move),
  // reading commands from and publishing state to `bank`.
  virtual void step(core::SteadyTime now, RegisterBank& bank) = 0;
  // Trips the device's own fault with vendor code `code` (> 0). False when the device has
  // no fault model.
  virtual bool set_fault(int code) {
    (void)code;
    return false;
  }
};

}  // namespace coldsort::bridge::sim
