#include "rollup_accumulator.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

namespace coldsort::store::detail {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 3'600'000;
// A batch holds at most a few thousand distinct keys (an hour of 8 lanes x lots x grades x
// sizes x outlets); reserving that many buckets up front keeps a large batch from
// rehashing while it is summed.
constexpr std::size_t kReservedKeys = 1024;

// The upserts add a batch's sums to what is stored. Unqualified names in DO UPDATE refer
// to the stored row, `excluded` to the batch's (sqlite.org/lang_upsert.html).
constexpr const char* kUpsertFruitMinute =
    "INSERT INTO fruit_minute (minute_ms, lane, grade, n, weight_g) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (minute_ms, lane, grade) DO UPDATE SET n = n + excluded.n,"
    " weight_g = weight_g + excluded.weight_g";
constexpr const char* kUpsertFruitHour =
    "INSERT INTO fruit_hour (hour_ms, lane, lot_id, grade, size_code, outlet, n, weight_g)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT (hour_ms, lane, lot_id, grade, size_code, outlet) DO UPDATE SET"
    " n = n + excluded.n, weight_g = weight_g + excluded.weight_g";
constexpr const char* kUpsertBoxHour =
    "INSERT INTO box_hour (hour_ms, worker, station, box_type, product_id, boxes, fruit,"
    " weight_g, nominal_g, pack_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    " ON CONFLICT (hour_ms, worker, station, box_type, product_id) DO UPDATE SET"
    " boxes = boxes + excluded.boxes, fruit = fruit + excluded.fruit,"
    " weight_g = weight_g + excluded.weight_g, nominal_g = nominal_g + excluded.nominal_g,"
    " pack_s = pack_s + excluded.pack_s";
// Two-argument MIN/MAX are SQLite's scalar functions (the smaller/larger of the two).
constexpr const char* kUpsertSensorHour =
    "INSERT INTO sensor_hour (device, point, hour_ms, n, sum_value, min_value, max_value)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (device, point, hour_ms) DO UPDATE SET n = n + excluded.n,"
    " sum_value = sum_value + excluded.sum_value,"
    " min_value = MIN(min_value, excluded.min_value),"
    " max_value = MAX(max_value, excluded.max_value)";

// The start of the bucket holding t_ms: a floor, also for times before 1970.
std::int64_t bucket_start(std::int64_t t_ms, std::int64_t width_ms) {
  std::int64_t q = t_ms / width_ms;
  if (t_ms % width_ms != 0 && t_ms < 0) --q;
  return q * width_ms;
}

// Boost-style hash_combine with the 64-bit golden-ratio constant.
std::size_t mix(std::size_t seed, std::size_t value) {
  return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

std::size_t hash_text(std::string_view text) { return std::hash<std::string_view>{}(text); }

int run(Statement& stmt) {
  int rc = stmt.step();
  stmt.reset();
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

}  // namespace

std::size_t RollupAccumulator::KeyHash::operator()(const FruitMinuteKey& k) const {
  std::size_t h = std::hash<std::int64_t>{}(k.minute_ms);
  h = mix(h, static_cast<std::size_t>(k.lane));
  return mix(h, static_cast<std::size_t>(k.grade));
}

std::size_t RollupAccumulator::KeyHash::operator()(const FruitHourKey& k) const {
  std::size_t h = std::hash<std::int64_t>{}(k.hour_ms);
  h = mix(h, static_cast<std::size_t>(k.lane));
  h = mix(h, static_cast<std::size_t>(k.outlet));
  h = mix(h, static_cast<std::size_t>(k.grade));
  h = mix(h, hash_text(k.lot_id));
  return mix(h, hash_text(k.size_code));
}

std::size_t RollupAccumulator::KeyHash::operator()(const BoxHourKey& k) const {
  std::size_t h = std::hash<std::int64_t>{}(k.hour_ms);
  h = mix(h, hash_text(k.worker));
  h = mix(h, hash_text(k.station));
  h = mix(h, hash_text(k.box_type));
  return mix(h, hash_text(k.product_id));
}

std::size_t RollupAccumulator::KeyHash::operator()(const SensorHourKey& k) const {
  std::size_t h = std::hash<std::int64_t>{}(k.hour_ms);
  h = mix(h, hash_text(k.device));
  return mix(h, hash_text(k.point));
}

RollupAccumulator::RollupAccumulator() {
  fruit_minute_.reserve(kReservedKeys);
  fruit_hour_.reserve(kReservedKeys);
  box_hour_.reserve(kReservedKeys);
  sensor_hour_.reserve(kReservedKeys);
}

core::Result<RollupAccumulator> RollupAccumulator::create(const Connection& db, SqlError* detail) {
  RollupAccumulator r;
  const std::pair<Statement*, const char*> statements[] = {
      {&r.fruit_minute_upsert_, kUpsertFruitMinute},
      {&r.fruit_hour_upsert_, kUpsertFruitHour},
      {&r.box_hour_upsert_, kUpsertBoxHour},
      {&r.sensor_hour_upsert_, kUpsertSensorHour},
  };
  for (auto [stmt, sql] : statements) {
    auto prepared = Statement::prepare(db, sql, detail);
    if (!prepared) return prepared.error();
    *stmt = std::move(*prepared);
  }
  return r;
}

void RollupAccumulator::add_fruit(const core::Fruit& f) {
  const std::int64_t t_ms = core::to_unix_ms(f.seen_at);
  // A NaN weight is stored as NULL in the raw row, and SUM over raw rows skips NULL: the
  // fruit counts in n but adds nothing to the weight.
  const double weight_g = std::isnan(f.measured.weight_g) ? 0.0 : f.measured.weight_g;
  FruitSum& minute =
      fruit_minute_[FruitMinuteKey{bucket_start(t_ms, kMinuteMs), f.at.lane, f.grade}];
  minute.n += 1;
  minute.weight_g += weight_g;
  FruitSum& hour = fruit_hour_[FruitHourKey{bucket_start(t_ms, kHourMs), f.at.lane, f.outlet,
                                            f.grade, f.lot_id, f.size_code}];
  hour.n += 1;
  hour.weight_g += weight_g;
}

void RollupAccumulator::add_box(const core::BoxRecord& b) {
  const BoxHourKey key{bucket_start(core::to_unix_ms(b.packed_at), kHourMs), b.worker, b.station,
                       b.box_type, b.product_id};
  BoxSum& sum = box_hour_[key];
  sum.boxes += 1;
  sum.fruit += b.fruit_count;
  sum.weight_g += box_measure(b.weight_g);
  sum.nominal_g += box_measure(b.nominal_g);
  sum.pack_s += box_measure(b.pack_s);
}

void RollupAccumulator::add_sample(const SensorSample& s) {
  // A NaN reading is stored as NULL; the hour's count, mean and range skip it.
  if (std::isnan(s.value)) return;
  const SensorHourKey key{bucket_start(core::to_unix_ms(s.at), kHourMs), s.device, s.point};
  auto [it, inserted] = sensor_hour_.try_emplace(key);
  SensorSum& sum = it->second;
  if (inserted) {
    sum.min = s.value;
    sum.max = s.value;
  } else {
    sum.min = std::min(sum.min, s.value);
    sum.max = std::max(sum.max, s.value);
  }
  sum.n += 1;
  sum.sum += s.value;
}

int RollupAccumulator::write() {
  int rc = write_fruit_minutes();
  if (rc == SQLITE_OK) rc = write_fruit_hours();
  if (rc == SQLITE_OK) rc = write_box_hours();
  if (rc == SQLITE_OK) rc = write_sensor_hours();
  clear();
  return rc;
}

void RollupAccumulator::clear() {
  // clear() keeps the bucket arrays, so the next batch does not rehash either.
  fruit_minute_.clear();
  fruit_hour_.clear();
  box_hour_.clear();
  sensor_hour_.clear();
}

int RollupAccumulator::write_fruit_minutes() {
  Statement& s = fruit_minute_upsert_;
  for (const auto& [key, sum] : fruit_minute_) {
    s.bind(1, key.minute_ms);
    s.bind(2, std::int64_t{key.lane});
    s.bind(3, core::to_string(key.grade));
    s.bind(4, sum.n);
    s.bind(5, sum.weight_g);
    if (int rc = run(s); rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

int RollupAccumulator::write_fruit_hours() {
  Statement& s = fruit_hour_upsert_;
  for (const auto& [key, sum] : fruit_hour_) {
    // '' rather than NULL for a missing lot or size: NULL cannot be part of the key.
    s.bind(1, key.hour_ms);
    s.bind(2, std::int64_t{key.lane});
    s.bind(3, key.lot_id);
    s.bind(4, core::to_string(key.grade));
    s.bind(5, key.size_code);
    s.bind(6, std::int64_t{key.outlet});
    s.bind(7, sum.n);
    s.bind(8, sum.weight_g);
    if (int rc = run(s); rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

int RollupAccumulator::write_box_hours() {
  Statement& s = box_hour_upsert_;
  for (const auto& [key, sum] : box_hour_) {
    s.bind(1, key.hour_ms);
    s.bind(2, key.worker);
    s.bind(3, key.station);
    s.bind(4, key.box_type);
    s.bind(5, key.product_id);
    s.bind(6, sum.boxes);
    s.bind(7, sum.fruit);
    s.bind(8, sum.weight_g);
    s.bind(9, sum.nominal_g);
    s.bind(10, sum.pack_s);
    if (int rc = run(s); rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

int RollupAccumulator::write_sensor_hours() {
  Statement& s = sensor_hour_upsert_;
  for (const auto& [key, sum] : sensor_hour_) {
    s.bind(1, key.device);
    s.bind(2, key.point);
    s.bind(3, key.hour_ms);
    s.bind(4, sum.n);
    s.bind(5, sum.sum);
    s.bind(6, sum.min);
    s.bind(7, sum.max);
    if (int rc = run(s); rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

}  // namespace coldsort::store::detail
