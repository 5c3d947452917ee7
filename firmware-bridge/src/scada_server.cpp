#include "coldsort/bridge/scada_server.hpp"

#include <arpa/inet.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "coldsort/core/log.hpp"

namespace coldsort::bridge {
namespace {

using core::errc;
using Steady = std::chrono::steady_clock;

// MBAP header (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3): transaction
// id (2), protocol id (2), length (2, counts the unit id and the PDU), unit id (1); the
// PDU's function code follows.
constexpr int mbap_length_offset = 4;
constexpr int unit_id_offset = 6;
constexpr int function_offset = 7;
// An exception answer has bit 7 of the function code set (Modbus Application Protocol
// v1.1b3 §7).
constexpr std::uint8_t exception_flag = 0x80;

// Write function codes (Modbus Application Protocol v1.1b3 §6): 05 write single coil,
// 06 write single register, 15 write multiple coils, 16 write multiple registers,
// 22 mask write register, 23 read/write multiple registers.
bool is_write(std::uint8_t function) {
  return function == 0x05 || function == 0x06 || function == 0x0F || function == 0x10 ||
         function == 0x16 || function == 0x17;
}

// The four reads this server answers: coils (01, none are mapped), discrete inputs (02),
// holding registers (03, a mirror of the input registers) and input registers (04).
bool is_read(std::uint8_t function) { return function >= 0x01 && function <= 0x04; }

int bound_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == -1) return -1;
  return ntohs(addr.sin_port);
}

// A non-blocking listening socket on `address`:`port` (host byte order address).
core::Result<int> listen_on(std::uint32_t address, int port, int backlog) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd == -1) return errc::io_error;
  // Lets a restarted controller listen again while old connections sit in TIME_WAIT; Linux
  // still refuses a second listener on the same port (EADDRINUSE).
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == -1 ||
      ::listen(fd, backlog) == -1) {
    const int e = errno;
    ::close(fd);
    return e == EADDRINUSE ? errc::address_in_use : errc::io_error;
  }
  return fd;
}

}  // namespace

struct ScadaServer::State {
  struct Client {
    int fd = -1;
    Steady::time_point last_active;
  };

  // Shared with update(): the latest image, under `mutex`.
  mutable std::mutex mutex;
  ScadaRegisters latest = initial_scada_registers();
  std::uint64_t latest_seq = 0;  // update number of `latest`
  std::atomic<std::uint64_t> updates{0};

  std::atomic<std::uint64_t> accepted{0}, refused_not_allowed{0}, refused_full{0}, closed_idle{0},
      requests{0}, exceptions{0}, wrong_unit{0};
  std::atomic<int> open_connections{0};

  // Owned by the serving thread while it runs (set up by start(), torn down by stop()).
  core::ScadaConfig config;
  modbus_t* ctx = nullptr;
  modbus_mapping_t* mapping = nullptr;
  std::uint64_t applied_seq = ~std::uint64_t{0};
  int listen_fd = -1;
  int wake_fd = -1;
  int capture_fds[2] = {-1, -1};  // [0]: libmodbus writes a reply, [1]: we read it back
  std::vector<Client> clients;
  std::thread thread;

  core::Result<void> open(const core::ScadaConfig& c);
  void release();
  void run();
  int poll_timeout_ms(Steady::time_point now) const;
  void close_idle(Steady::time_point now);
  void accept_client(Steady::time_point now);
  void close_client(int fd);
  bool serve_request(int fd);
  bool reply_to_read(int fd, const std::uint8_t* req, int len);
  bool reply_exception(const std::uint8_t* req, int code);
  bool discard_rest_of_frame(int fd, const std::uint8_t* req, int len);
  void refresh_mapping();
};

