#include "coldsort/bridge/link_worker.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <stdexcept>

#include "coldsort/bridge/device_io.hpp"
#include "coldsort/bridge/modbus_errors.hpp"
#include "coldsort/core/log.hpp"
#include "latency_window.hpp"

namespace coldsort::bridge {
namespace {

using core::errc;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Three timeouts in a row: one lost frame is noise on RS-485, three is a device that is gone.
constexpr int kOfflineAfterFailures = 3;
// A state the device refused (exception) is tried again no sooner than this.
constexpr milliseconds kRefusedRetry{1000};
constexpr std::size_t kMaxEvents = 1000;
// An offline device is only probed this often: on a shared bus every request to a dead
// device costs a whole response timeout that the live devices wait through.
constexpr milliseconds kOfflineProbe{2000};

// A state the controller wants a point element to hold.
struct Held {
  double desired = 0;
  std::optional<double> written;  // last value the device accepted; cleared on reconnect
  core::SteadyTime wanted_at{};   // when `desired` last changed
  core::SteadyTime retry_at{};    // after a refusal
};

struct Device {
  const core::DeviceConfig* config;
  DevicePoller poller;
  std::vector<core::SteadyTime> next_poll;
  DeviceValues values;  // the I/O thread's working copy
  LatencyWindow latency;
  int failures_in_row = 0;
  std::map<std::pair<std::string, int>, Held> held;

  explicit Device(const core::DeviceConfig& d)
      : config(&d), poller(d), next_poll(poller.schedules().size()) {
    values.device = d.id;
  }
};

bool is_link_error(const boost::system::error_code& ec) {
  return ec == errc::link_down || ec == errc::io_error;
}

}  // namespace

std::string_view to_string(LinkState s) {
  switch (s) {
    case LinkState::down: return "down";
    case LinkState::up: return "up";
    case LinkState::backoff: return "backoff";
  }
  return "?";
}

struct LinkWorker::Impl {
  Impl(const core::LinkConfig& l, std::unique_ptr<FieldBus> b, const core::Clock& c)
      : link(l), bus(std::move(b)), clock(c) {
    status.link = link.id;
  }

  // I/O-thread state.
  const core::LinkConfig link;
  std::unique_ptr<FieldBus> bus;
  const core::Clock& clock;
  std::vector<std::unique_ptr<Device>> devices;
  core::SteadyTime next_connect{};
  milliseconds backoff{0};
  LatencyWindow write_latency;

  // Shared state, under `mutex`.
  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  struct Wish {
    std::size_t device;
    std::vector<PointWrite> writes;
    core::SteadyTime at;
  };
  std::vector<Wish> inbox;
  std::map<std::string, DeviceValues, std::less<>> published;
  LinkStatus status;
  std::deque<BridgeEvent> events;
  std::thread thread;

  Device* find(std::string_view id) const {
    for (const auto& d : devices)
      if (d->config->id == id) return d.get();
    return nullptr;
  }
  std::size_t index_of(std::string_view id) const {
    for (std::size_t i = 0; i < devices.size(); ++i)
      if (devices[i]->config->id == id) return i;
    throw std::invalid_argument("device \"" + std::string(id) + "\" is not on link \"" + link.id + "\"");
  }

  void emit(BridgeEvent::Kind kind, const std::string& device, std::string message,
            core::SteadyTime now) {
    std::lock_guard lock(mutex);
    if (events.size() == kMaxEvents) events.pop_front();
    events.push_back({kind, link.id, device, std::move(message), now});
  }
  void publish(Device& d) {
    const LatencyWindow::Summary latency = d.latency.summary();
    d.values.stats.latency_p50_ms = latency.p50_ms;
    d.values.stats.latency_p99_ms = latency.p99_ms;
    std::lock_guard lock(mutex);
    published[d.config->id] = d.values;
  }
  void set_status(LinkState state, const std::string& error = {}) {
    std::lock_guard lock(mutex);
    status.state = state;
    if (!error.empty()) status.last_error = error;
    status.backoff = backoff;
  }

