#pragma once
// The physical line: products it sorts into, outlets along it, packing stations beside it.
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/core/fruit.hpp"

namespace coldsort::core {

// A product is what a packer packs: a quality class in a size code, e.g. Class I size C.
struct Product {
  std::string id;
  Grade grade = Grade::class_i;
  std::string size_code;
  std::string name;
};

struct Lane {
  int index = 0;  // 0-based, as the PLC numbers them
};

// What an outlet is for. Product outlets take allocated products; the reject outlet takes
// out-of-grade fruit; recirculation takes what could not be graded with confidence.
enum class OutletKind { product, reject, recirculation };
// "product", "reject", "recirculation": the words config files and the API use.
std::string_view to_string(OutletKind kind);

// An outlet along the line. Every outlet takes fruit from every lane; `position_cups` is
// how many cups downstream of the camera its ejectors sit.
struct Outlet {
  std::string id;
  int number = 0;  // the number the PLC's outlet table uses, 1-based
  OutletKind kind = OutletKind::product;
  int position_cups = 0;
  std::vector<std::string> products;  // allocated product ids (product outlets)
  std::vector<std::string> stations;  // stations this outlet feeds
  // Devices the outlet cannot work without (its take-away conveyor's drive, a check-weigher):
  // while any of them is lost, fruit for this outlet goes to reject instead.
  std::vector<std::string> devices;
};

struct Station {
  std::string id;
  std::vector<std::string> box_types;
};

}  // namespace coldsort::core
