#include "sim_modbus_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "coldsort/core/log.hpp"

namespace coldsort::bridge::sim {
namespace {

using core::errc;

int bound_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == -1) return -1;
  return ntohs(addr.sin_port);
}

// One send: the answers are a few hundred bytes, far below the socket buffer, so a short
// send means the client stopped reading and is dropped.
bool send_all(int fd, const std::vector<std::uint8_t>& bytes) {
  if (bytes.empty()) return true;
  const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  return n == static_cast<ssize_t>(bytes.size());
}

}  // namespace

ModbusTcpServer::ModbusTcpServer(std::mutex& mutex, std::map<int, RegisterBank*> units,
                                 FaultBook& faults)
    : mutex_(mutex), responder_(Transport::tcp, mutex, std::move(units), faults) {}

ModbusTcpServer::~ModbusTcpServer() { stop(); }

core::Result<int> ModbusTcpServer::start(const std::string& host, int port) {
  stop();
  // libmodbus 3.1.6 passes the host to inet_addr() unchecked: a name would silently bind to
  // 255.255.255.255. Accept dotted IPv4 only.
  in_addr parsed{};
  if (port < 0 || port > 65535 || ::inet_pton(AF_INET, host.c_str(), &parsed) != 1)
    return errc::io_error;
  ctx_ = modbus_new_tcp(host.c_str(), port);
  if (ctx_ == nullptr) return errc::io_error;
  // On a malformed request libmodbus sleeps the response timeout before flushing; keep that
  // short so one bad client cannot stall the others. A frame that stops half-way is dropped
  // after the byte timeout.
  modbus_set_response_timeout(ctx_, 0, 10'000);
  modbus_set_byte_timeout(ctx_, 0, 200'000);
  listen_fd_ = modbus_tcp_listen(ctx_, static_cast<int>(max_clients));
  if (listen_fd_ == -1) {
    const int e = errno;
    release();
    return e == EADDRINUSE ? errc::address_in_use : errc::io_error;
  }
  const int port_bound = bound_port(listen_fd_);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (port_bound == -1 || wake_fd_ == -1 || !responder_.open() ||
      ::fcntl(listen_fd_, F_SETFL, ::fcntl(listen_fd_, F_GETFL) | O_NONBLOCK) == -1) {
    release();
    return errc::io_error;
  }
  thread_ = std::thread([this] { run(); });
  return port_bound;
}

void ModbusTcpServer::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    // The eventfd counter cannot overflow from one write; the result needs no check.
    [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
    thread_.join();
  }
  release();
}

void ModbusTcpServer::release() {
  for (const Client& c : clients_) ::close(c.fd);
  clients_.clear();
  if (listen_fd_ != -1) ::close(listen_fd_);
  if (wake_fd_ != -1) ::close(wake_fd_);
  listen_fd_ = wake_fd_ = -1;
  if (ctx_ != nullptr) {
    modbus_set_socket(ctx_, -1);  // client sockets are closed above, not by libmodbus
    modbus_free(ctx_);
    ctx_ = nullptr;
  }
}

// Until the earliest held answer is due; -1 (forever) when none is.
int ModbusTcpServer::poll_timeout_ms() const {
  std::optional<SteadyClock::time_point> first;
  for (const Client& c : clients_)
    if (c.held && c.held->due && (!first || *c.held->due < *first)) first = c.held->due;
  if (!first) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*first - SteadyClock::now());
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

void ModbusTcpServer::send_due(SteadyClock::time_point now) {
  for (Client& c : clients_) {
    if (!c.held || !c.held->due || *c.held->due > now) continue;
    // A failed send shows up as a hang-up on the next poll.
    send_all(c.fd, c.held->bytes);
    c.held.reset();
  }
}

void ModbusTcpServer::run() {
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (const Client& c : clients_) fds.push_back({c.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), poll_timeout_ms()) == -1) {
      if (errno == EINTR) continue;
      core::log::error("sim", std::string("poll failed: ") + std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) return;
    send_due(SteadyClock::now());
    std::vector<int> dropped;
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      Client& client = clients_[i - 2];
      if (!serve_request(client)) dropped.push_back(client.fd);
    }
    for (int fd : dropped) {
      ::close(fd);
      std::erase_if(clients_, [fd](const Client& c) { return c.fd == fd; });
    }
    // After serving, so that the new client's index does not shift the fds above.
    if ((fds[1].revents & POLLIN) != 0) accept_client();
  }
}

void ModbusTcpServer::accept_client() {
  // Non-blocking, so a client that stops reading makes send() fail instead of stalling the
  // server thread (and stop()).
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd == -1) return;  // the client gave up between poll() and accept()
  if (clients_.size() >= max_clients) {
    ::close(fd);
    core::log::write_limited(core::log::Level::warn, "sim", "sim-max-clients",
                             "too many Modbus clients; connection refused");
    return;
  }
  clients_.push_back(Client{fd, std::nullopt});
}

// Answers one request. False: drop the client (it closed, sent garbage, stopped reading, or
// a fault says so).
bool ModbusTcpServer::serve_request(Client& client) {
  std::uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH] = {};
  modbus_set_socket(ctx_, client.fd);
  const int len = modbus_receive(ctx_, req);
  if (len == 0) return true;  // libmodbus ignored the frame
  if (len < 0) return false;
  // The client asked again: a late answer goes out just before this one, in the same
  // segment; a delayed one is abandoned.
  std::vector<std::uint8_t> out;
  if (client.held && !client.held->due) out = std::move(client.held->bytes);
  client.held.reset();
  Answer answer =
      responder_.answer(std::span<const std::uint8_t>(req, static_cast<std::size_t>(len)));
  switch (answer.action) {
    case Answer::Action::drop_connection:
      return false;
    case Answer::Action::send:
      out.insert(out.end(), answer.bytes.begin(), answer.bytes.end());
      break;
    case Answer::Action::hold_until_due:
      client.held = Held{std::move(answer.bytes), SteadyClock::now() + answer.delay};
      break;
    case Answer::Action::hold_until_next:
      client.held = Held{std::move(answer.bytes), std::nullopt};
      break;
    case Answer::Action::none:
      break;
  }
  return send_all(client.fd, out);
}

}  // namespace coldsort::bridge::sim
