#pragma once
// What the packing floor records for the throughput log: each packed parcel with its
// check-weigh, each change of an order's status, and each operator action (the audit
// trail). Packers are paid per piece and buyers pay per order, so these are the records a
// manager's reports must trace back to. Thread safety: plain values.
#include <optional>
#include <string>
#include <string_view>

#include "coldsort/core/clock.hpp"

namespace coldsort::core {

// One parcel off a packing station, weighed on the station's check-weigher.
struct BoxRecord {
  std::string box_id;      // the parcel label; unique
  std::string order_id;    // empty: packed for stock
  std::string station;
  std::string worker;      // who packed it (piece-rate pay counts these)
  std::string product_id;  // grade x size code, as the outlets carry it
  std::string box_type;    // the SKU's packaging ("gift-6", "ecom-12")
  std::string lot_id;      // the lot most of its fruit came from; empty: unknown
  int fruit_count = 0;
  double weight_g = 0;     // check-weighed gross fruit weight
  double nominal_g = 0;    // the weight the label promises; weight_g - nominal_g is giveaway
  double pack_s = 0;       // seconds the station spent on it (for utilisation)
  WallTime packed_at{};
  WallTime into_cold_at{};  // WallTime{} while it has not reached the staging room
};

enum class OrderStatus { open, packing, packed, shipped, cancelled };
std::string_view to_string(OrderStatus status);
std::optional<OrderStatus> parse_order_status(std::string_view text);

// An order as it is now; the log keeps the latest per order and every change as history.
struct OrderUpdate {
  std::string order_id;
  std::string product_id;
  std::string box_type;
  int boxes = 0;
  std::string courier;
  WallTime cutoff{};   // the courier's collection time the order must make
  WallTime arrived{};  // when the e-commerce platform sent it
  int priority = 0;
  OrderStatus status = OrderStatus::open;
  WallTime at{};       // when it changed to `status`
  std::string actor;   // "system", a station or a user
};

// One operator or manager action: who did what to which target, and whether it was done.
struct OperatorAction {
  WallTime at{};
  std::string actor;   // user name
  std::string role;    // packer, operator, supervisor, manager, admin
  std::string action;  // "line.start", "outlet.assign", "alarm.shelve", "settings.change"
  std::string target;  // "line", "O05", "alarm:cold.R1.temp_high", ...
  std::string detail;  // the request's parameters or the change, as text
  bool allowed = true; // refused requests are audited too
  std::string outcome; // "done", "refused: role packer", "failed: ..."
};

}  // namespace coldsort::core
