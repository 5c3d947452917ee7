#include "table_writer.hpp"

#include <type_traits>
#include <utility>

namespace coldsort::store::detail {
namespace {

constexpr const char* kInsertFruit =
    "INSERT INTO fruit (t_ms, lane, cup, lot_id, diameter_mm, minor_diameter_mm, area_mm2,"
    " weight_g, hue_deg, defect_share, confidence, grade, size_code, product_id, outlet,"
    " reason, volume_cm3, defect_mm2, largest_defect_mm2, defect_kinds, colour_share,"
    " colour_class, views, doubt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)";
constexpr const char* kInsertAlarm =
    "INSERT INTO alarm_event (t_ms, alarm_key, source, message, priority, state)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kInsertSample =
    "INSERT INTO sensor_sample (t_ms, device, point, value) VALUES (?1, ?2, ?3, ?4)";
constexpr const char* kInsertTransition =
    "INSERT INTO alarm_event (t_ms, alarm_key, source, message, priority, state, from_state,"
    " active, actor, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr const char* kInsertPlan =
    "INSERT INTO plan (t_ms, method, instance, made_at_min, parcels_demanded, parcels_on_time,"
    " parcels_late, parcels_unplanned, changes, plan_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertExcursion =
    "INSERT INTO cold_excursion (room, kind, start_ms, end_ms, duration_ms, peak, limit_value,"
    " alarmed, defrost, probe, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

// A repeated box_id is a parcel scanned twice, not a reason to lose the batch: the row is
// skipped (sqlite3_changes() is then 0, so it is not rolled up either).
constexpr const char* kInsertBox =
    "INSERT INTO box (box_id, order_id, station, worker, product_id, box_type, lot_id,"
    " fruit_count, weight_g, nominal_g, pack_s, packed_ms, into_cold_ms) VALUES (?1, ?2, ?3,"
    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (box_id) DO NOTHING";
// The latest update wins, but packed_ms and shipped_ms keep the first time the order
// reached that status (?11/?12 are NULL unless this update is that status), and an update
// that lacks an optional field (NULL) keeps the one stored. Unqualified names in DO UPDATE
// are the stored row (sqlite.org/lang_upsert.html).
constexpr const char* kUpsertOrder =
    "INSERT INTO customer_order (order_id, product_id, box_type, boxes, courier, cutoff_ms,"
    " arrived_ms, priority, status, status_ms, packed_ms, shipped_ms) VALUES (?1, ?2, ?3, ?4,"
    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (order_id) DO UPDATE SET"
    " product_id = COALESCE(excluded.product_id, product_id),"
    " box_type = COALESCE(excluded.box_type, box_type), boxes = excluded.boxes,"
    " courier = COALESCE(excluded.courier, courier), cutoff_ms = excluded.cutoff_ms,"
    " arrived_ms = COALESCE(excluded.arrived_ms, arrived_ms), priority = excluded.priority,"
    " status = excluded.status, status_ms = excluded.status_ms,"
    " packed_ms = COALESCE(packed_ms, excluded.packed_ms),"
    " shipped_ms = COALESCE(shipped_ms, excluded.shipped_ms)";
constexpr const char* kInsertOrderEvent =
    "INSERT INTO order_event (t_ms, order_id, status, actor) VALUES (?1, ?2, ?3, ?4)";
constexpr const char* kUpsertLot =
    "INSERT INTO lot (lot_id, grower, variety, intake_kg, intake_ms, cold_room) VALUES (?1, ?2,"
    " ?3, ?4, ?5, ?6) ON CONFLICT (lot_id) DO UPDATE SET grower = excluded.grower,"
    " variety = COALESCE(excluded.variety, variety), intake_kg = excluded.intake_kg,"
    " intake_ms = COALESCE(excluded.intake_ms, intake_ms),"
    " cold_room = COALESCE(excluded.cold_room, cold_room)";
constexpr const char* kInsertAction =
    "INSERT INTO operator_action (t_ms, actor, role, action, target, detail, allowed, outcome)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr const char* kInsertBand =
    "INSERT INTO cold_room_band (t_ms, room, name, device, point, min_c, max_c) VALUES (?1,"
    " ?2, ?3, ?4, ?5, ?6, ?7)";

// Binds a time, or NULL for WallTime{} ("not yet" / "unknown").
void bind_time_or_null(Statement& stmt, int index, core::WallTime t) {
  if (t != core::WallTime{}) stmt.bind(index, core::to_unix_ms(t));
}

// Runs a prepared statement that returns no rows and makes it ready for the next use.
int run(Statement& stmt) {
  int rc = stmt.step();
  stmt.reset();
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

}  // namespace

core::Result<TableWriter> TableWriter::create(Connection db, SqlError* detail) {
  auto rollups = RollupAccumulator::create(db, detail);
  if (!rollups) return rollups.error();
  TableWriter w(std::move(*rollups));
  w.db_ = std::move(db);
  // IMMEDIATE takes the write lock at BEGIN, so a busy database shows up there (where the
  // busy timeout applies cleanly) rather than half-way through the inserts.
  const std::pair<Statement*, const char*> statements[] = {
      {&w.begin_, "BEGIN IMMEDIATE"}, {&w.commit_, "COMMIT"},      {&w.fruit_, kInsertFruit},
      {&w.alarm_, kInsertAlarm},      {&w.sample_, kInsertSample},
      {&w.transition_, kInsertTransition}, {&w.excursion_, kInsertExcursion},
      {&w.plan_, kInsertPlan},        {&w.box_, kInsertBox},       {&w.order_, kUpsertOrder},
      {&w.order_event_, kInsertOrderEvent}, {&w.lot_, kUpsertLot}, {&w.action_, kInsertAction},
      {&w.band_, kInsertBand},
  };
  for (auto [stmt, sql] : statements) {
    auto prepared = Statement::prepare(w.db_, sql, detail);
    if (!prepared) return prepared.error();
    *stmt = std::move(*prepared);
  }
  return w;
}

core::Result<void> TableWriter::commit(std::span<const Record> batch, SqlError* detail) {
  int rc = run(begin_);
  for (std::size_t i = 0; rc == SQLITE_OK && i < batch.size(); ++i) rc = insert(batch[i]);
  // The rollups go in the batch's own transaction: committed with its rows or not at all.
  if (rc == SQLITE_OK) rc = rollups_.write();
  if (rc == SQLITE_OK) rc = run(commit_);
  if (rc == SQLITE_OK) return {};
  // What was counted belongs to the rolled-back transaction; a retry counts it again.
  rollups_.clear();
  if (detail != nullptr) *detail = db_.error(rc);
  // After SQLITE_FULL or SQLITE_IOERR SQLite may already have rolled back; then this
  // ROLLBACK fails with "no transaction is active", which is what we want anyway.
  if (!sqlite3_get_autocommit(db_.get())) db_.exec("ROLLBACK");
  return core::make_error_code(to_errc(rc));
}

int TableWriter::insert(const Record& record) {
  return std::visit(
      [this](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, core::Fruit>)
          return insert_fruit(r);
        else if constexpr (std::is_same_v<T, core::Alarm>)
          return insert_alarm(r);
        else if constexpr (std::is_same_v<T, core::AlarmEvent>)
          return insert_transition(r);
        else if constexpr (std::is_same_v<T, core::ColdExcursion>)
          return insert_excursion(r);
        else if constexpr (std::is_same_v<T, core::PlanRecord>)
          return insert_plan(r);
        else if constexpr (std::is_same_v<T, SensorSample>)
          return insert_sample(r);
        else if constexpr (std::is_same_v<T, core::BoxRecord>)
          return insert_box(r);
        else if constexpr (std::is_same_v<T, core::OrderUpdate>)
          return insert_order(r);
        else if constexpr (std::is_same_v<T, core::Lot>)
          return insert_lot(r);
        else if constexpr (std::is_same_v<T, core::OperatorAction>)
          return insert_action(r);
        else if constexpr (std::is_same_v<T, ColdRoomBand>)
          return insert_band(r);
        else
          static_assert(sizeof(T) == 0, "every Record alternative needs an insert");
      },
      record);
}

int TableWriter::insert_fruit(const core::Fruit& f) {
  const core::Measurement& m = f.measured;
  fruit_.bind(1, core::to_unix_ms(f.seen_at));
  fruit_.bind(2, std::int64_t{f.at.lane});
  // SQLite integers are signed 64-bit; an encoder cup index will not reach 2^63.
  fruit_.bind(3, static_cast<std::int64_t>(f.at.cup));
  fruit_.bind_text_or_null(4, f.lot_id);
  const double measures[] = {m.diameter_mm,  m.minor_diameter_mm, m.area_mm2,  m.weight_g,
                             m.mean_hue_deg, m.defect_share,      m.confidence};
  int index = 5;
  for (double value : measures) fruit_.bind(index++, value);
  fruit_.bind(12, core::to_string(f.grade));
  fruit_.bind_text_or_null(13, f.size_code);
  fruit_.bind_text_or_null(14, f.product_id);
  fruit_.bind(15, std::int64_t{f.outlet});
  fruit_.bind(16, core::to_string(f.reason));
  fruit_.bind(17, m.volume_cm3);
  fruit_.bind(18, m.defect_area_mm2);
  fruit_.bind(19, m.largest_defect_mm2);
  fruit_.bind_text_or_null(20, core::defect_kinds_text(m.defect_kinds));
  fruit_.bind(21, m.colour_share);
  fruit_.bind_text_or_null(22, m.colour_class);
  fruit_.bind(23, std::int64_t{m.views});
  fruit_.bind_text_or_null(24, m.doubt == core::Doubt::none ? "" : core::to_string(m.doubt));
  int rc = run(fruit_);
  if (rc == SQLITE_OK) rollups_.add_fruit(f);
  return rc;
}

int TableWriter::insert_alarm(const core::Alarm& a) {
  // The event is a state change, so it is stamped with the change time (the raise time
  // for an alarm that has not changed since it was raised).
  core::WallTime at = a.changed_at != core::WallTime{} ? a.changed_at : a.raised_at;
  alarm_.bind(1, core::to_unix_ms(at));
  alarm_.bind(2, a.key);
  alarm_.bind(3, a.source);
  alarm_.bind(4, a.message);
  alarm_.bind(5, core::to_string(a.priority));
  alarm_.bind(6, core::to_string(a.state));
  return run(alarm_);
}

int TableWriter::insert_sample(const SensorSample& s) {
  sample_.bind(1, core::to_unix_ms(s.at));
  sample_.bind(2, s.device);
  sample_.bind(3, s.point);
  sample_.bind(4, s.value);  // NaN is stored as NULL (and skipped by the rollup)
  int rc = run(sample_);
  if (rc == SQLITE_OK) rollups_.add_sample(s);
  return rc;
}

int TableWriter::insert_transition(const core::AlarmEvent& e) {
  transition_.bind(1, core::to_unix_ms(e.at));
  transition_.bind(2, e.key);
  transition_.bind(3, e.source);
  transition_.bind(4, e.message);
  transition_.bind(5, core::to_string(e.priority));
  transition_.bind(6, core::to_string(e.to));
  transition_.bind(7, core::to_string(e.from));
  transition_.bind(8, std::int64_t{e.active ? 1 : 0});
  transition_.bind_text_or_null(9, e.by);
  transition_.bind_text_or_null(10, e.reason);
  return run(transition_);
}

int TableWriter::insert_excursion(const core::ColdExcursion& e) {
  excursion_.bind(1, e.room);
  excursion_.bind(2, core::to_string(e.kind));
  excursion_.bind(3, core::to_unix_ms(e.start));
  excursion_.bind(4, core::to_unix_ms(e.end));
  excursion_.bind(5, static_cast<std::int64_t>(e.duration.count()));
  excursion_.bind(6, e.peak);  // NaN (no value) is stored as NULL
  excursion_.bind(7, e.limit);
  excursion_.bind(8, std::int64_t{e.alarmed ? 1 : 0});
  excursion_.bind(9, std::int64_t{e.defrost ? 1 : 0});
  excursion_.bind_text_or_null(10, e.probe);
  excursion_.bind_text_or_null(11, e.detail);
  return run(excursion_);
}

int TableWriter::insert_plan(const core::PlanRecord& p) {
  plan_.bind(1, core::to_unix_ms(p.published_at));
  plan_.bind(2, p.method);
  plan_.bind_text_or_null(3, p.instance);
  plan_.bind(4, std::int64_t{p.made_at_min});
  plan_.bind(5, std::int64_t{p.parcels_demanded});
  plan_.bind(6, std::int64_t{p.parcels_on_time});
  plan_.bind(7, std::int64_t{p.parcels_late});
  plan_.bind(8, std::int64_t{p.parcels_unplanned});
  plan_.bind(9, std::int64_t{p.changes});
  plan_.bind(10, p.plan_json);
  return run(plan_);
}

int TableWriter::insert_box(const core::BoxRecord& b) {
  box_.bind(1, b.box_id);
  box_.bind_text_or_null(2, b.order_id);
  box_.bind(3, b.station);
  box_.bind(4, b.worker);
  box_.bind_text_or_null(5, b.product_id);
  box_.bind(6, b.box_type);
  box_.bind_text_or_null(7, b.lot_id);
  box_.bind(8, std::int64_t{b.fruit_count});
  box_.bind(9, box_measure(b.weight_g));
  box_.bind(10, box_measure(b.nominal_g));
  box_.bind(11, box_measure(b.pack_s));
  box_.bind(12, core::to_unix_ms(b.packed_at));
  bind_time_or_null(box_, 13, b.into_cold_at);
  int rc = run(box_);
  // changes() is 1 for a new parcel, 0 when ON CONFLICT skipped a repeated box_id.
  if (rc == SQLITE_OK && db_.changes() > 0) rollups_.add_box(b);
  return rc;
}

int TableWriter::insert_order(const core::OrderUpdate& o) {
  const std::int64_t at_ms = core::to_unix_ms(o.at);
  order_.bind(1, o.order_id);
  order_.bind_text_or_null(2, o.product_id);
  order_.bind_text_or_null(3, o.box_type);
  order_.bind(4, std::int64_t{o.boxes});
  order_.bind_text_or_null(5, o.courier);
  order_.bind(6, core::to_unix_ms(o.cutoff));
  bind_time_or_null(order_, 7, o.arrived);
  order_.bind(8, std::int64_t{o.priority});
  order_.bind(9, core::to_string(o.status));
  order_.bind(10, at_ms);
  if (o.status == core::OrderStatus::packed) order_.bind(11, at_ms);
  if (o.status == core::OrderStatus::shipped) order_.bind(12, at_ms);
  int rc = run(order_);
  if (rc != SQLITE_OK) return rc;
  order_event_.bind(1, at_ms);
  order_event_.bind(2, o.order_id);
  order_event_.bind(3, core::to_string(o.status));
  order_event_.bind_text_or_null(4, o.actor);
  return run(order_event_);
}

int TableWriter::insert_lot(const core::Lot& l) {
  lot_.bind(1, l.id);
  lot_.bind(2, l.grower);
  lot_.bind_text_or_null(3, l.variety);
  lot_.bind(4, l.intake_kg);
  bind_time_or_null(lot_, 5, l.intake_at);
  lot_.bind_text_or_null(6, l.cold_room);
  return run(lot_);
}

int TableWriter::insert_action(const core::OperatorAction& a) {
  action_.bind(1, core::to_unix_ms(a.at));
  action_.bind(2, a.actor);
  action_.bind_text_or_null(3, a.role);
  action_.bind(4, a.action);
  action_.bind_text_or_null(5, a.target);
  action_.bind_text_or_null(6, a.detail);
  action_.bind(7, std::int64_t{a.allowed ? 1 : 0});
  action_.bind_text_or_null(8, a.outcome);
  return run(action_);
}

int TableWriter::insert_band(const ColdRoomBand& b) {
  band_.bind(1, core::to_unix_ms(b.at));
  band_.bind(2, b.room);
  band_.bind_text_or_null(3, b.name);
  band_.bind(4, b.device);
  band_.bind(5, b.point);
  band_.bind(6, b.min_c);
  band_.bind(7, b.max_c);
  return run(band_);
}

}  // namespace coldsort::store::detail
