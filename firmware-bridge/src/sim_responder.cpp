#include "sim_responder.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace coldsort::bridge::sim {
namespace {

// Header before the function code: MBAP (transaction id 2, protocol id 2, length 2, unit 1;
// Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3), or the RTU address byte
// (Modbus over Serial Line v1.02 §2.5.1).
constexpr int tcp_header_length = 7;
constexpr int rtu_header_length = 1;

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
void copy_back(const std::uint8_t* pdu, const modbus_mapping_t& m, RegisterBank& bank) {
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

void append_crc(std::vector<std::uint8_t>& frame) {
  const std::uint16_t crc = modbus_crc16(frame);
  frame.push_back(static_cast<std::uint8_t>(crc & 0xFF));
  frame.push_back(static_cast<std::uint8_t>(crc >> 8));
}

}  // namespace

std::uint16_t modbus_crc16(std::span<const std::uint8_t> bytes) {
  std::uint16_t crc = 0xFFFF;
  for (std::uint8_t b : bytes) {
    crc ^= b;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 1) != 0 ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001)
                           : static_cast<std::uint16_t>(crc >> 1);
  }
  return crc;
}

Responder::Responder(Transport transport, std::mutex& mutex, std::map<int, RegisterBank*> units,
                     FaultBook& faults)
    : transport_(transport),
      header_length_(transport == Transport::tcp ? tcp_header_length : rtu_header_length),
      mutex_(mutex),
      units_(std::move(units)),
      faults_(faults) {}

Responder::~Responder() { release(); }

core::Result<void> Responder::open() {
  release();
  // The builder only formats replies; its address and port are never used.
  builder_ = transport_ == Transport::tcp ? modbus_new_tcp("127.0.0.1", 1)
                                          : modbus_new_rtu("/dev/null", 9600, 'N', 8, 1);
  if (builder_ == nullptr ||
      ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, capture_fds_) == -1) {
    release();
    return core::errc::io_error;
  }
  modbus_set_socket(builder_, capture_fds_[0]);
  for (const auto& [unit, bank] : units_) {
    scratch_[unit] =
        modbus_mapping_new_start_address(0, static_cast<unsigned>(bank->coils.size()), 0,
                                         static_cast<unsigned>(bank->discrete_inputs.size()), 0,
                                         static_cast<unsigned>(bank->holding_registers.size()), 0,
                                         static_cast<unsigned>(bank->input_registers.size()));
    if (scratch_[unit] == nullptr) {
      release();
      return core::errc::io_error;
    }
  }
  return {};
}

void Responder::release() {
  for (auto& [unit, mapping] : scratch_) modbus_mapping_free(mapping);
  scratch_.clear();
  if (builder_ != nullptr) {
    modbus_set_socket(builder_, -1);  // the capture pair is closed below, not by libmodbus
    modbus_free(builder_);
    builder_ = nullptr;
  }
  for (int& fd : capture_fds_) {
    if (fd != -1) ::close(fd);
    fd = -1;
  }
}

Answer Responder::answer(std::span<const std::uint8_t> frame) {
  Answer out;
  if (frame.size() <= static_cast<std::size_t>(header_length_)) return out;
  const int unit = frame[static_cast<std::size_t>(header_length_ - 1)];
  if (!units_.contains(unit)) {
    // A serial slave that does not exist is silent; a gateway answers for it (Modbus
    // Application Protocol v1.1b3 §7, exception 0x0B: gateway target failed to respond).
    if (transport_ == Transport::tcp) {
      out.action = Answer::Action::send;
      out.bytes = exception_frame(frame, MODBUS_EXCEPTION_GATEWAY_TARGET);
    }
    return out;
  }
  std::optional<SimFault> fault;
  {
    std::lock_guard lock(mutex_);
    fault = faults_.take(unit, transport_);
  }
  using Kind = SimFault::Kind;
  if (fault && fault->kind == Kind::drop_connection) {
    out.action =
        transport_ == Transport::tcp ? Answer::Action::drop_connection : Answer::Action::none;
    return out;
  }
  out.bytes = fault && fault->kind == Kind::exception ? exception_frame(frame, fault->code)
                                                      : build_reply(frame, unit);
  if (out.bytes.empty()) return out;
  out.action = Answer::Action::send;
  if (!fault) return out;
  if (fault->kind == Kind::corrupt_crc) {
    out.bytes.back() ^= 0x5A;
  } else if (fault->kind == Kind::delay_reply) {
    out.action = Answer::Action::hold_until_due;
    out.delay = std::chrono::milliseconds{fault->delay_ms};
  } else if (fault->kind == Kind::late_reply) {
    out.action = Answer::Action::hold_until_next;
  }
  return out;
}

// libmodbus formats the reply (and any exception for a bad address or function) into the
// capture pair; the answer is read back from there.
std::vector<std::uint8_t> Responder::build_reply(std::span<const std::uint8_t> frame, int unit_id) {
  modbus_mapping_t& scratch = *scratch_.at(unit_id);
  RegisterBank& bank = *units_.at(unit_id);
  {
    std::lock_guard lock(mutex_);
    copy_in(bank, scratch);
  }
  modbus_set_slave(builder_, unit_id);
  const int rc = modbus_reply(builder_, frame.data(), static_cast<int>(frame.size()), &scratch);
  const std::uint8_t* pdu = frame.data() + header_length_;
  if (is_write(pdu[0])) {
    std::lock_guard lock(mutex_);
    copy_back(pdu, scratch, bank);
  }
  if (rc == -1) {
    take_captured();  // whatever part was written
    return {};
  }
  return take_captured();
}

std::vector<std::uint8_t> Responder::take_captured() {
  std::vector<std::uint8_t> out;
  std::uint8_t buffer[MODBUS_MAX_ADU_LENGTH];
  for (;;) {
    const auto n = ::recv(capture_fds_[1], buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.insert(out.end(), buffer, buffer + n);
  }
  return out;
}

// Built by hand rather than by modbus_reply_exception(), which refuses codes above 0x0B:
// vendors answer with their own codes and the master must cope with those too.
std::vector<std::uint8_t> Responder::exception_frame(std::span<const std::uint8_t> frame,
                                                     int code) const {
  const auto function =
      static_cast<std::uint8_t>(frame[static_cast<std::size_t>(header_length_)] | 0x80);
  const auto exception = static_cast<std::uint8_t>(code);
  const std::uint8_t unit = frame[static_cast<std::size_t>(header_length_ - 1)];
  if (transport_ == Transport::tcp) {
    // Same transaction id, protocol 0, 3 bytes follow: unit, function | 0x80, code.
    return {frame[0], frame[1], 0, 0, 0, 3, unit, function, exception};
  }
  std::vector<std::uint8_t> out{unit, function, exception};
  append_crc(out);
  return out;
}

}  // namespace coldsort::bridge::sim