core::Result<void> ScadaServer::State::open(const core::ScadaConfig& c) {
  config = c;
  const auto address = core::parse_ipv4(c.bind);
  if (!address || c.port < 0 || c.port > 65535 || c.max_connections < 1 || c.idle_timeout_ms < 1)
    return errc::io_error;
  // The backlog only holds connections until accept(); the cap is enforced after accept,
  // so a small fixed backlog is enough.
  auto fd = listen_on(*address, c.port, 16);
  if (!fd) return fd.error();
  listen_fd = *fd;
  // libmodbus needs a TCP context for modbus_receive/modbus_reply; the address given here
  // is never used because the sockets are ours.
  ctx = modbus_new_tcp("127.0.0.1", c.port);
  mapping = modbus_mapping_new_start_address(0, 0, 0, scada_map::di_count, 0, scada_map::ir_count,
                                             0, scada_map::ir_count);
  wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (ctx == nullptr || mapping == nullptr || wake_fd == -1 ||
      ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, capture_fds) == -1)
    return errc::io_error;
  modbus_set_slave(ctx, c.unit_id);
  // libmodbus waits for the rest of a frame up to the byte timeout, and sleeps the response
  // timeout before flushing after a malformed request (modbus.c, response_exception). Both
  // stall every client, so keep them short; a frame that stops half-way drops its client.
  modbus_set_byte_timeout(ctx, 0, 100'000);
  modbus_set_response_timeout(ctx, 0, 10'000);
  // poll() said the socket is readable, so the first byte is there; the timeout only guards
  // against waiting forever if it was not.
  modbus_set_indication_timeout(ctx, 0, 100'000);
  applied_seq = ~std::uint64_t{0};
  return {};
}

void ScadaServer::State::release() {
  open_connections = 0;
  for (const Client& c : clients) ::close(c.fd);
  clients.clear();
  for (int* fd : {&listen_fd, &wake_fd, &capture_fds[0], &capture_fds[1]}) {
    if (*fd != -1) ::close(*fd);
    *fd = -1;
  }
  if (mapping != nullptr) modbus_mapping_free(mapping);
  mapping = nullptr;
  if (ctx != nullptr) {
    modbus_set_socket(ctx, -1);  // the client sockets were closed above, not by libmodbus
    modbus_free(ctx);
    ctx = nullptr;
  }
}

// The idle timeout is a socket timeout measured by poll(), which waits in real time, so it
// uses the steady clock directly rather than an injected core::Clock.
int ScadaServer::State::poll_timeout_ms(Steady::time_point now) const {
  if (clients.empty()) return -1;
  Steady::time_point first = clients.front().last_active;
  for (const Client& c : clients) first = std::min(first, c.last_active);
  const auto deadline = first + std::chrono::milliseconds(config.idle_timeout_ms);
  if (deadline <= now) return 0;
  // Round up, so poll() never wakes a little early and spins until the deadline.
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
  return static_cast<int>(std::min<std::int64_t>(wait.count(), 60'000));
}

void ScadaServer::State::close_idle(Steady::time_point now) {
  const auto idle = std::chrono::milliseconds(config.idle_timeout_ms);
  std::erase_if(clients, [&](const Client& c) {
    if (now - c.last_active < idle) return false;
    ++closed_idle;
    close_client(c.fd);
    core::log::debug(
        "scada", "closed a connection idle for " + std::to_string(config.idle_timeout_ms) + " ms");
    return true;
  });
}

// Counters change before the socket closes, so whoever sees the close also sees the count.
void ScadaServer::State::close_client(int fd) {
  --open_connections;
  ::close(fd);
}

void ScadaServer::State::run() {
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({wake_fd, POLLIN, 0});
    fds.push_back({listen_fd, POLLIN, 0});
    for (const Client& c : clients) fds.push_back({c.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), poll_timeout_ms(Steady::now())) == -1) {
      if (errno == EINTR) continue;
      core::log::error("scada", std::string("poll failed: ") + std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) return;
    const auto now = Steady::now();
    // Clients are served before accepting, so `fds[i]` still matches `clients[i - 2]`.
    std::vector<int> dropped;
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      if (serve_request(fds[i].fd))
        clients[i - 2].last_active = now;
      else
        dropped.push_back(fds[i].fd);
    }
    std::erase_if(clients, [&](const Client& c) {
      if (std::find(dropped.begin(), dropped.end(), c.fd) == dropped.end()) return false;
      close_client(c.fd);
      return true;
    });
    if ((fds[1].revents & POLLIN) != 0) accept_client(now);
    close_idle(now);
  }
}

void ScadaServer::State::accept_client(Steady::time_point now) {
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  // Non-blocking, so a client that stops reading makes send() fail instead of stalling the
  // server thread (and stop()).
  const int fd =
      ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd == -1) return;  // the client gave up between poll() and accept()
  const std::uint32_t address = ntohl(peer.sin_addr.s_addr);
  if (peer.sin_family != AF_INET || !config.allows(address)) {
    ++refused_not_allowed;
    ::close(fd);
    char text[INET_ADDRSTRLEN] = "?";
    ::inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
    core::log::write_limited(
        core::log::Level::warn, "scada", "scada-not-allowed",
        std::string("connection from ") + text + " refused: not in scada.allow");
    return;
  }
  if (clients.size() >= static_cast<std::size_t>(config.max_connections)) {
    ++refused_full;
    ::close(fd);
    core::log::write_limited(core::log::Level::warn, "scada", "scada-full",
                             "connection refused: scada.max_connections (" +
                                 std::to_string(config.max_connections) + ") already open");
    return;
  }
  clients.push_back({fd, now});
  ++accepted;
  ++open_connections;
}

// Answers one request. False: drop the client (it closed, sent garbage, or stopped reading).
bool ScadaServer::State::serve_request(int fd) {
  std::uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH] = {};
  modbus_set_socket(ctx, fd);
  const int len = modbus_receive(ctx, req);
  if (len == 0) return true;  // libmodbus ignored the frame
  if (len < 0) return false;
  ++requests;
  const std::uint8_t function = req[function_offset];
  if (req[unit_id_offset] != config.unit_id) {
    ++wrong_unit;
    // Not ours: answered at once rather than left to time out, so a SCADA configured with
    // the wrong unit id sees why (Modbus Application Protocol v1.1b3 §7, exception 0x0B).
    return discard_rest_of_frame(fd, req, len) &&
           reply_exception(req, MODBUS_EXCEPTION_GATEWAY_TARGET);
  }
  if (is_write(function))
    return reply_exception(req, config.writable ? MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS
                                                : MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
  if (!is_read(function))
    return discard_rest_of_frame(fd, req, len) &&
           reply_exception(req, MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
  return reply_to_read(fd, req, len);
}

// libmodbus answers the read into the capture socketpair, so that an exception answer (a
// read outside the map: 02, too many registers: 03) is counted before the client has it.
bool ScadaServer::State::reply_to_read(int fd, const std::uint8_t* req, int len) {
  refresh_mapping();
  modbus_set_socket(ctx, capture_fds[0]);
  const int rc = modbus_reply(ctx, req, len, mapping);
  modbus_set_socket(ctx, fd);
  std::uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
  const auto n = rc == -1 ? -1 : ::recv(capture_fds[1], rsp, sizeof rsp, 0);
  if (n <= function_offset) return false;
  if ((rsp[function_offset] & exception_flag) != 0) ++exceptions;
  return ::send(fd, rsp, static_cast<std::size_t>(n), MSG_NOSIGNAL) == n;
}

bool ScadaServer::State::reply_exception(const std::uint8_t* req, int code) {
  ++exceptions;
  return modbus_reply_exception(ctx, req, static_cast<unsigned>(code)) != -1;
}

// libmodbus sizes a request from its function code, and reads only the header of one it does
// not know (08 diagnostics, 43 device identification, ...). The MBAP length says how long
// the frame really is: read the rest, so the next request starts at a frame boundary.
bool ScadaServer::State::discard_rest_of_frame(int fd, const std::uint8_t* req, int len) {
  const int frame = unit_id_offset + ((req[mbap_length_offset] << 8) | req[mbap_length_offset + 1]);
  int rest = frame - len;
  if (rest <= 0) return true;
  if (frame > MODBUS_TCP_MAX_ADU_LENGTH) return false;  // not a Modbus frame
  std::uint8_t sink[MODBUS_TCP_MAX_ADU_LENGTH];
  // A client sends a request in one go; what has not arrived with it is garbage anyway.
  const auto n = ::recv(fd, sink, static_cast<std::size_t>(rest), MSG_DONTWAIT);
  return n == rest;
}

void ScadaServer::State::refresh_mapping() {
  std::lock_guard lock(mutex);
  if (applied_seq == latest_seq) return;
  std::copy(latest.input_registers.begin(), latest.input_registers.end(),
            mapping->tab_input_registers);
  // Holding registers mirror the input registers (docs/scada.md §Holding registers).
  std::copy(latest.input_registers.begin(), latest.input_registers.end(), mapping->tab_registers);
  std::copy(latest.discrete_inputs.begin(), latest.discrete_inputs.end(), mapping->tab_input_bits);
  applied_seq = latest_seq;
}

ScadaServer::ScadaServer() : state_(std::make_unique<State>()) {}

ScadaServer::~ScadaServer() { stop(); }

core::Result<int> ScadaServer::start(const core::ScadaConfig& config) {
  stop();
  if (auto opened = state_->open(config); !opened) {
    state_->release();
    return opened.error();
  }
  const int port = bound_port(state_->listen_fd);
  if (port == -1) {
    state_->release();
    return errc::io_error;
  }
  try {
    state_->thread = std::thread([this] { state_->run(); });
  } catch (const std::system_error&) {
    state_->release();
    return errc::io_error;
  }
  core::log::info("scada", "Modbus TCP server on " + config.bind + ":" + std::to_string(port) +
                               ", unit id " + std::to_string(config.unit_id));
  return port;
}

void ScadaServer::stop() {
  if (state_->thread.joinable()) {
    const std::uint64_t one = 1;
    // The eventfd counter cannot overflow from one write; the result needs no check.
    [[maybe_unused]] auto written = ::write(state_->wake_fd, &one, sizeof one);
    state_->thread.join();
  }
  state_->release();
}

void ScadaServer::update(const ScadaImage& image) {
  const std::uint64_t seq = ++state_->updates;
  // Encoded outside the lock: the serving thread only ever waits for a copy.
  ScadaRegisters regs = encode_scada_image(image, static_cast<std::uint32_t>(seq));
  std::lock_guard lock(state_->mutex);
  // Two threads updating at once: the later update number wins, so the counter never goes
  // backwards.
  if (seq <= state_->latest_seq) return;
  state_->latest = std::move(regs);
  state_->latest_seq = seq;
}

ScadaStats ScadaServer::stats() const {
  ScadaStats s;
  s.connections_accepted = state_->accepted;
  s.refused_not_allowed = state_->refused_not_allowed;
  s.refused_full = state_->refused_full;
  s.closed_idle = state_->closed_idle;
  s.requests = state_->requests;
  s.exceptions = state_->exceptions;
  s.wrong_unit = state_->wrong_unit;
  s.image_updates = state_->updates;
  s.open_connections = state_->open_connections;
  return s;
}

}  // namespace coldsort::bridge
