// The pack-day simulator (pack_day.hpp). The rules, as docs/planning.md quotes them:
//
// Events. One priority queue keyed by (time, sequence number), so events at the same time run
// in the order they were scheduled and a seed always gives the same day: orders arriving and
// cancelled, worker absences revealed (at `absent_from_min`), breaks starting and shifts
// ending, station down windows starting and ending (each revealed at its start), planning
// periods starting (flow changes), parcels finished, workers looking for work, re-plans and
// the day's end.
//
// Truth and knowledge. The instance is the day's truth; the grader's actual flow is its
// `flow` times seeded factors (spread `flow_noise`) per product and period, and per product
// and grower lot when the instance lists its lots (lot-to-lot mix). Planners only get
// `known_at(actual, now, boxes started)`: orders arrived and not cancelled by now with the
// boxes still to pack, workers absent by now as not checked in, station down windows started
// by now, the actual flow of periods already over and the forecast for the rest, the pins.
// The request carries the published plan, `frozen_min` and now.
//
// The floor follows the published plan. A worker stands where their staff assignment says at
// that time (moving costs no time but counts a reassignment when the station differs from
// where they last stood). Free at a station, the worker goes on with the order in hand; else
// takes the plan's next task for that worker and station whose order is still open; if its
// fruit is not at an outlet reaching the station, tries the plan's next tasks (3 in all), and
// if none has fruit waits (starvation) and looks again each minute. When the plan has nothing
// left for them, they take the open order with the earliest cut-off (then priority, arrival)
// that their station and skill can pack, among the orders no task of the plan packs, so a
// stale plan never idles the floor. Parcels are packed one at a time: each takes its fruit
// from the outlets when it starts (FruitPool, the plan model's fruit: oldest first, gone after
// the cold limit or when the buffers are full) and lasts 60 / rate minutes times a seeded
// lognormal factor with mean 1 (`rate_noise`). Breaks, the shift's end, absences and a
// station going down interrupt: the parcel on the bench is finished first (at most one
// parcel late), then the worker leaves and the order goes back to the floor.
//
// Re-plans: at the start of the day, every `replan_every_min` without one, and at once when a
// worker's absence is revealed, a station goes down or comes back, `replan_new_orders` orders
// arrived or `replan_cancellations` were cancelled since the last plan, or the flow of a product
// in the period just over
// was more than 20 % off its forecast. Triggers in the same minute make one re-plan; each adds
// a line to the log ("10:00 re-plan: 11 workers absent").
//
// KPIs are counted like evaluate_plan: an order is on time when its last parcel is finished by
// its cut-off; cancelled orders are not demand; utilisation = packing minutes / minutes
// workers were available; fairness over workers staffed an hour or more. Cold waits are the
// minutes fruit waited at the outlets before its parcel started (p50/p95 over fruit);
// overflow counts outlet-minutes with a product's buffers full, starvation the minutes a
// staffed worker with work waited for fruit. Planning time is measured, never asserted.
#include "coldsort/scheduler/pack_day.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>

#include "pack_day_floor.hpp"
#include "plan_support.hpp"

namespace coldsort::scheduler {
namespace {

using pack_day::EventKind;

// Re-plan triggers (issue 5: "the product mix drifts ... orders arrive").
constexpr double kDriftShare = 0.20;
// Below this flow (fruit/s) a product the forecast says nothing about is noise, not drift.
constexpr double kDriftFloorFruitPerS = 0.1;

// The grower's lot on the grader at a minute: the one started last; npos before the first.
std::size_t lot_at(const std::vector<Lot>& lots, int minute) {
  std::size_t at = pack_day::npos;
  for (std::size_t i = 0; i < lots.size(); ++i)
    if (lots[i].start_min <= minute &&
        (at == pack_day::npos || lots[i].start_min >= lots[at].start_min))
      at = i;
  return at;
}

// The truth the floor runs on: the forecast kept for planners, the flow made noisy. With lots,
// half the variance is the lot's own mix (one draw per lot and product, for the periods it
// runs) and half the period's, so `flow_noise` stays the total spread.
Instance actual_day(const Instance& truth, const DayOptions& options) {
  Instance actual = truth;
  actual.forecast = truth.planning_flow();
  pack_day::DayNoise noise(options.seed);
  const bool by_lot = !truth.lots.empty();
  const double sigma = by_lot ? options.flow_noise / std::sqrt(2.0) : options.flow_noise;
  std::vector<std::vector<double>> lot_mix(truth.lots.size());
  for (auto& mix : lot_mix)
    for (std::size_t f = 0; f < actual.flow.size(); ++f) mix.push_back(noise.factor(sigma));
  for (std::size_t f = 0; f < actual.flow.size(); ++f) {
    std::vector<double>& per_period = actual.flow[f].fruit_per_s;
    for (std::size_t k = 0; k < per_period.size(); ++k) {
      const std::size_t lot = lot_at(truth.lots, static_cast<int>(k) * truth.period_min);
      per_period[k] *= noise.factor(sigma) * (lot == pack_day::npos ? 1.0 : lot_mix[lot][f]);
    }
  }
  return actual;
}

std::string plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

class DayRunner {
 public:
  DayRunner(const Instance& truth, Planner& planner, const DayOptions& options)
      : planner_(planner),
        options_(options),
        actual_(actual_day(truth, options)),
        index_(actual_),
        tally_(actual_, actual_.cold_limit_min),
        floor_(actual_, index_, options_, events_, tally_) {}

