// The Planner seam's registry (planner.hpp): planning methods by name, the live one first.
#include "planners.hpp"

namespace coldsort::scheduler {

std::unique_ptr<Planner> make_planner(std::string_view method) {
  if (method == "flow") return make_flow_planner();
  if (method == "fifo") return make_fifo_planner();
  if (method == "edd") return make_edd_planner();
  return nullptr;
}

std::vector<std::string> planner_methods() { return {"flow", "fifo", "edd"}; }

}  // namespace coldsort::scheduler
