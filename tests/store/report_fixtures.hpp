#pragma once
// Records with known times for the report tests: a local day (UTC+8) to place them on, and
// builders for fruit, boxes, orders, lots, rooms and excursions.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "coldsort/core/cold_room.hpp"
#include "coldsort/core/fruit.hpp"
#include "coldsort/core/pack_records.hpp"
#include "coldsort/core/people.hpp"
#include "coldsort/store/log_store.hpp"
#include "coldsort/store/reports.hpp"

namespace coldsort::test {

constexpr std::int64_t kMin = 60'000;
constexpr std::int64_t kHour = 60 * kMin;
constexpr std::int64_t kDay = 24 * kHour;
constexpr int kOffsetMin = 480;

// 2026-10-01 00:00 local (UTC+8) in Unix ms.
inline std::int64_t day0_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(sys_days{year{2026} / 9 / 30}.time_since_epoch()).count() + 16 * kHour;
}

inline core::WallTime wall(std::int64_t ms) { return core::WallTime{std::chrono::milliseconds{ms}}; }

inline core::Fruit report_fruit(std::int64_t t_ms, int lane, std::string lot, core::Grade grade, std::string size,
                                double weight_g) {
  core::Fruit f;
  f.at = core::CupRef{lane, static_cast<std::uint64_t>(t_ms / 100)};
  f.seen_at = wall(t_ms);
  f.lot_id = std::move(lot);
  f.measured.weight_g = weight_g;
  f.grade = grade;
  f.size_code = std::move(size);
  f.product_id = f.size_code.empty() ? "" : std::string(core::to_string(grade)) + "-" + f.size_code;
  f.outlet = lane + 1;
  f.reason = core::DecisionReason::graded;
  return f;
}

struct BoxSpec {
  std::string id, worker, station, box_type, product;
  int fruit = 0;
  double weight_g = 0, nominal_g = 0, pack_s = 0;
  std::int64_t t_ms = 0;
  std::string order;
};

inline core::BoxRecord report_box(const BoxSpec& s) {
  core::BoxRecord b;
  b.box_id = s.id;
  b.order_id = s.order;
  b.station = s.station;
  b.worker = s.worker;
  b.product_id = s.product;
  b.box_type = s.box_type;
  b.fruit_count = s.fruit;
  b.weight_g = s.weight_g;
  b.nominal_g = s.nominal_g;
  b.pack_s = s.pack_s;
  b.packed_at = wall(s.t_ms);
  return b;
}

inline core::OrderUpdate report_order(std::string id, std::string courier, int boxes, std::int64_t cutoff_ms,
                                      core::OrderStatus status, std::int64_t at_ms) {
  core::OrderUpdate o;
  o.order_id = std::move(id);
  o.courier = std::move(courier);
  o.boxes = boxes;
  o.box_type = "gift-6";
  o.product_id = "extra-S1";
  o.cutoff = wall(cutoff_ms);
  o.arrived = wall(cutoff_ms - 6 * kHour);
  o.status = status;
  o.at = wall(at_ms);
  o.actor = "system";
  return o;
}

inline core::ColdRoom report_room(std::string id, std::string device, double min_c, double max_c) {
  core::ColdRoom r;
  r.id = std::move(id);
  r.name = "room " + r.id;
  r.device = std::move(device);
  r.min_c = min_c;
  r.max_c = max_c;
  return r;  // records on probes.record_point ("record_temp_c")
}

inline core::ColdExcursion report_excursion(std::string room, core::ExcursionKind kind, std::int64_t start_ms,
                                            std::int64_t end_ms, double peak, double limit) {
  core::ColdExcursion e;
  e.room = std::move(room);
  e.kind = kind;
  e.start = wall(start_ms);
  e.end = wall(end_ms);
  e.duration = std::chrono::milliseconds{end_ms - start_ms};
  e.peak = peak;
  e.limit = limit;
  e.probe = "record_temp_c";
  return e;
}

inline store::ReportQuery report_query(std::int64_t from_ms, std::int64_t to_ms, std::string group_by = "",
                                       store::ReportSource source = store::ReportSource::rollups) {
  store::ReportQuery q;
  q.from_ms = from_ms;
  q.to_ms = to_ms;
  q.utc_offset_min = kOffsetMin;
  q.group_by = std::move(group_by);
  q.source = source;
  return q;
}

}  // namespace coldsort::test