  DayResult run() {
    schedule_truth();
    while (!events_.empty()) {
      const pack_day::Event e = events_.pop();
      floor_.advance_pool(static_cast<int>(std::floor(e.time_min + 1e-9)));
      handle(e);
    }
    floor_.advance_pool(actual_.horizon_min);
    if (options_.progress) options_.progress(actual_.horizon_min, actual_.horizon_min);
    DayResult result;
    result.kpis = tally_.finish(floor_.fruit_lost());
    result.last_plan = std::move(published_);
    result.log = std::move(log_);
    result.fruit_packed = tally_.fruit_packed;
    result.fruit_left = floor_.fruit_left();
    result.parcels = std::move(tally_.parcels);
    return result;
  }

 private:
  void schedule_truth() {
    const int horizon = actual_.horizon_min;
    for (std::size_t i = 0; i < actual_.orders.size(); ++i) {
      const PlanOrder& o = actual_.orders[i];
      if (o.arrival_min > 0) events_.push(o.arrival_min, EventKind::order_arrives, i);
      if (o.cancelled_min >= 0 && o.cancelled_min < horizon)
        events_.push(o.cancelled_min, EventKind::order_cancelled, i);
    }
    for (std::size_t w = 0; w < actual_.workers.size(); ++w) {
      const PlanWorker& pw = actual_.workers[w];
      if (!pw.checked_in) continue;
      // An absence after the shift is news to nobody.
      if (pw.absent_from_min >= 0 && pw.absent_from_min < std::min(horizon, pw.shift.end_min))
        events_.push(pw.absent_from_min, EventKind::worker_absent, w);
      for (const Window& b : pw.breaks) events_.push(b.start_min, EventKind::worker_leaves, w);
      if (pw.shift.end_min < horizon) events_.push(pw.shift.end_min, EventKind::worker_leaves, w);
    }
    for (std::size_t s = 0; s < actual_.stations.size(); ++s)
      for (std::size_t k = 0; k < actual_.stations[s].down.size(); ++k) {
        const Window& d = actual_.stations[s].down[k];
        events_.push(d.start_min, EventKind::station_down, s, k);
        if (d.end_min < horizon) events_.push(d.end_min, EventKind::station_up, s, k);
      }
    for (int k = 1; k < actual_.periods(); ++k)
      events_.push(k * actual_.period_min, EventKind::period_starts, static_cast<std::size_t>(k));
    events_.push(horizon, EventKind::day_ends);
    ask_replan(0);  // after every event at minute 0, so the first plan knows them
  }

  void handle(const pack_day::Event& e) {
    const int minute = static_cast<int>(std::floor(e.time_min + 1e-9));
    switch (e.kind) {
      case EventKind::order_arrives:
        floor_.order_arrives(e.subject);
        if (++new_orders_ >= options_.replan_new_orders) ask_replan(minute);
        break;
      case EventKind::order_cancelled:
        floor_.order_cancelled(e.subject);
        if (floor_.order_arrived(e.subject)) {
          if (++cancelled_ >= options_.replan_cancellations) ask_replan(minute);
        }
        break;
      case EventKind::worker_absent:
        floor_.nudge(e.subject, e.time_min);
        ++absent_;
        ask_replan(minute);
        break;
      case EventKind::worker_leaves:
        floor_.nudge(e.subject, e.time_min);
        break;
      case EventKind::station_down:
      case EventKind::station_up:
        station_event(e, minute);
        break;
      case EventKind::period_starts:
        period_starts(e.subject, minute);
        break;
      case EventKind::parcel_done:
        floor_.parcel_done(e.subject, e.time_min);
        break;
      case EventKind::wake:
        floor_.wake(e.subject, e.token, e.time_min);
        break;
      case EventKind::replan:
        replan(minute);
        break;
      case EventKind::periodic_replan:
        if (e.token == periodic_token_) ask_replan(minute);
        break;
      case EventKind::day_ends:
        floor_.end_day(e.time_min);
        break;
    }
  }

