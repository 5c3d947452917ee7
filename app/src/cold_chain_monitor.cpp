#include "coldsort/app/cold_chain_monitor.hpp"

#include <stdexcept>

#include "room_watch.hpp"

namespace coldsort::app {

ColdChainMonitor::ColdChainMonitor(const std::vector<core::ColdRoom>& rooms)
    : ColdChainMonitor(rooms, Options{}) {}

ColdChainMonitor::ColdChainMonitor(const std::vector<core::ColdRoom>& rooms, Options options) {
  for (const core::ColdRoom& r : rooms) {
    for (const auto& known : rooms_)
      if (known->id() == r.id)
        throw std::invalid_argument("ColdChainMonitor: two cold rooms with id \"" + r.id + "\"");
    rooms_.push_back(std::make_unique<detail::RoomWatch>(r, options));
  }
}

ColdChainMonitor::~ColdChainMonitor() = default;
ColdChainMonitor::ColdChainMonitor(ColdChainMonitor&&) noexcept = default;
ColdChainMonitor& ColdChainMonitor::operator=(ColdChainMonitor&&) noexcept = default;

detail::RoomWatch& ColdChainMonitor::room(std::string_view room_id) const {
  for (const auto& r : rooms_)
    if (r->id() == room_id) return *r;
  throw std::invalid_argument("ColdChainMonitor: unknown cold room \"" + std::string(room_id) +
                              "\"");
}

ColdChainOutput ColdChainMonitor::update(std::string_view room_id, const ColdRoomSample& sample,
                                         core::SteadyTime now, core::WallTime wall_now) {
  ColdChainOutput out;
  room(room_id).update(sample, detail::Stamp{now, wall_now}, out);
  return out;
}

ColdRoomSnapshot ColdChainMonitor::snapshot(std::string_view room_id) const {
  return room(room_id).snapshot();
}

std::vector<ColdRoomSnapshot> ColdChainMonitor::snapshots() const {
  std::vector<ColdRoomSnapshot> out;
  out.reserve(rooms_.size());
  for (const auto& r : rooms_) out.push_back(r->snapshot());
  return out;
}

ColdChainOutput ColdChainMonitor::reset_chilling(std::string_view room_id) {
  ColdChainOutput out;
  room(room_id).reset_chilling(out);
  return out;
}

void ColdChainMonitor::restore_chilling(std::string_view room_id,
                                        std::chrono::milliseconds below) {
  room(room_id).restore_chilling(below);
}

ColdChainOutput ColdChainMonitor::finish() {
  ColdChainOutput out;
  for (const auto& r : rooms_) r->finish(out);
  // The conditions may well persist; whoever runs next judges them afresh.
  out.alarms.clear();
  return out;
}

}  // namespace coldsort::app
