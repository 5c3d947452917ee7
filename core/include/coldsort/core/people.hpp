#pragma once
// Workers, the orders they pack and the grower lots the fruit comes from.
#include <string>
#include <vector>

#include "coldsort/core/clock.hpp"

namespace coldsort::core {

struct Worker {
  std::string id;
  std::string name;
  std::string badge;
  std::vector<std::string> skills;  // box types this worker can pack
};

struct Order {
  std::string id;
  std::string product_id;
  std::string box_type;
  int fruit_count = 0;
  std::string courier;
  WallTime cutoff{};
  int priority = 0;
};

// A grower's delivery, tracked from intake so the outturn can be paid per lot.
struct Lot {
  std::string id;
  std::string grower;
  std::string variety;
  double intake_kg = 0;
  WallTime intake_at{};
  std::string cold_room;  // where it waits before grading; empty: unknown
};

}  // namespace coldsort::core
