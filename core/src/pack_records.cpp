#include "coldsort/core/pack_records.hpp"

namespace coldsort::core {

std::string_view to_string(OrderStatus status) {
  switch (status) {
    case OrderStatus::open: return "open";
    case OrderStatus::packing: return "packing";
    case OrderStatus::packed: return "packed";
    case OrderStatus::shipped: return "shipped";
    case OrderStatus::cancelled: return "cancelled";
  }
  return "open";
}

std::optional<OrderStatus> parse_order_status(std::string_view text) {
  for (OrderStatus s : {OrderStatus::open, OrderStatus::packing, OrderStatus::packed,
                        OrderStatus::shipped, OrderStatus::cancelled})
    if (to_string(s) == text) return s;
  return std::nullopt;
}

}  // namespace coldsort::core
