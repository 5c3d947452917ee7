#pragma once
// The request faults a test has queued for the simulator's units (SimFault in
// line_simulator.hpp): which request gets which fault, counted down as requests arrive.
// Thread safety: none; LineSimulator guards it with its one mutex, which the servers take.
#include <map>
#include <optional>
#include <vector>

#include "coldsort/bridge/line_simulator.hpp"

namespace coldsort::bridge::sim {

enum class Transport { tcp, rtu };

class FaultBook {
 public:
  // Queues a request fault (drop, delay, late, exception, corrupt_crc); other kinds are a
  // programming error (std::invalid_argument).
  void add(int unit_id, const SimFault& fault);
  void clear(int unit_id);
  // The fault the next request to `unit_id` over `transport` gets, used up by one; nullopt
  // when it is to be answered normally.
  std::optional<SimFault> take(int unit_id, Transport transport);

 private:
  std::map<int, std::vector<SimFault>> faults_;
};

}  // namespace coldsort::bridge::sim
