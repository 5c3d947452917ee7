#pragma once
// The simulator's Modbus TCP server: one listening socket, several clients at once, several
// devices told apart by the unit id in each request's MBAP header (like a Modbus gateway).
// One thread poll()s the listening socket, the clients and a wake-up eventfd; stop() signals
// the eventfd and joins, so the server is stopped by handle, never by killing.
// Answers come from a Responder (registers and injected faults). A held answer (delay or
// late-reply fault) waits in its client's slot; the poll timeout wakes the thread when one
// is due, so a delayed client never holds up the others or the simulation.
// Thread safety: start()/stop() from the owner (not concurrently); the serving thread only
// touches the shared banks and faults under `mutex`.
#include <modbus/modbus.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "coldsort/core/error.hpp"
#include "sim_responder.hpp"

namespace coldsort::bridge::sim {

class ModbusTcpServer {
 public:
  // `units`: unit id -> that device's registers. The banks, faults and mutex outlive the
  // server.
  ModbusTcpServer(std::mutex& mutex, std::map<int, RegisterBank*> units, FaultBook& faults);
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
  using SteadyClock = std::chrono::steady_clock;
  // An answer held back by a delay or late-reply fault.
  struct Held {
    std::vector<std::uint8_t> bytes;
    std::optional<SteadyClock::time_point> due;  // nullopt: until the next request
  };
  struct Client {
    int fd = -1;
    std::optional<Held> held;
  };

  void run();
  int poll_timeout_ms() const;
  void send_due(SteadyClock::time_point now);
  void accept_client();
  bool serve_request(Client& client);
  void release();

  std::mutex& mutex_;
  Responder responder_;
  modbus_t* ctx_ = nullptr;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  std::vector<Client> clients_;
  std::thread thread_;
};

}  // namespace coldsort::bridge::sim