  void station_event(const pack_day::Event& e, int minute) {
    const bool down = e.kind == EventKind::station_down;
    floor_.nudge_station(e.subject, e.time_min);
    news_.push_back("station " + actual_.stations[e.subject].id + (down ? " down" : " up"));
    ask_replan(minute);
  }

  // A period starts: the progress bar moves, and the flow of the period just over is
  // compared with its forecast.
  void period_starts(std::size_t period, int minute) {
    if (options_.progress) options_.progress(minute, actual_.horizon_min);
    std::string drift;
    for (const ProductFlow& f : actual_.flow) {
      const double seen = period - 1 < f.fruit_per_s.size() ? f.fruit_per_s[period - 1] : 0.0;
      const double told = forecast_of(f.product, period - 1);
      const bool off =
          told > 0 ? std::abs(seen - told) > kDriftShare * told : seen > kDriftFloorFruitPerS;
      if (!off) continue;
      char share[32];
      if (told > 0)
        std::snprintf(share, sizeof share, " %+.0f %%", 100.0 * (seen - told) / told);
      else
        std::snprintf(share, sizeof share, " %.2f/s unforecast", seen);
      drift += (drift.empty() ? "" : ", ") + f.product + share;
    }
    if (drift.empty()) return;
    news_.push_back("flow off forecast: " + drift);
    ask_replan(minute);
  }

  double forecast_of(const std::string& product, std::size_t period) const {
    for (const ProductFlow& f : actual_.forecast)
      if (f.product == product) return period < f.fruit_per_s.size() ? f.fruit_per_s[period] : 0.0;
    return 0;
  }

  // Triggers within one minute make one re-plan, after the minute's events so far.
  void ask_replan(int minute) {
    if (minute >= actual_.horizon_min || pending_replan_min_ == minute) return;
    pending_replan_min_ = minute;
    events_.push(minute, EventKind::replan);
  }

  void replan(int minute) {
    pending_replan_min_ = -1;
    const Instance known = known_at(actual_, minute, floor_.started_boxes());
    PlanRequest request;
    request.instance = &known;
    request.now_min = minute;
    request.published = has_plan_ ? &published_ : nullptr;
    request.frozen_min = options_.frozen_min;
    const auto start = std::chrono::steady_clock::now();
    Plan plan = planner_.plan(request);
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    tally_.add_plan(took.count(), plan.kpis.changes_vs_published, !has_plan_);
    log_plan(minute, known);
    plan.instance = actual_.name;
    plan.day_start = actual_.day_start;
    published_ = std::move(plan);
    has_plan_ = true;
    floor_.publish(published_, minute);
    ++periodic_token_;
    if (options_.replan_every_min > 0 && minute + options_.replan_every_min < actual_.horizon_min)
      events_.push(minute + options_.replan_every_min, EventKind::periodic_replan, 0, 0,
                   periodic_token_);
  }

  void log_plan(int minute, const Instance& known) {
    const std::string at = clock_text(actual_, minute);
    if (!has_plan_) {
      int in = 0;
      for (const PlanWorker& w : known.workers) in += w.checked_in ? 1 : 0;
      log_.push_back(at +
                     " plan: " + plural(static_cast<int>(known.orders.size()), "order", "orders") +
                     " known, " + plural(in, "worker", "workers") + " checked in");
    }
    if (absent_ > 0)
      log_.push_back(at + " re-plan: " + plural(absent_, "worker", "workers") + " absent");
    if (new_orders_ >= options_.replan_new_orders)
      log_.push_back(at + " re-plan: " + std::to_string(new_orders_) + " new orders");
    if (cancelled_ >= options_.replan_cancellations)
      log_.push_back(at + " re-plan: " + plural(cancelled_, "order", "orders") + " cancelled");
    for (const std::string& n : news_) log_.push_back(at + " re-plan: " + n);
    absent_ = new_orders_ = cancelled_ = 0;
    news_.clear();
  }

  Planner& planner_;
  DayOptions options_;
  Instance actual_;
  pack_day::DayIndex index_;
  pack_day::EventQueue events_;
  pack_day::DayTally tally_;
  pack_day::Floor floor_;
  Plan published_;
  bool has_plan_ = false;
  int pending_replan_min_ = -1;
  std::uint64_t periodic_token_ = 0;
  // What happened since the last plan (the re-plan's reasons).
  int new_orders_ = 0;
  int cancelled_ = 0;
  int absent_ = 0;
  std::vector<std::string> news_;
  std::vector<std::string> log_;
};

}  // namespace

DayResult simulate_day(const Instance& instance, Planner& planner, const DayOptions& options) {
  return DayRunner(instance, planner, options).run();
}

}  // namespace coldsort::scheduler
