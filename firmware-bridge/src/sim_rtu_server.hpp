#pragma once
// The simulator's Modbus RTU server: every simulated unit as a slave on one serial device
// (in tests, one end of a socat pty pair). One thread poll()s the port and a wake-up
// eventfd; stop() signals the eventfd and joins.
// Frames are cut by length from the function code (Modbus Application Protocol v1.1b3 §6),
// not by timing, since a pty carries no character timing; bytes that make no frame are
// dropped after a silence. A frame with a bad CRC is ignored, as a slave must (Modbus over
// Serial Line v1.02 §2.4.1). Unknown unit ids get no answer.
// Thread safety: start()/stop() from the owner (not concurrently); the serving thread only
// touches the shared banks and faults under `mutex`.
#include <modbus/modbus.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "coldsort/core/error.hpp"
#include "sim_responder.hpp"

namespace coldsort::bridge::sim {

class ModbusRtuServer {
 public:
  ModbusRtuServer(std::mutex& mutex, std::map<int, RegisterBank*> units, FaultBook& faults);
  ~ModbusRtuServer();
  ModbusRtuServer(const ModbusRtuServer&) = delete;
  ModbusRtuServer& operator=(const ModbusRtuServer&) = delete;

  // Opens and configures the serial device. Errors: link_down (cannot open), io_error.
  core::Result<void> start(const std::string& device, int baud, char parity, int data_bits,
                           int stop_bits);
  // Closes the port and joins the thread. Idempotent.
  void stop();

 private:
  using SteadyClock = std::chrono::steady_clock;
  struct Held {
    std::vector<std::uint8_t> bytes;
    std::optional<SteadyClock::time_point> due;  // nullopt: until the next request
  };

  void run();
  int poll_timeout_ms(SteadyClock::time_point now) const;
  int read_available();
  void serve_frames();
  void serve(std::span<const std::uint8_t> frame);
  bool write_all(const std::vector<std::uint8_t>& bytes);
  void release();

  Responder responder_;
  modbus_t* port_ = nullptr;  // opens, configures and finally restores the serial device
  int fd_ = -1;
  int wake_fd_ = -1;
  std::vector<std::uint8_t> buffer_;  // bytes of a frame still arriving
  SteadyClock::time_point last_byte_{};
  std::optional<Held> held_;
  std::thread thread_;
};

}  // namespace coldsort::bridge::sim
