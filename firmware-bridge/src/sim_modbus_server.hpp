#pragma once
// The simulator's Modbus TCP server: one listening socket, several clients at once, several
// devices told apart by the unit id in each request's MBAP header (like a Modbus gateway).
// One thread poll()s the listening socket, the clients and a wake-up eventfd; stop() signals
// the eventfd and joins, so the server is stopped by handle, never by killing.
// Each request is answered from a private copy of the device's registers taken under the
// shared mutex; writes are copied back under the mutex before the response leaves (the reply
// to a write is captured on a socketpair, then forwarded), so once a client has its answer
// the next step() sees the write. No socket I/O happens while the mutex is held, so a slow
// client never blocks the simulation.
// Thread safety: start()/stop() from the owner (not concurrently); the serving thread only
// touches the shared banks under `mutex`.
#include <modbus/modbus.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "coldsort/core/error.hpp"
#include "sim_register_bank.hpp"

namespace coldsort::bridge::sim {

class ModbusTcpServer {
 public:
  // `units`: unit id -> that device's registers. The banks and the mutex outlive the server.
  ModbusTcpServer(std::mutex& mutex, std::map<int, RegisterBank*> units);
  ~ModbusTcpServer();
  ModbusTcpServer(const ModbusTcpServer&) = delete;
  ModbusTcpServer& operator=(const ModbusTcpServer&) = delete;

  // `host` is a dotted IPv4 address ("0.0.0.0" for all interfaces); port 0 picks a free
  // port. Returns the bound port. Errors: address_in_use, io_error.
  core::Result<int> start(const std::string& host, int port);
  // Closes every socket and joins the thread. Idempotent.
  void stop();

  // At most this many clients at once; further connections are closed at once.
  static constexpr std::size_t max_clients = 16;

 private:
  void run();
  void accept_client();
  bool serve_request(int fd);
  bool reply_to_write(int fd, const std::uint8_t* req, int len, modbus_mapping_t& scratch,
                      RegisterBank& bank);
  void release();

  std::mutex& mutex_;
  std::map<int, RegisterBank*> units_;
  std::map<int, modbus_mapping_t*> scratch_;  // per unit; only the server thread uses them
  modbus_t* ctx_ = nullptr;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  int capture_fds_[2] = {-1, -1};  // [0]: libmodbus writes the reply, [1]: we read it back
  std::vector<int> clients_;
  std::thread thread_;
};

}  // namespace coldsort::bridge::sim
