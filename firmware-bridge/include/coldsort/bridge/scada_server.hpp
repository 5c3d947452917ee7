#pragma once
// The read-only Modbus TCP server that plant SCADA polls for line, cold-room and alarm
// status (register map: scada_image.hpp and docs/scada.md).
//
// One thread poll()s the listening socket, the clients and a wake-up eventfd; stop()
// signals the eventfd and joins, so the server is stopped by handle. Requests are answered
// by libmodbus from a register mapping refreshed from the latest image before each request.
// Rules (docs/scada.md §Behaviour):
// - a peer outside the allow-list is closed at once; so is a connection beyond
//   max_connections; a client silent for idle_timeout_ms is closed;
// - requests for another unit id get exception 0x0B (gateway target failed to respond);
// - write function codes (05, 06, 15, 16, 22, 23) get exception 01 (illegal function), or
//   02 (illegal data address) when `writable` is set, since nothing is writable yet; other
//   function codes than 01..04 get exception 01; reads outside the map get exception 02.
// libmodbus is private to this module: it never appears in this header.
// Thread safety: update() and stats() from any thread; start()/stop() from the owner only.
#include <cstdint>
#include <memory>

#include "coldsort/bridge/scada_image.hpp"
#include "coldsort/core/error.hpp"
#include "coldsort/core/scada_config.hpp"

namespace coldsort::bridge {

struct ScadaStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t refused_not_allowed = 0;  // peer address outside the allow-list
  std::uint64_t refused_full = 0;         // max_connections already open
  std::uint64_t closed_idle = 0;          // silent for idle_timeout_ms
  std::uint64_t requests = 0;             // every request received, answered or not
  std::uint64_t exceptions = 0;           // requests answered with a Modbus exception
  std::uint64_t wrong_unit = 0;           // requests for another unit id (also exceptions)
  std::uint64_t image_updates = 0;
  int open_connections = 0;
};

class ScadaServer {
 public:
  ScadaServer();  // no I/O; serves initial_scada_registers() until the first update()
  ~ScadaServer();
  ScadaServer(const ScadaServer&) = delete;
  ScadaServer& operator=(const ScadaServer&) = delete;

  // Listens on config.bind:config.port (port 0: any free port) whatever `config.enabled`
  // says (the owner decides whether to start). Returns the bound port.
  // Errors: address_in_use; io_error (bad bind address, socket or thread failure).
  core::Result<int> start(const core::ScadaConfig& config);
  // Closes every connection and joins the thread. Idempotent.
  void stop();

  // Publishes a new image; the next request is answered from it. Increments the update
  // counter that SCADA watches to see that the controller is alive.
  void update(const ScadaImage& image);
  ScadaStats stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace coldsort::bridge