  bool ensure_connected(core::SteadyTime now);
  void link_failed(core::SteadyTime now, const std::string& why);
  void take_inbox(core::SteadyTime now);
  void write_held(core::SteadyTime now);
  void poll_due(core::SteadyTime now);
  // Books one request's outcome against the device; false when the link went down.
  bool account(Device& d, const core::Result<void>& r, Clock::duration took, core::SteadyTime now);
  core::SteadyTime next_due() const;
};

bool LinkWorker::Impl::ensure_connected(core::SteadyTime now) {
  if (bus->is_connected()) return true;
  if (now < next_connect) return false;
  if (auto r = bus->connect(); !r) {
    {
      std::lock_guard lock(mutex);
      ++status.connect_failures;
    }
    link_failed(now, "connect failed: " + r.error().message() + " (" + bus->last_error_text() + ")");
    return false;
  }
  const bool was_down_after_failure = backoff.count() > 0;
  backoff = milliseconds{0};
  for (auto& d : devices)
    for (auto& [key, held] : d->held) held.written.reset();  // re-assert every state
  {
    std::lock_guard lock(mutex);
    ++status.connects;
  }
  set_status(LinkState::up);
  core::log::info("bridge", "link " + link.id + " up");
  if (was_down_after_failure) emit(BridgeEvent::Kind::link_up, {}, "link " + link.id + " up", now);
  return true;
}

void LinkWorker::Impl::link_failed(core::SteadyTime now, const std::string& why) {
  const bool was_up = bus->is_connected() || backoff.count() == 0;
  bus->close();
  backoff = backoff.count() == 0 ? milliseconds{link.reconnect_min_ms}
                                 : std::min(backoff * 2, milliseconds{link.reconnect_max_ms});
  next_connect = now + backoff;
  for (auto& d : devices) {
    d->failures_in_row = 0;
    if (d->values.state != DeviceState::offline) {
      d->values.state = DeviceState::offline;
      publish(*d);
    }
  }
  set_status(LinkState::backoff, why);
  if (was_up) {
    core::log::warn("bridge", "link " + link.id + " down: " + why);
    emit(BridgeEvent::Kind::link_down, {}, "link " + link.id + " down: " + why, now);
  }
}

bool LinkWorker::Impl::account(Device& d, const core::Result<void>& r, Clock::duration took,
                               core::SteadyTime now) {
  DeviceStats& s = d.values.stats;
  ++s.requests;
  const bool answered = r || r.error() == errc::modbus_exception;
  if (answered) {
    d.latency.add(took);
    s.last_good = now;
    d.failures_in_row = 0;
    if (d.values.state != DeviceState::online) {
      const bool was_offline = d.values.state == DeviceState::offline;
      d.values.state = DeviceState::online;
      if (was_offline) emit(BridgeEvent::Kind::device_online, d.config->id, d.config->id + " answers again", now);
    }
  }
  if (r) return true;
  ++s.errors;
  const auto& ec = r.error();
  if (ec == errc::modbus_exception) {
    ++s.exceptions;
    s.last_exception_code = bus->last_exception_code();
    s.last_error = describe_exception(s.last_exception_code, d.config->map);
    core::log::debug("bridge", d.config->id + ": " + s.last_error);
    return true;
  }
  s.last_error = ec.message() + " (" + bus->last_error_text() + ")";
  if (ec == errc::timeout) ++s.timeouts;
  if (ec == errc::crc_error) ++s.crc_errors;
  if (is_link_error(ec)) {
    link_failed(now, d.config->id + ": " + s.last_error);
    return false;
  }
  if (++d.failures_in_row == kOfflineAfterFailures && d.values.state != DeviceState::offline) {
    d.values.state = DeviceState::offline;
    emit(BridgeEvent::Kind::device_offline, d.config->id, d.config->id + " not answering: " + s.last_error, now);
  }
  // Every device on a TCP link silent: the connection itself is dead (a half-open socket
  // times out rather than failing), so reconnect. On a serial bus, the port is fine.
  const bool all_silent = std::all_of(devices.begin(), devices.end(), [](const auto& x) {
    return x->failures_in_row >= kOfflineAfterFailures;
  });
  if (link.type == core::LinkType::tcp && all_silent) {
    link_failed(now, "every device on the link stopped answering");
    return false;
  }
  return true;
}

void LinkWorker::Impl::take_inbox(core::SteadyTime now) {
  std::vector<Wish> taken;
  {
    std::lock_guard lock(mutex);
    taken.swap(inbox);
  }
  for (Wish& wish : taken)
    for (PointWrite& w : wish.writes) {
      auto [it, added] = devices[wish.device]->held.try_emplace({w.point, w.index});
      Held& h = it->second;
      if (added || h.desired != w.value) {
        h.wanted_at = std::min(wish.at, now);
        h.retry_at = {};
      }
      h.desired = w.value;
    }
}

void LinkWorker::Impl::write_held(core::SteadyTime now) {
  for (auto& d : devices) {
    // Runs of dirty elements: the map is ordered by (point, index), so consecutive indices
    // of one point are neighbours and go out as one request.
    std::vector<PointWrite> run;
    std::vector<Held*> run_held;  // null: an element written again only to keep the run whole
    // Clean elements right after the run, kept in case a dirty one follows: rewriting a value
    // the device already holds is harmless (states, not toggles), and one request for a whole
    // outlet-table slot beats two or three for its pieces.
    std::vector<PointWrite> bridge;
    constexpr std::size_t kMaxBridge = 8;
    bool wrote = false;
    auto flush = [&]() -> bool {
      if (run.empty()) return true;
      const auto started = Clock::now();
      auto r = apply_writes(*bus, *d->config, run);
      const auto took = Clock::now() - started;
      if (!r && r.error() == errc::bad_register_value) {
        // Refused here, before any request: an unknown or read-only point, or a value
        // outside the point's range. Not the device's fault; held until the wish changes.
        for (Held* h : run_held)
          if (h != nullptr) h->retry_at = core::SteadyTime::max();
        emit(BridgeEvent::Kind::write_refused, d->config->id,
             "not written to " + d->config->id + "." + run.front().point +
                 ": unknown or read-only point, or value outside its range",
             now);
        run.clear();
        run_held.clear();
        return true;
      }
      {
        std::lock_guard lock(mutex);
        ++status.writes;
      }
      wrote = true;
      if (!account(*d, r, took, now)) return false;
      for (std::size_t i = 0; i < run_held.size(); ++i) {
        if (run_held[i] == nullptr) continue;
        Held& h = *run_held[i];
        if (r) {
          h.written = run[i].value;
          write_latency.add(std::max(now - h.wanted_at, core::SteadyTime::duration{0}) + took);
        } else if (r.error() == errc::modbus_exception) {
          h.retry_at = now + kRefusedRetry;  // refused: asking again at once would be refused
        }  // a timeout or damaged answer: tried again next cycle (a decision cannot wait 1 s)
      }
      if (!r && r.error() != errc::timeout && r.error() != errc::crc_error)
        emit(BridgeEvent::Kind::write_refused, d->config->id,
             d->config->id + " refused " + run.front().point + ": " + d->values.stats.last_error, now);
      run.clear();
      run_held.clear();
      return true;
    };
    for (auto& [key, h] : d->held) {
      const int next_index = run.empty() ? 0
                                         : (bridge.empty() ? run.back().index : bridge.back().index) + 1;
      const bool follows = !run.empty() && run.back().point == key.first && next_index == key.second;
      const bool dirty = !(h.written && *h.written == h.desired) && now >= h.retry_at;
      if (!dirty) {
        if (follows && h.written && bridge.size() < kMaxBridge)
          bridge.push_back({key.first, key.second, *h.written});
        else
          bridge.clear();
        continue;
      }
      if (!follows) {
        bridge.clear();
        if (!flush()) return;
      }
      for (PointWrite& b : bridge) {
        run.push_back(b);
        run_held.push_back(nullptr);
      }
      bridge.clear();
      run.push_back({key.first, key.second, h.desired});
      run_held.push_back(&h);
    }
    if (!flush()) return;
    if (wrote) publish(*d);
  }
  const LatencyWindow::Summary latency = write_latency.summary();
  std::lock_guard lock(mutex);
  status.write_latency_p50_ms = latency.p50_ms;
  status.write_latency_p99_ms = latency.p99_ms;
}

void LinkWorker::Impl::poll_due(core::SteadyTime now) {
  for (auto& d : devices) {
    bool polled = false;
    for (std::size_t i = 0; i < d->next_poll.size(); ++i) {
      if (now < d->next_poll[i]) continue;
      const auto started = Clock::now();
      auto r = d->poller.poll(*bus, i, d->values, now);
      const auto took = Clock::now() - started;
      {
        std::lock_guard lock(mutex);
        ++status.polls;
      }
      // One period after it was due, so wake-up delays do not add up into a slower rate; but
      // never in the past, so a slow spell does not turn into a burst of catch-up reads.
      const auto period = d->poller.schedules()[i].period;
      const core::SteadyTime due = d->next_poll[i];
      d->next_poll[i] = due == core::SteadyTime{} || due + period <= now ? now + period : due + period;
      polled = true;
      if (!account(*d, r, took, now)) return;
      if (d->values.state == DeviceState::offline)
        d->next_poll[i] = now + std::max(d->poller.schedules()[i].period, kOfflineProbe);
    }
    if (polled) publish(*d);
  }
}

core::SteadyTime LinkWorker::Impl::next_due() const {
  if (!bus->is_connected()) return next_connect;
  core::SteadyTime next = core::SteadyTime::max();
  for (const auto& d : devices)
    for (core::SteadyTime t : d->next_poll) next = std::min(next, t);
  return next;
}

LinkWorker::LinkWorker(const core::LinkConfig& link, std::vector<const core::DeviceConfig*> devices,
                       std::unique_ptr<FieldBus> bus, const core::Clock& clock)
    : impl_(std::make_unique<Impl>(link, std::move(bus), clock)) {
  for (const core::DeviceConfig* d : devices) {
    impl_->devices.push_back(std::make_unique<Device>(*d));
    impl_->published[d->id] = impl_->devices.back()->values;
  }
}

LinkWorker::~LinkWorker() { stop(); }

const std::string& LinkWorker::link_id() const { return impl_->link.id; }

bool LinkWorker::serves(std::string_view device) const { return impl_->find(device) != nullptr; }

core::SteadyTime LinkWorker::step(core::SteadyTime now) {
  Impl& m = *impl_;
  m.take_inbox(now);
  if (!m.ensure_connected(now)) return m.next_due();
  m.write_held(now);
  if (m.bus->is_connected()) m.poll_due(now);
  return m.next_due();
}

void LinkWorker::start() {
  Impl& m = *impl_;
  if (m.thread.joinable()) return;
  m.stopping = false;
  m.thread = std::thread([this, &m] {
    for (;;) {
      const core::SteadyTime next = step(m.clock.now());
      std::unique_lock lock(m.mutex);
      // Wake for the next due poll, a new state to write, or stop. The wait is on the real
      // steady clock: start() is for production, where Clock is the system clock.
      m.wake.wait_until(lock, next, [&] { return m.stopping || !m.inbox.empty(); });
      if (m.stopping) return;
    }
  });
}

void LinkWorker::stop() {
  Impl& m = *impl_;
  {
    std::lock_guard lock(m.mutex);
    m.stopping = true;
  }
  m.wake.notify_all();
  if (m.thread.joinable()) m.thread.join();
}

void LinkWorker::hold(std::string_view device, std::vector<PointWrite> writes) {
  const std::size_t index = impl_->index_of(device);
  {
    std::lock_guard lock(impl_->mutex);
    impl_->inbox.push_back({index, std::move(writes), impl_->clock.now()});
  }
  impl_->wake.notify_one();
}

std::optional<DeviceValues> LinkWorker::values(std::string_view device) const {
  const Device* d = impl_->find(device);
  if (d == nullptr) return std::nullopt;
  DeviceValues copy;
  {
    std::lock_guard lock(impl_->mutex);
    copy = impl_->published.find(device)->second;
  }
  age_values(copy, *d->config, impl_->clock.now());
  return copy;
}

LinkStatus LinkWorker::status() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->status;
}

std::vector<BridgeEvent> LinkWorker::take_events() {
  std::lock_guard lock(impl_->mutex);
  std::vector<BridgeEvent> out(impl_->events.begin(), impl_->events.end());
  impl_->events.clear();
  return out;
}

}  // namespace coldsort::bridge
