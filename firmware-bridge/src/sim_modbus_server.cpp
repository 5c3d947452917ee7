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

// MBAP header (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3): transaction
// id (2), protocol id (2), length (2), unit id (1); the PDU's function code follows.
constexpr int unit_id_offset = 6;
constexpr int function_offset = 7;

int read_u16(const std::uint8_t* p) { return (p[0] << 8) | p[1]; }

template <class T>
void copy_into(const std::vector<T>& from, T* to, int n) {
  std::copy_n(from.begin(), std::min<std::size_t>(from.size(), static_cast<std::size_t>(n)), to);
}

void copy_in(const RegisterBank& bank, modbus_mapping_t& m) {
  copy_into(bank.coils, m.tab_bits, m.nb_bits);
  copy_into(bank.discrete_inputs, m.tab_input_bits, m.nb_input_bits);
  copy_into(bank.holding_registers, m.tab_registers, m.nb_registers);
  copy_into(bank.input_registers, m.tab_input_registers, m.nb_input_registers);
}

template <class T>
void copy_range_back(const T* from, std::vector<T>& to, int address, int count) {
  const int end = std::min(static_cast<int>(to.size()), address + count);
  for (int i = address; i < end; ++i) to[static_cast<std::size_t>(i)] = from[i];
}

// Copies what a write request may have changed back into the live bank. Function codes per
// Modbus Application Protocol v1.1b3 §6: 05/15 write coils, 06/16 write registers, 22 mask
// write register, 23 read/write registers (write part at PDU offset 5).
void copy_back(const std::uint8_t* req, const modbus_mapping_t& m, RegisterBank& bank) {
  const std::uint8_t* pdu = req + function_offset;
  const int address = read_u16(pdu + 1);
  switch (pdu[0]) {
    case 0x05:
      copy_range_back(m.tab_bits, bank.coils, address, 1);
      break;
    case 0x0F:
      copy_range_back(m.tab_bits, bank.coils, address, read_u16(pdu + 3));
      break;
    case 0x06:
    case 0x16:
      copy_range_back(m.tab_registers, bank.holding_registers, address, 1);
      break;
    case 0x10:
      copy_range_back(m.tab_registers, bank.holding_registers, address, read_u16(pdu + 3));
      break;
    case 0x17:
      copy_range_back(m.tab_registers, bank.holding_registers, read_u16(pdu + 5),
                      read_u16(pdu + 7));
      break;
    default:
      break;
  }
}

bool is_write(std::uint8_t function) {
  return function == 0x05 || function == 0x06 || function == 0x0F || function == 0x10 ||
         function == 0x16 || function == 0x17;
}

int bound_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == -1) return -1;
  return ntohs(addr.sin_port);
}

}  // namespace

ModbusTcpServer::ModbusTcpServer(std::mutex& mutex, std::map<int, RegisterBank*> units)
    : mutex_(mutex), units_(std::move(units)) {}

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
  if (port_bound == -1 || wake_fd_ == -1 ||
      ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, capture_fds_) == -1 ||
      ::fcntl(listen_fd_, F_SETFL, ::fcntl(listen_fd_, F_GETFL) | O_NONBLOCK) == -1) {
    release();
    return errc::io_error;
  }
  for (const auto& [unit, bank] : units_) {
    scratch_[unit] =
        modbus_mapping_new_start_address(0, static_cast<unsigned>(bank->coils.size()), 0,
                                         static_cast<unsigned>(bank->discrete_inputs.size()), 0,
                                         static_cast<unsigned>(bank->holding_registers.size()), 0,
                                         static_cast<unsigned>(bank->input_registers.size()));
    if (scratch_[unit] == nullptr) {
      release();
      return errc::io_error;
    }
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
  for (int fd : clients_) ::close(fd);
  clients_.clear();
  if (listen_fd_ != -1) ::close(listen_fd_);
  if (wake_fd_ != -1) ::close(wake_fd_);
  listen_fd_ = wake_fd_ = -1;
  for (int& fd : capture_fds_) {
    if (fd != -1) ::close(fd);
    fd = -1;
  }
  for (auto& [unit, mapping] : scratch_) modbus_mapping_free(mapping);
  scratch_.clear();
  if (ctx_ != nullptr) {
    modbus_set_socket(ctx_, -1);  // client sockets are closed above, not by libmodbus
    modbus_free(ctx_);
    ctx_ = nullptr;
  }
}

void ModbusTcpServer::run() {
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (int fd : clients_) fds.push_back({fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) == -1) {
      if (errno == EINTR) continue;
      core::log::error("sim", std::string("poll failed: ") + std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) return;
    if ((fds[1].revents & POLLIN) != 0) accept_client();
    std::vector<int> dropped;
    for (std::size_t i = 2; i < fds.size(); ++i)
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !serve_request(fds[i].fd))
        dropped.push_back(fds[i].fd);
    for (int fd : dropped) {
      ::close(fd);
      std::erase(clients_, fd);
    }
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
  clients_.push_back(fd);
}

// Answers one request. False: drop the client (it closed, or sent garbage, or stopped
// reading).
bool ModbusTcpServer::serve_request(int fd) {
  std::uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH] = {};
  modbus_set_socket(ctx_, fd);
  const int len = modbus_receive(ctx_, req);
  if (len == 0) return true;  // libmodbus ignored the frame
  if (len < 0) return false;
  const int unit = req[unit_id_offset];
  const auto found = units_.find(unit);
  if (found == units_.end()) {
    // What a Modbus gateway answers for a unit that does not respond (Modbus Application
    // Protocol v1.1b3 §7, exception 0x0B).
    return modbus_reply_exception(ctx_, req, MODBUS_EXCEPTION_GATEWAY_TARGET) != -1;
  }
  modbus_mapping_t& scratch = *scratch_.at(unit);
  {
    std::lock_guard lock(mutex_);
    copy_in(*found->second, scratch);
  }
  if (is_write(req[function_offset])) return reply_to_write(fd, req, len, scratch, *found->second);
  return modbus_reply(ctx_, req, len, &scratch) != -1;
}

// Builds the reply into the capture socketpair, stores the write in the bank, and only then
// forwards the reply to the client.
bool ModbusTcpServer::reply_to_write(int fd, const std::uint8_t* req, int len,
                                     modbus_mapping_t& scratch, RegisterBank& bank) {
  modbus_set_socket(ctx_, capture_fds_[0]);
  const int rc = modbus_reply(ctx_, req, len, &scratch);
  modbus_set_socket(ctx_, fd);
  {
    std::lock_guard lock(mutex_);
    copy_back(req, scratch, bank);
  }
  if (rc == -1) return false;
  std::uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
  const auto n = ::recv(capture_fds_[1], rsp, sizeof rsp, 0);
  return n > 0 && ::send(fd, rsp, static_cast<std::size_t>(n), MSG_NOSIGNAL) == n;
}

}  // namespace coldsort::bridge::sim
