#pragma once
// Typed driver for a weighing platform (a weighing indicator or transmitter, or the
// simulator's), over its register map (docs/devices.md). Interprets a DeviceValues and turns
// a tare request into PointWrites; does no I/O.
//
// Points by name. Required: `weight_g` (readable, in grams: put the indicator's division in
// the point's scale). Optional flags `stable` and `overload`: a point of that name (non-zero =
// yes) or a bit of that name in the map's `bits` table. Tare, optional: either a writable
// point `tare` (1 = tare, 0 = idle), or a writable point `command` with `commands` "tare"
// (and "idle", default 0).
// Thread safety: immutable after construction; safe to share between threads.
#include <cstdint>
#include <optional>

#include "coldsort/bridge/device_values.hpp"
#include "coldsort/bridge/sample.hpp"
#include "coldsort/core/config.hpp"
#include "coldsort/core/error.hpp"

namespace coldsort::bridge {

struct ScaleStatus {
  double weight_g = 0;
  std::optional<bool> stable;  // nullopt: the map has no such flag
  std::optional<bool> overload;
  Quality quality = Quality::stale;  // worst of the points used
};

class Scale {
 public:
  // `device` must outlive the driver. Throws std::invalid_argument naming the device, its map
  // file and the missing or unfit point (a config error, found at start-up).
  explicit Scale(const core::DeviceConfig& device);

  ScaleStatus status(const DeviceValues& values) const;

  bool can_tare() const { return tare_point_ != nullptr; }
  // Tare is an event, but the bridge holds states and writes only changes: hold tare(), and
  // once the bridge has written it, hold tare_idle(), so that the next tare() is a change
  // again. Errors: not_found when the map has no way to tare.
  core::Result<PointWrite> tare() const;
  core::Result<PointWrite> tare_idle() const;

 private:
  const core::DeviceConfig& device_;
  const core::RegisterPoint* tare_point_ = nullptr;
  std::uint16_t tare_word_ = 1;
  std::uint16_t idle_word_ = 0;
};

}  // namespace coldsort::bridge
