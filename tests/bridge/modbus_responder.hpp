#pragma once
// A small Modbus TCP responder for end-to-end driver tests: libmodbus's own server on
// 127.0.0.1 at a kernel-chosen port, answering from a register image that the test fills.
// One thread serves one client at a time; the destructor stops it through a pipe (no sleeps,
// no signals). Thread safety: set()/get() may be called while it serves (one mutex).
#include <arpa/inet.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "coldsort/core/register_map.hpp"

namespace coldsort::test {

// Which addresses the image covers in each table (start, count); count 0 = none.
struct ResponderLayout {
  int coils_start = 0, coils = 0;
  int discrete_start = 0, discrete = 0;
  int holding_start = 0, holding = 0;
  int input_start = 0, input = 0;
};

class ModbusResponder {
 public:
  explicit ModbusResponder(const ResponderLayout& l) {
    map_ = modbus_mapping_new_start_address(
        static_cast<unsigned>(l.coils_start), static_cast<unsigned>(l.coils),
        static_cast<unsigned>(l.discrete_start), static_cast<unsigned>(l.discrete),
        static_cast<unsigned>(l.holding_start), static_cast<unsigned>(l.holding),
        static_cast<unsigned>(l.input_start), static_cast<unsigned>(l.input));
    ctx_ = modbus_new_tcp("127.0.0.1", 0);
    if (map_ == nullptr || ctx_ == nullptr || ::pipe(stop_pipe_) != 0)
      throw std::runtime_error("cannot set up the Modbus responder");
    listen_fd_ = modbus_tcp_listen(ctx_, 1);
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    if (listen_fd_ == -1 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == -1)
      throw std::runtime_error("cannot listen for the Modbus responder");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ModbusResponder() {
    const char stop = 's';
    if (::write(stop_pipe_[1], &stop, 1) != 1) std::terminate();
    thread_.join();
    ::close(listen_fd_);
    ::close(stop_pipe_[0]);
    ::close(stop_pipe_[1]);
    modbus_free(ctx_);
    modbus_mapping_free(map_);
  }
  ModbusResponder(const ModbusResponder&) = delete;
  ModbusResponder& operator=(const ModbusResponder&) = delete;

  int port() const { return port_; }

  void set(core::RegisterTable table, int address, std::uint16_t value) {
    std::lock_guard lock(mutex_);
    slot(table, address) = value;
  }
  std::uint16_t get(core::RegisterTable table, int address) {
    std::lock_guard lock(mutex_);
    return slot(table, address);
  }

 private:
  // Registers hold 16 bits, bit tables one byte per bit (libmodbus's layout).
  struct Slot {
    std::uint16_t* reg = nullptr;
    std::uint8_t* bit = nullptr;
    Slot& operator=(std::uint16_t v) {
      if (reg != nullptr)
        *reg = v;
      else
        *bit = v != 0 ? 1 : 0;
      return *this;
    }
    operator std::uint16_t() const { return reg != nullptr ? *reg : *bit; }
  };
  Slot slot(core::RegisterTable table, int address) {
    auto check = [](int index, int size) {
      if (index < 0 || index >= size) throw std::out_of_range("address outside the image");
      return static_cast<std::size_t>(index);
    };
    switch (table) {
      case core::RegisterTable::coil:
        return {nullptr, &map_->tab_bits[check(address - map_->start_bits, map_->nb_bits)]};
      case core::RegisterTable::discrete_input:
        return {
            nullptr,
            &map_->tab_input_bits[check(address - map_->start_input_bits, map_->nb_input_bits)]};
      case core::RegisterTable::holding_register:
        return {&map_->tab_registers[check(address - map_->start_registers, map_->nb_registers)],
                nullptr};
      case core::RegisterTable::input_register:
        return {&map_->tab_input_registers[check(address - map_->start_input_registers,
                                                 map_->nb_input_registers)],
                nullptr};
    }
    throw std::invalid_argument("table");
  }

  // Waits for `fd` or the stop pipe; false when asked to stop.
  bool wait_readable(int fd) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    int ready = 0;
    do {
      ready = ::poll(fds, 2, -1);
    } while (ready < 0 && errno == EINTR);
    return ready > 0 && (fds[1].revents & POLLIN) == 0;
  }

  void serve() {
    std::uint8_t request[MODBUS_TCP_MAX_ADU_LENGTH];
    while (wait_readable(listen_fd_)) {
      int server = listen_fd_;
      const int client = modbus_tcp_accept(ctx_, &server);
      if (client == -1) continue;
      while (wait_readable(client)) {
        const int n = modbus_receive(ctx_, request);
        if (n == -1) break;  // the client closed the connection
        if (n == 0) continue;
        std::lock_guard lock(mutex_);
        modbus_reply(ctx_, request, n, map_);
      }
      ::close(client);
    }
  }

  modbus_mapping_t* map_ = nullptr;
  modbus_t* ctx_ = nullptr;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};
  int port_ = 0;
  std::mutex mutex_;
  std::thread thread_;
};

}  // namespace coldsort::test
