#include "sim_fault_book.hpp"

#include <stdexcept>

namespace coldsort::bridge {

SimFault SimFault::drop_connection(int count) {
  return SimFault{Kind::drop_connection, count, 0, 0, {}, 0};
}
SimFault SimFault::delay_reply(int delay_ms, int count) {
  return SimFault{Kind::delay_reply, count, delay_ms, 0, {}, 0};
}
SimFault SimFault::late_reply(int count) { return SimFault{Kind::late_reply, count, 0, 0, {}, 0}; }
SimFault SimFault::exception(int code, int count) {
  return SimFault{Kind::exception, count, 0, code, {}, 0};
}
SimFault SimFault::corrupt_crc(int count) {
  return SimFault{Kind::corrupt_crc, count, 0, 0, {}, 0};
}
SimFault SimFault::stick_point(std::string point) {
  return SimFault{Kind::stick_point, 0, 0, 0, std::move(point), 0};
}
SimFault SimFault::force_raw(std::string point, double raw) {
  return SimFault{Kind::force_raw, 0, 0, 0, std::move(point), raw};
}
SimFault SimFault::device_fault(int code) {
  return SimFault{Kind::device_fault, 0, 0, code, {}, 0};
}

}  // namespace coldsort::bridge

namespace coldsort::bridge::sim {

void FaultBook::add(int unit_id, const SimFault& fault) {
  switch (fault.kind) {
    case SimFault::Kind::drop_connection:
    case SimFault::Kind::delay_reply:
    case SimFault::Kind::late_reply:
    case SimFault::Kind::exception:
    case SimFault::Kind::corrupt_crc:
      if (fault.count < 0) throw std::invalid_argument("a fault's count must be >= 0");
      if (fault.kind == SimFault::Kind::exception && (fault.code < 1 || fault.code > 255))
        throw std::invalid_argument("a Modbus exception code is 1..255");
      if (fault.kind == SimFault::Kind::delay_reply && fault.delay_ms < 0)
        throw std::invalid_argument("a reply delay must be >= 0 ms");
      faults_[unit_id].push_back(fault);
      return;
    case SimFault::Kind::stick_point:
    case SimFault::Kind::force_raw:
    case SimFault::Kind::device_fault:
      break;
  }
  throw std::invalid_argument("FaultBook holds request faults only");
}

void FaultBook::clear(int unit_id) { faults_.erase(unit_id); }

std::optional<SimFault> FaultBook::take(int unit_id, Transport transport) {
  const auto found = faults_.find(unit_id);
  if (found == faults_.end()) return std::nullopt;
  auto& queue = found->second;
  for (auto it = queue.begin(); it != queue.end(); ++it) {
    // A TCP frame has no CRC to damage (the TCP checksum covers it, Modbus Messaging on
    // TCP/IP Implementation Guide v1.0b §3.1.3), so the fault waits for an RTU request.
    if (it->kind == SimFault::Kind::corrupt_crc && transport == Transport::tcp) continue;
    SimFault fault = *it;
    if (it->count > 0 && --it->count == 0) queue.erase(it);
    if (queue.empty()) faults_.erase(found);
    return fault;
  }
  return std::nullopt;
}

}  // namespace coldsort::bridge::sim
