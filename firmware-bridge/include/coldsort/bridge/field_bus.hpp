#pragma once
// The hardware seam: a Modbus master on one physical link (a TCP connection, or an RS-485
// bus shared by several unit ids). A LinkWorker owns one and runs it on its I/O thread.
// Thread safety: none. A FieldBus belongs to one I/O thread; libmodbus contexts are not
// thread-safe.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "coldsort/core/config.hpp"
#include "coldsort/core/error.hpp"
#include "coldsort/core/register_map.hpp"

namespace coldsort::bridge {

class FieldBus {
 public:
  virtual ~FieldBus() = default;

  // Opens the link. Errors: link_down (refused, no such port), timeout.
  virtual core::Result<void> connect() = 0;
  virtual void close() = 0;
  virtual bool is_connected() const = 0;

  // Reads `count` 16-bit registers (input or holding table) or bits (coil or discrete input,
  // one value 0/1 per element). Errors: timeout, link_down, crc_error, modbus_exception.
  virtual core::Result<std::vector<std::uint16_t>> read(int unit_id, core::RegisterTable table,
                                                        std::uint16_t address,
                                                        std::uint16_t count) = 0;
  // Writes holding registers (FC16) or coils (FC15).
  virtual core::Result<void> write(int unit_id, core::RegisterTable table, std::uint16_t address,
                                   std::span<const std::uint16_t> values) = 0;

  // The Modbus exception code of the last failed request when it was an exception answer
  // (1..11), else 0.
  virtual int last_exception_code() const { return 0; }
  // What went wrong last, in words, with the raw libmodbus text ("" before any failure).
  virtual std::string last_error_text() const { return {}; }
};

// The real implementation over libmodbus (TCP or RTU, from the link config). No I/O until
// connect().
std::unique_ptr<FieldBus> make_modbus_bus(const core::LinkConfig& link);

}  // namespace coldsort::bridge
