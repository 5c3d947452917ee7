// Sequencing and the repair loop (planner_flow_repair.hpp); the moves are in
// planner_flow_moves.cpp.
#include "planner_flow_repair.hpp"

#include <algorithm>

#include "fruit_pool.hpp"
#include "plan_support.hpp"

namespace coldsort::scheduler::flow {
namespace {

constexpr double kSlack = 1e-6;
// Preference offset for an order given up on: after everything that can still be on time.
constexpr double kGivenUp = 1e6;
constexpr int kGiveUpRounds = 6;
// Late buckets looked at per round of moves, largest deficit first.
constexpr std::size_t kBucketsPerRound = 8;
// Checkpoints, in sixteenths of the remaining day, at which the rest is planned again from the
// dispatched state: denser towards the end, where the fluid picture has drifted most and the
// last cut-offs leave no time to catch up.
constexpr int kResyncAt[] = {4, 8, 12, 14, 15};

int index_in(const PlanOrder& o, const std::vector<PlanOrder>& orders) {
  if (!orders.empty() && &o >= orders.data() && &o < orders.data() + orders.size())
    return static_cast<int>(&o - orders.data());
  return kNone;
}

}  // namespace

Score score_tasks(const Model& m, const Plan& plan) {
  Score s;
  int demanded = 0;
  for (const PlanOrder& o : m.instance().orders)
    if (is_open(o, m.now_min)) demanded += o.boxes;
  for (const PackTask& t : plan.tasks) {
    const int i = m.order_index(t.order);
    if (i == kNone) continue;
    const PlanOrder& o = m.instance().orders[static_cast<std::size_t>(i)];
    (t.finish_min <= o.cutoff_min + kSlack ? s.on_time : s.late) += o.boxes;
  }
  s.unplanned = std::max(0, demanded - s.on_time - s.late);
  return s;
}

Repair::Repair(const Model& m, const Setup& setup, std::vector<PeriodPlan>& periods, Plan& plan,
               const DispatchOptions& base, long max_iterations)
    : m_(m), setup_(setup), periods_(periods), plan_(plan), base_(base), cap_(max_iterations),
      given_up_(m.instance().orders.size(), 0) {
  guard_min_ = setup.staff_from_min;
  for (const PackTask& t : base.frozen) guard_min_ = std::max(guard_min_, static_cast<int>(t.finish_min) + 1);
}

DispatchOptions Repair::options() const {
  DispatchOptions d = base_;
  d.rule = DispatchRule::due_date;
  d.preference = [this](const PlanOrder& o, const PlanStation&) {
    int i = index_in(o, m_.instance().orders);
    if (i == kNone) i = m_.order_index(o.id);
    const double late = i != kNone && given_up_[static_cast<std::size_t>(i)] ? kGivenUp : 0.0;
    return late + o.cutoff_min;
  };
  return d;
}

Score Repair::dispatch(Plan& plan) {
  const long before = plan.iterations;
  dispatch_orders(m_.instance(), plan, options());
  last_cost_ = plan.iterations - before;
  return score_tasks(m_, plan);
}

bool Repair::budget_left() const { return plan_.iterations + last_cost_ <= cap_; }

void Repair::run() {
  best_ = dispatch(plan_);
  give_up_late_orders();
  // Re-plan the rest of the day from the floor as dispatched, at checkpoints.
  const auto n = static_cast<int>(periods_.size());
  for (const int sixteenths : kResyncAt)
    if (budget_left()) resync(n * sixteenths / 16);
  count_busy();
  while (budget_left()) {
    const std::vector<Deficit> late = deficits();
    bool improved = false;
    for (std::size_t i = 0; i < late.size() && i < kBucketsPerRound && budget_left() && !improved; ++i)
      improved = outlet_moves(late[i]) || worker_moves(late[i]);
    if (!improved) break;
  }
  for (PackTask& t : plan_.tasks)
    if (const int i = m_.order_index(t.order); i != kNone && given_up_[static_cast<std::size_t>(i)])
      t.reason += "; late anyway, so after the orders that can still make their cut-off";
}

// Keeps an applied move when the re-dispatched plan scores better; rolls it back otherwise.
bool Repair::try_move(Undo undo) {
  Plan trial;
  trial.method = plan_.method;
  trial.made_at_min = plan_.made_at_min;
  trial.iterations = plan_.iterations;
  assemble(m_, setup_, periods_, trial);
  const Score s = dispatch(trial);
  plan_.iterations = trial.iterations;
  if (s.better_than(best_)) {
    best_ = s;
    plan_.outlets = std::move(trial.outlets);
    plan_.staff = std::move(trial.staff);
    plan_.tasks = std::move(trial.tasks);
    count_busy();
    return true;
  }
  for (auto it = undo.staff.rbegin(); it != undo.staff.rend(); ++it)
    periods_[static_cast<std::size_t>(it->first.first)].staff[static_cast<std::size_t>(it->first.second)] = it->second;
  for (auto it = undo.outlets.rbegin(); it != undo.outlets.rend(); ++it)
    periods_[static_cast<std::size_t>(it->first.first)].outlet[static_cast<std::size_t>(it->first.second)] = it->second;
  if (undo.tail_from >= 0) {
    periods_.resize(static_cast<std::size_t>(undo.tail_from));
    for (PeriodPlan& pp : undo.tail) periods_.push_back(std::move(pp));
  }
  return false;
}

// Orders that end up late make the orders behind them late too (EDD keeps packing them
// first): give them up — pack them after everything that can still be on time — and keep
// that when more parcels end up on time.
void Repair::give_up_late_orders() {
  for (int round = 0; round < kGiveUpRounds && budget_left(); ++round) {
    std::vector<int> late;
    for (const PackTask& t : plan_.tasks) {
      const int i = m_.order_index(t.order);
      if (i == kNone || given_up_[static_cast<std::size_t>(i)]) continue;
      if (t.finish_min > m_.instance().orders[static_cast<std::size_t>(i)].cutoff_min + kSlack) late.push_back(i);
    }
    if (late.empty()) return;
    for (int i : late) given_up_[static_cast<std::size_t>(i)] = 1;
    Plan trial = plan_;
    const Score s = dispatch(trial);
    plan_.iterations = trial.iterations;
    if (!s.better_than(best_)) {
      for (int i : late) given_up_[static_cast<std::size_t>(i)] = 0;
      return;
    }
    best_ = s;
    plan_.tasks = std::move(trial.tasks);
  }
}

std::vector<Repair::Deficit> Repair::deficits() const {
  std::vector<int> missing(m_.buckets.size(), 0);
  std::vector<char> planned(m_.instance().orders.size(), 0);
  for (const PackTask& t : plan_.tasks) {
    const int i = m_.order_index(t.order);
    if (i == kNone) continue;
    planned[static_cast<std::size_t>(i)] = 1;
    const int b = m_.order_bucket[static_cast<std::size_t>(i)];
    if (b != kNone && t.finish_min > m_.buckets[static_cast<std::size_t>(b)].cutoff_min + kSlack)
      missing[static_cast<std::size_t>(b)] += m_.instance().orders[static_cast<std::size_t>(i)].boxes;
  }
  for (std::size_t i = 0; i < planned.size(); ++i) {
    const int b = m_.order_bucket[i];
    if (!planned[i] && b != kNone) missing[static_cast<std::size_t>(b)] += m_.instance().orders[i].boxes;
  }
  std::vector<Deficit> out;
  for (std::size_t b = 0; b < missing.size(); ++b)
    if (missing[b] > 0 && m_.buckets[b].cutoff_min > guard_min_) out.push_back({static_cast<int>(b), missing[b]});
  std::stable_sort(out.begin(), out.end(), [](const Deficit& a, const Deficit& b) { return a.parcels > b.parcels; });
  return out;
}

void Repair::count_busy() {
  busy_.assign(periods_.size(), std::vector<double>(m_.instance().workers.size(), 0.0));
  if (periods_.empty()) return;
  const int first = periods_.front().period;
  for (const PackTask& t : plan_.tasks) {
    const int w = m_.worker_index(t.worker);
    if (w == kNone) continue;
    for (int p = m_.period_of(static_cast<int>(t.start_min)); p <= m_.period_of(static_cast<int>(t.finish_min)); ++p) {
      if (p < first || p - first >= static_cast<int>(periods_.size())) continue;
      const double minutes = std::min<double>(t.finish_min, m_.period_end(p)) - std::max<double>(t.start_min, m_.period_start(p));
      if (minutes > 0) busy_[static_cast<std::size_t>(p - first)][static_cast<std::size_t>(w)] += minutes;
    }
  }
}

ForwardStart Repair::state_at(int pi) const {
  const PeriodPlan& at = periods_[static_cast<std::size_t>(pi)];
  const PeriodPlan& before = periods_[static_cast<std::size_t>(pi - 1)];
  const Instance& in = m_.instance();
  const int minute = m_.period_start(at.period);
  ForwardStart start;
  start.period = at.period;
  start.outlet = before.outlet;
  for (const StaffChoice& c : before.staff) start.station.push_back(c.station);
  start.load.assign(in.workers.size(), 0.0);
  for (int i = 0; i < pi; ++i)
    for (std::size_t w = 0; w < in.workers.size(); ++w)
      if (periods_[static_cast<std::size_t>(i)].staff[w].station != kNone)
        start.load[w] += m_.avail_min[w][static_cast<std::size_t>(periods_[static_cast<std::size_t>(i)].period)];
  // Parcels packed and fruit taken before `minute`, as dispatched.
  start.left.resize(m_.buckets.size());
  for (std::size_t k = 0; k < m_.buckets.size(); ++k) start.left[k] = m_.buckets[k].parcels;
  std::vector<const PackTask*> begun;
  for (const PackTask& t : plan_.tasks)
    if (t.start_min < minute) begun.push_back(&t);
  std::stable_sort(begun.begin(), begun.end(), [](auto* a, auto* b) { return a->start_min < b->start_min; });
  FruitPool pool(in, in.planning_flow(), plan_.outlets, m_.now_min);
  for (const PackTask* t : begun) {
    const int i = m_.order_index(t->order);
    if (i == kNone) continue;
    const PlanOrder& o = in.orders[static_cast<std::size_t>(i)];
    if (const int k = m_.order_bucket[static_cast<std::size_t>(i)]; k != kNone) start.left[static_cast<std::size_t>(k)] -= o.boxes;
    const int b = m_.box_index(o.box_type), p = m_.product_index(o.product);
    if (b != kNone && p != kNone && t->start_min + kSlack >= m_.now_min)
      pool.take_at(t->start_min, static_cast<std::size_t>(p), static_cast<double>(m_.fruit_per_box[static_cast<std::size_t>(b)]) * o.boxes);
  }
  pool.advance_to(minute);
  for (std::size_t p = 0; p < in.products.size(); ++p) start.fruit.push_back(pool.available(p));
  return start;
}

// Plans the day again from period index `pi` on, from the state the dispatcher left.
bool Repair::resync(int pi) {
  if (pi <= 0 || !movable(pi)) return false;
  const ForwardStart start = state_at(pi);
  std::vector<PeriodPlan> tail = run_forward(m_, setup_.forward, &start);
  if (tail.size() != periods_.size() - static_cast<std::size_t>(pi)) return false;
  Undo undo;
  undo.tail_from = pi;
  for (std::size_t i = static_cast<std::size_t>(pi); i < periods_.size(); ++i) {
    undo.tail.push_back(std::move(periods_[i]));
    periods_[i] = std::move(tail[i - static_cast<std::size_t>(pi)]);
  }
  return try_move(std::move(undo));
}

void sequence_and_repair(const Model& m, const Setup& setup, std::vector<PeriodPlan>& periods, Plan& plan,
                         const DispatchOptions& base, long max_iterations) {
  Repair(m, setup, periods, plan, base, max_iterations).run();
}

}  // namespace coldsort::scheduler::flow
