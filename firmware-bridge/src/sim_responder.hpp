#pragma once
// Turns one Modbus request into what the simulator's server does with it: the answer from
// the device's registers (writes stored first), or what a queued fault says instead (no
// answer, a held answer, an exception, a damaged CRC). Shared by the TCP and RTU servers;
// they own the sockets, this owns the framing and the registers.
// Each request is answered from a private copy of the device's registers taken under the
// shared mutex; a write is copied back under the mutex before its answer exists, so once a
// client has its answer the next step() sees the write. No I/O happens under the mutex.
// Thread safety: none; one per server thread. It takes `mutex` to touch banks and faults.
#include <modbus/modbus.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <vector>

#include "coldsort/core/error.hpp"
#include "sim_fault_book.hpp"
#include "sim_register_bank.hpp"

namespace coldsort::bridge::sim {

struct Answer {
  enum class Action {
    none,             // stay silent
    send,             // send `bytes` now
    hold_until_due,   // send `bytes` after `delay`, unless the client asks again first
    hold_until_next,  // send `bytes` just before the answer to the client's next request
    drop_connection,  // close the client's connection (TCP)
  };
  Action action = Action::none;
  std::vector<std::uint8_t> bytes;
  std::chrono::milliseconds delay{0};
};

class Responder {
 public:
  // `units`: unit id -> that device's registers. Banks, mutex and faults outlive this.
  Responder(Transport transport, std::mutex& mutex, std::map<int, RegisterBank*> units,
            FaultBook& faults);
  ~Responder();
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  // Sets up the scratch tables and the reply builder. Errors: io_error.
  core::Result<void> open();
  // `frame`: one complete request as received (TCP: MBAP header and PDU; RTU: address, PDU
  // and a CRC already checked).
  Answer answer(std::span<const std::uint8_t> frame);

 private:
  std::vector<std::uint8_t> build_reply(std::span<const std::uint8_t> frame, int unit_id);
  std::vector<std::uint8_t> exception_frame(std::span<const std::uint8_t> frame, int code) const;
  std::vector<std::uint8_t> take_captured();
  void release();

  Transport transport_;
  int header_length_;  // bytes before the function code
  std::mutex& mutex_;
  std::map<int, RegisterBank*> units_;
  FaultBook& faults_;
  std::map<int, modbus_mapping_t*> scratch_;
  modbus_t* builder_ = nullptr;    // never connected: it writes replies into the capture pair
  int capture_fds_[2] = {-1, -1};  // [0]: libmodbus writes the reply, [1]: we read it back
};

// CRC-16/MODBUS (polynomial 0xA001 reflected, initial 0xFFFF; Modbus over Serial Line
// v1.02 §6.2.2). Sent low byte first.
std::uint16_t modbus_crc16(std::span<const std::uint8_t> bytes);

}  // namespace coldsort::bridge::sim
