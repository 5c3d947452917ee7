#include "sim_rtu_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "coldsort/core/log.hpp"

namespace coldsort::bridge::sim {
namespace {

using core::errc;
using std::chrono::milliseconds;

// Bytes that have not made a whole frame after this much silence are noise. A real line
// uses 3.5 character times (Modbus over Serial Line v1.02 §2.5.1.1), but a pty relayed by
// socat may split a frame with gaps of a few milliseconds under load.
constexpr milliseconds frame_gap{50};
// Longest RTU frame: address, 253-byte PDU, CRC (Modbus over Serial Line v1.02 §2.5.1).
constexpr std::size_t max_frame = MODBUS_RTU_MAX_ADU_LENGTH;

// Length of the request frame at the start of `b` (address byte first, CRC included);
// 0 while too few bytes have arrived to tell; -1 for a function this server cannot frame.
// Request layouts per Modbus Application Protocol v1.1b3 §6.
int request_length(std::span<const std::uint8_t> b) {
  if (b.size() < 2) return 0;
  switch (b[1]) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x05:
    case 0x06:
    case 0x08:
      return 8;  // address, function, two 16-bit fields, CRC
    case 0x07:
    case 0x0B:
    case 0x0C:
    case 0x11:
      return 4;  // address, function, CRC
    case 0x0F:
    case 0x10:
      return b.size() < 7 ? 0 : 9 + b[6];  // ... quantity, byte count, data, CRC
    case 0x16:
      return 10;  // address, function, reference, and-mask, or-mask, CRC
    case 0x17:
      return b.size() < 11 ? 0 : 13 + b[10];  // read and write blocks, byte count, data, CRC
    default:
      return -1;
  }
}

bool crc_ok(std::span<const std::uint8_t> frame) {
  const std::size_t n = frame.size();
  const std::uint16_t crc = modbus_crc16(frame.first(n - 2));
  return frame[n - 2] == (crc & 0xFF) && frame[n - 1] == (crc >> 8);
}

}  // namespace

ModbusRtuServer::ModbusRtuServer(std::mutex& mutex, std::map<int, RegisterBank*> units,
                                 FaultBook& faults)
    : responder_(Transport::rtu, mutex, std::move(units), faults) {}

ModbusRtuServer::~ModbusRtuServer() { stop(); }

core::Result<void> ModbusRtuServer::start(const std::string& device, int baud, char parity,
                                          int data_bits, int stop_bits) {
  stop();
  port_ = modbus_new_rtu(device.c_str(), baud, parity, data_bits, stop_bits);
  if (port_ == nullptr) return errc::io_error;  // bad baud, parity or framing
  if (modbus_connect(port_) == -1) {
    core::log::debug("sim", "cannot open " + device + ": " + modbus_strerror(errno));
    modbus_free(port_);
    port_ = nullptr;
    return errc::link_down;
  }
  fd_ = modbus_get_socket(port_);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd_ == -1 || wake_fd_ == -1 || !responder_.open() ||
      ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK) == -1) {
    release();
    return errc::io_error;
  }
  thread_ = std::thread([this] { run(); });
  return {};
}

void ModbusRtuServer::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
    thread_.join();
  }
  release();
}

void ModbusRtuServer::release() {
  if (port_ != nullptr) {
    modbus_close(port_);  // restores the port's old settings and closes it
    modbus_free(port_);
    port_ = nullptr;
  }
  fd_ = -1;
  if (wake_fd_ != -1) ::close(wake_fd_);
  wake_fd_ = -1;
  buffer_.clear();
  held_.reset();
}

int ModbusRtuServer::poll_timeout_ms(SteadyClock::time_point now) const {
  std::optional<SteadyClock::time_point> wake;
  if (!buffer_.empty()) wake = last_byte_ + frame_gap;
  if (held_ && held_->due && (!wake || *held_->due < *wake)) wake = held_->due;
  if (!wake) return -1;
  const auto left = std::chrono::ceil<milliseconds>(*wake - now);
  return static_cast<int>(std::max<std::int64_t>(0, left.count()));
}

void ModbusRtuServer::run() {
  for (;;) {
    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {fd_, POLLIN, 0}};
    if (::poll(fds, 2, poll_timeout_ms(SteadyClock::now())) == -1) {
      if (errno == EINTR) continue;
      core::log::error("sim", std::string("poll failed: ") + std::strerror(errno));
      return;
    }
    if (fds[0].revents != 0) return;
    const auto now = SteadyClock::now();
    if (held_ && held_->due && *held_->due <= now) {
      write_all(held_->bytes);
      held_.reset();
    }
    if (!buffer_.empty() && now - last_byte_ >= frame_gap) buffer_.clear();
    const int got = (fds[1].revents & POLLIN) != 0 ? read_available() : 0;
    if (got < 0) return;
    if (got > 0) serve_frames();
    if (got == 0 && (fds[1].revents & (POLLHUP | POLLERR)) != 0) {
      // The other end of the line is gone (socat exited): nothing more will arrive.
      core::log::warn("sim", "RTU port closed by the other side; RTU serving stops");
      return;
    }
  }
}

// Bytes read; -1 when the port failed.
int ModbusRtuServer::read_available() {
  std::uint8_t chunk[max_frame];
  int total = 0;
  for (;;) {
    const auto n = ::read(fd_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.insert(buffer_.end(), chunk, chunk + n);
      last_byte_ = SteadyClock::now();
      total += static_cast<int>(n);
      continue;
    }
    if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) return total;
    if (errno == EINTR) continue;
    core::log::warn("sim", std::string("RTU port read failed: ") + std::strerror(errno));
    return -1;
  }
}

void ModbusRtuServer::serve_frames() {
  while (!buffer_.empty()) {
    const int len = request_length(buffer_);
    if (len < 0 || static_cast<std::size_t>(len) > max_frame) {
      buffer_.clear();  // noise or a function we do not serve: resynchronise on silence
      return;
    }
    if (len == 0 || buffer_.size() < static_cast<std::size_t>(len)) return;
    const std::vector<std::uint8_t> frame(buffer_.begin(), buffer_.begin() + len);
    buffer_.erase(buffer_.begin(), buffer_.begin() + len);
    if (!crc_ok(frame)) {
      buffer_.clear();
      continue;
    }
    serve(frame);
  }
}

void ModbusRtuServer::serve(std::span<const std::uint8_t> frame) {
  // The master spoke again: a late answer goes out just before this one; a delayed one is
  // abandoned.
  std::vector<std::uint8_t> out;
  if (held_ && !held_->due) out = std::move(held_->bytes);
  held_.reset();
  Answer answer = responder_.answer(frame);
  switch (answer.action) {
    case Answer::Action::send:
      out.insert(out.end(), answer.bytes.begin(), answer.bytes.end());
      break;
    case Answer::Action::hold_until_due:
      held_ = Held{std::move(answer.bytes), SteadyClock::now() + answer.delay};
      break;
    case Answer::Action::hold_until_next:
      held_ = Held{std::move(answer.bytes), std::nullopt};
      break;
    case Answer::Action::drop_connection:
    case Answer::Action::none:
      break;
  }
  write_all(out);
}

// Bounded: a port nobody reads must not stall the thread (and stop()).
bool ModbusRtuServer::write_all(const std::vector<std::uint8_t>& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n == -1 && errno == EINTR) continue;
    if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd out{fd_, POLLOUT, 0};
      if (::poll(&out, 1, 100) > 0) continue;
    }
    return false;
  }
  return true;
}

}  // namespace coldsort::bridge::sim
