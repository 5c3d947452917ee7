#include "coldsort/core/line.hpp"

namespace coldsort::core {

std::string_view to_string(OutletKind kind) {
  switch (kind) {
    case OutletKind::product: return "product";
    case OutletKind::reject: return "reject";
    case OutletKind::recirculation: return "recirculation";
  }
  return "product";
}

}  // namespace coldsort::core
