#pragma once
// Staffing while a method builds it: who stands at which station slot when. It keeps the two
// hard rules of staffing by construction (one worker per slot at a time, a worker in one place
// at a time) and hands the result back as StaffAssignments, windows of one stay that follow
// one another merged.
// Thread safety: not thread-safe; one per plan.
#include <optional>
#include <string>
#include <vector>

#include "coldsort/scheduler/plan.hpp"
#include "plan_support.hpp"

namespace coldsort::scheduler {

class StaffBoard {
 public:
  struct Placement {
    int station = -1;
    int slot = 0;
    Window window;
    bool pinned = false;
  };

  explicit StaffBoard(const Instance& instance);

  bool worker_free(int worker, const Window& window) const;
  bool slot_free(int station, int slot, const Window& window) const;
  // A slot of the station free over the window, `preferred` first; -1 when none.
  int free_slot(int station, const Window& window, int preferred = -1) const;
  // Places the worker; the caller has checked that worker and slot are free.
  void add(int worker, int station, int slot, const Window& window, std::string reason, bool pinned);
  // Places the worker on the parts of `window` where both worker and slot are free; returns
  // the minutes placed.
  int add_free_parts(int worker, int station, int slot, const Window& window, const std::string& reason, bool pinned);

  const std::vector<Placement>& placements(int worker) const { return by_worker_[static_cast<std::size_t>(worker)]; }
  // The worker's last placement starting before `minute`, if any.
  std::optional<Placement> last_before(int worker, int minute) const;
  // The parts of `window` where the worker is not placed yet.
  std::vector<Window> unplaced(int worker, const Window& window) const;

  std::vector<StaffAssignment> assignments() const;

 private:
  struct Entry {
    int worker;
    Placement placement;
    std::string reason;
  };
  std::size_t slot_key(int station, int slot) const {
    return static_cast<std::size_t>(slot_offset_[static_cast<std::size_t>(station)] + slot);
  }

  const Instance& instance_;
  std::vector<Entry> entries_;
  std::vector<std::vector<Placement>> by_worker_;
  std::vector<std::vector<Window>> by_slot_;
  std::vector<int> slot_offset_;
};

}  // namespace coldsort::scheduler
