#include <modbus/modbus.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <string>

#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/bridge/modbus_errors.hpp"
#include "coldsort/core/log.hpp"

namespace coldsort::bridge {
namespace {

using core::errc;
using core::RegisterTable;

// Request size limits, Modbus Application Protocol v1.1b3: FC01/02 read 2000 bits (§6.1,
// 6.2), FC03/04 read 125 registers (§6.3, 6.4), FC15 writes 1968 coils (§6.11), FC16 writes
// 123 registers (§6.12). libmodbus enforces the same numbers (MODBUS_MAX_*).
constexpr int max_read(RegisterTable table) {
  return table == RegisterTable::coil || table == RegisterTable::discrete_input
             ? MODBUS_MAX_READ_BITS
             : MODBUS_MAX_READ_REGISTERS;
}
constexpr int max_write(RegisterTable table) {
  return table == RegisterTable::coil ? MODBUS_MAX_WRITE_BITS : MODBUS_MAX_WRITE_REGISTERS;
}

void check_range(std::uint16_t address, std::size_t count) {
  if (address + count > 65536) throw std::out_of_range("Modbus request runs past address 65535");
}

// A Modbus master over libmodbus, TCP or RTU. The context exists between a successful
// connect() and close(); a link error closes it, so the caller's reconnect logic sees
// is_connected() == false. Error recovery stays off: on 3.1.6 it can retry forever.
// Thread safety: none (one I/O thread owns it; libmodbus contexts are not thread-safe).
class ModbusFieldBus final : public FieldBus {
 public:
  explicit ModbusFieldBus(core::LinkConfig link) : link_(std::move(link)) {}
  ~ModbusFieldBus() override { close(); }
  ModbusFieldBus(const ModbusFieldBus&) = delete;
  ModbusFieldBus& operator=(const ModbusFieldBus&) = delete;

  core::Result<void> connect() override {
    close();
    modbus_t* ctx = link_.type == core::LinkType::tcp
                        ? modbus_new_tcp(link_.host.c_str(), link_.port)
                        : modbus_new_rtu(link_.serial_device.c_str(), link_.baud, link_.parity,
                                         link_.data_bits, link_.stop_bits);
    if (ctx == nullptr) return errc::link_down;
    modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
    const auto ms = static_cast<std::uint32_t>(link_.response_timeout_ms);
    modbus_set_response_timeout(ctx, ms / 1000, (ms % 1000) * 1000);
    // A frame that stalls half-way is as dead as one that never starts.
    modbus_set_byte_timeout(ctx, ms / 1000, (ms % 1000) * 1000);
    if (modbus_connect(ctx) == -1) {
      const int e = errno;
      modbus_free(ctx);
      last_error_ = std::string("connect: ") + modbus_strerror(e);
      last_exception_ = 0;
      core::log::debug("bridge", "link " + link_.id + ": connect failed: " + modbus_strerror(e));
      const errc code = errc_from_modbus_errno(e);
      return code == errc::timeout ? errc::timeout : errc::link_down;
    }
    ctx_ = ctx;
    return {};
  }

  void close() override {
    if (ctx_ == nullptr) return;
    modbus_close(ctx_);
    modbus_free(ctx_);
    ctx_ = nullptr;
  }

  bool is_connected() const override { return ctx_ != nullptr; }

  core::Result<std::vector<std::uint16_t>> read(int unit_id, RegisterTable table,
                                                std::uint16_t address,
                                                std::uint16_t count) override {
    check_range(address, count);
    if (auto ready = prepare(unit_id); !ready) return ready.error();
    std::vector<std::uint16_t> out(count);
    for (int done = 0; done < count;) {
      const int n = std::min(max_read(table), count - done);
      const int at = address + done;
      if (read_chunk(table, at, n, out.data() + done) != n) return fail(errno);
      done += n;
    }
    return out;
  }

