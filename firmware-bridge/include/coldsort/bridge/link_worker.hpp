#pragma once
// One physical link (a TCP connection, or an RS-485 bus shared by several unit ids) and the
// devices on it, served by one I/O thread that owns the link's only libmodbus context.
//
// Each cycle: (re)connect when due; write every held state that differs from what was last
// written (decisions, heartbeat, setpoints: the controller's latest wishes, coalesced into as
// few requests as possible); poll whatever is due. Its own link state machine, not
// libmodbus's recovery: a timeout is flushed before the next request (by the bus); a link
// error closes the link, marks its devices offline (their values go stale), and retries
// with exponential back-off capped at the link's reconnect_max_ms; on a TCP link where every
// device keeps timing out the connection is treated as dead (half-open sockets time out
// instead of failing). A device that times out three times in a row goes offline on its own;
// the link stays up for the others on the bus. Every transition is a BridgeEvent.
//
// Steppable: step(now) runs one cycle and returns when the next one is due; tests call it with
// a fake clock. start() runs the same cycle on the worker's own thread (real clock only).
// Thread safety: hold(), values(), status(), take_events() from any thread; step() only from
// one thread and never while started.
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "coldsort/bridge/device_values.hpp"
#include "coldsort/bridge/field_bus.hpp"
#include "coldsort/core/clock.hpp"

namespace coldsort::bridge {

enum class LinkState { down, up, backoff };
std::string_view to_string(LinkState s);

struct LinkStatus {
  std::string link;
  LinkState state = LinkState::down;
  std::uint64_t connects = 0;         // successful (re)connects
  std::uint64_t connect_failures = 0;
  std::string last_error;
  std::chrono::milliseconds backoff{};  // wait before the next connect attempt
  // Time from hold() to the state being written to the device, over the last writes.
  double write_latency_p50_ms = 0;
  double write_latency_p99_ms = 0;
  std::uint64_t writes = 0;  // write requests sent
  std::uint64_t polls = 0;   // read requests sent
};

struct BridgeEvent {
  enum class Kind { link_down, link_up, device_offline, device_online, write_refused };
  Kind kind = Kind::link_down;
  std::string link;
  std::string device;  // empty for link events
  std::string message;
  core::SteadyTime at{};
};

class LinkWorker {
 public:
  // `devices` (on this link) must outlive the worker. No I/O until step() or start().
  LinkWorker(const core::LinkConfig& link, std::vector<const core::DeviceConfig*> devices,
             std::unique_ptr<FieldBus> bus, const core::Clock& clock);
  ~LinkWorker();
  LinkWorker(const LinkWorker&) = delete;
  LinkWorker& operator=(const LinkWorker&) = delete;

  const std::string& link_id() const;
  bool serves(std::string_view device) const;

  // One cycle at `now`. Returns when the next poll or reconnect is due.
  core::SteadyTime step(core::SteadyTime now);
  void start();
  void stop();  // joins; idempotent

  // Holds these states in the device from now on (written at once if they differ from
  // what was last written, and again after every reconnect). std::invalid_argument for a
  // device not on this link.
  void hold(std::string_view device, std::vector<PointWrite> writes);
  // A copy of the device's latest values, aged to now (nullopt: not on this link).
  std::optional<DeviceValues> values(std::string_view device) const;
  LinkStatus status() const;
  // Events since the last call (at most the last 1000 are kept).
  std::vector<BridgeEvent> take_events();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coldsort::bridge
