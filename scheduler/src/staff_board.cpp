#include "staff_board.hpp"

#include <algorithm>

namespace coldsort::scheduler {
namespace {

bool overlap(const Window& a, const Window& b) { return a.start_min < b.end_min && b.start_min < a.end_min; }

}  // namespace

StaffBoard::StaffBoard(const Instance& instance)
    : instance_(instance), by_worker_(instance.workers.size()) {
  int offset = 0;
  for (const PlanStation& s : instance.stations) {
    slot_offset_.push_back(offset);
    offset += std::max(1, s.slots);
  }
  by_slot_.resize(static_cast<std::size_t>(offset));
}

bool StaffBoard::worker_free(int worker, const Window& window) const {
  const auto& list = by_worker_[static_cast<std::size_t>(worker)];
  return std::none_of(list.begin(), list.end(), [&](const Placement& p) { return overlap(p.window, window); });
}

bool StaffBoard::slot_free(int station, int slot, const Window& window) const {
  if (slot < 0 || slot >= instance_.stations[static_cast<std::size_t>(station)].slots) return false;
  const auto& list = by_slot_[slot_key(station, slot)];
  return std::none_of(list.begin(), list.end(), [&](const Window& w) { return overlap(w, window); });
}

int StaffBoard::free_slot(int station, const Window& window, int preferred) const {
  if (preferred >= 0 && slot_free(station, preferred, window)) return preferred;
  for (int slot = 0; slot < instance_.stations[static_cast<std::size_t>(station)].slots; ++slot)
    if (slot_free(station, slot, window)) return slot;
  return -1;
}

void StaffBoard::add(int worker, int station, int slot, const Window& window, std::string reason, bool pinned) {
  if (window.start_min >= window.end_min) return;
  const Placement p{station, slot, window, pinned};
  entries_.push_back({worker, p, std::move(reason)});
  by_worker_[static_cast<std::size_t>(worker)].push_back(p);
  by_slot_[slot_key(station, slot)].push_back(window);
}

std::vector<Window> StaffBoard::unplaced(int worker, const Window& window) const {
  std::vector<Window> cuts;
  for (const Placement& p : by_worker_[static_cast<std::size_t>(worker)]) cuts.push_back(p.window);
  std::sort(cuts.begin(), cuts.end(), [](const Window& a, const Window& b) { return a.start_min < b.start_min; });
  std::vector<Window> out;
  int from = window.start_min;
  for (const Window& c : cuts) {
    if (c.end_min <= from || c.start_min >= window.end_min) continue;
    if (c.start_min > from) out.push_back({from, c.start_min});
    from = std::max(from, c.end_min);
  }
  if (from < window.end_min) out.push_back({from, window.end_min});
  return out;
}

int StaffBoard::add_free_parts(int worker, int station, int slot, const Window& window, const std::string& reason,
                               bool pinned) {
  int placed = 0;
  for (const Window& part : unplaced(worker, window)) {
    // The slot's own occupants cut the part further.
    std::vector<Window> busy = by_slot_[slot_key(station, slot)];
    std::sort(busy.begin(), busy.end(), [](const Window& a, const Window& b) { return a.start_min < b.start_min; });
    int from = part.start_min;
    for (const Window& b : busy) {
      if (b.end_min <= from || b.start_min >= part.end_min) continue;
      if (b.start_min > from) {
        add(worker, station, slot, {from, b.start_min}, reason, pinned);
        placed += b.start_min - from;
      }
      from = std::max(from, b.end_min);
    }
    if (from < part.end_min) {
      add(worker, station, slot, {from, part.end_min}, reason, pinned);
      placed += part.end_min - from;
    }
  }
  return placed;
}

std::optional<StaffBoard::Placement> StaffBoard::last_before(int worker, int minute) const {
  std::optional<Placement> best;
  for (const Placement& p : by_worker_[static_cast<std::size_t>(worker)])
    if (p.window.start_min < minute && (!best || p.window.start_min > best->window.start_min)) best = p;
  return best;
}

std::vector<StaffAssignment> StaffBoard::assignments() const {
  std::vector<const Entry*> sorted;
  sorted.reserve(entries_.size());
  for (const Entry& e : entries_) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) {
    return a->worker != b->worker ? a->worker < b->worker
                                  : a->placement.window.start_min < b->placement.window.start_min;
  });
  std::vector<StaffAssignment> out;
  const Entry* previous = nullptr;
  for (const Entry* e : sorted) {
    const Placement& p = e->placement;
    // One stay planned period by period reads as one assignment, with the reason it began with.
    if (previous != nullptr && previous->worker == e->worker && out.back().window.end_min == p.window.start_min &&
        previous->placement.station == p.station && previous->placement.slot == p.slot &&
        previous->placement.pinned == p.pinned) {
      out.back().window.end_min = p.window.end_min;
    } else {
      out.push_back({instance_.workers[static_cast<std::size_t>(e->worker)].id,
                     instance_.stations[static_cast<std::size_t>(p.station)].id, p.slot, p.window, e->reason, p.pinned});
    }
    previous = e;
  }
  return out;
}

}  // namespace coldsort::scheduler