  core::Result<void> write(int unit_id, RegisterTable table, std::uint16_t address,
                           std::span<const std::uint16_t> values) override {
    if (table != RegisterTable::holding_register && table != RegisterTable::coil)
      throw std::invalid_argument("only holding registers and coils are writable");
    check_range(address, values.size());
    if (auto ready = prepare(unit_id); !ready) return ready.error();
    const int total = static_cast<int>(values.size());
    for (int done = 0; done < total;) {
      const int n = std::min(max_write(table), total - done);
      if (write_chunk(
              table, address + done,
              values.subspan(static_cast<std::size_t>(done), static_cast<std::size_t>(n))) != n)
        return fail(errno);
      done += n;
    }
    return {};
  }

 private:
  core::Result<void> prepare(int unit_id) {
    if (ctx_ == nullptr) return errc::link_down;
    // Nothing may be waiting before a request goes out: a late answer to a request that timed
    // out would be taken as the answer to this one. Flushing only once after a timeout is not
    // enough on a shared bus: the late answer may arrive after that flush, while the link is
    // idle between polls (an RTU master would then read a stale value as fresh). The flush is
    // a non-blocking read, microseconds against a round trip of a millisecond or more.
    if (await_silence_) wait_for_silence();
    modbus_flush(ctx_);
    if (modbus_set_slave(ctx_, unit_id) == -1)
      throw std::invalid_argument("invalid Modbus unit id " + std::to_string(unit_id));
    return {};
  }

  int read_chunk(RegisterTable table, int address, int n, std::uint16_t* dest) {
    switch (table) {
      case RegisterTable::holding_register:
        return modbus_read_registers(ctx_, address, n, dest);
      case RegisterTable::input_register:
        return modbus_read_input_registers(ctx_, address, n, dest);
      case RegisterTable::coil:
      case RegisterTable::discrete_input: {
        std::uint8_t bits[MODBUS_MAX_READ_BITS];
        const int rc = table == RegisterTable::coil
                           ? modbus_read_bits(ctx_, address, n, bits)
                           : modbus_read_input_bits(ctx_, address, n, bits);
        for (int i = 0; i < rc; ++i) dest[i] = bits[i] != 0 ? 1 : 0;
        return rc;
      }
    }
    return -1;
  }

  int write_chunk(RegisterTable table, int address, std::span<const std::uint16_t> values) {
    const int n = static_cast<int>(values.size());
    if (table == RegisterTable::holding_register)
      return modbus_write_registers(ctx_, address, n, values.data());
    std::uint8_t bits[MODBUS_MAX_WRITE_BITS];
    for (int i = 0; i < n; ++i) bits[i] = values[static_cast<std::size_t>(i)] != 0 ? 1 : 0;
    return modbus_write_bits(ctx_, address, n, bits);
  }

  // RTU after a timeout: the late answer may still be on the wire, where no flush reaches
  // it, and RTU frames carry no transaction id to tell it from the next answer. So wait
  // until the line has been quiet for a response timeout, discarding whatever arrives
  // (bounded: a babbling line is given up on after a few periods, and the next answer's
  // CRC or unit id check catches the rest).
  void wait_for_silence() {
    await_silence_ = false;
    const int fd = modbus_get_socket(ctx_);
    if (fd < 0) return;
    for (int round = 0; round < 4; ++round) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, link_.response_timeout_ms) <= 0) return;  // quiet (or error)
      std::uint8_t discard[256];
      if (::read(fd, discard, sizeof discard) <= 0) return;
    }
  }

  int last_exception_code() const override { return last_exception_; }
  std::string last_error_text() const override { return last_error_; }

  boost::system::error_code fail(int e) {
    const errc code = errc_from_modbus_errno(e);
    last_exception_ = modbus_exception_code(e);
    last_error_ = modbus_strerror(e);
    core::log::debug("bridge", "link " + link_.id + ": " + modbus_strerror(e));
    if (code == errc::link_down || code == errc::io_error) close();
    if (link_.type == core::LinkType::rtu && (code == errc::timeout || code == errc::crc_error))
      await_silence_ = true;
    return code;
  }

  core::LinkConfig link_;
  modbus_t* ctx_ = nullptr;
  int last_exception_ = 0;
  std::string last_error_;
  bool await_silence_ = false;
};

}  // namespace

std::unique_ptr<FieldBus> make_modbus_bus(const core::LinkConfig& link) {
  return std::make_unique<ModbusFieldBus>(link);
}

}  // namespace coldsort::bridge
