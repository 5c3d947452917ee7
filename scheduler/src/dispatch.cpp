// The shared sequencer (dispatch.hpp): the run of the Dispatcher (dispatcher.hpp). A worker
// with nothing packable waits until the next arrival, fruit or reach change, or the end of the
// stretch they are staffed for, never polling minute by minute unless fruit trickles in.
#include <cmath>

#include "dispatcher.hpp"

namespace coldsort::scheduler {
namespace dispatching {

void Dispatcher::open_orders(double t) {
  for (; arrival_next_ < by_arrival_.size(); ++arrival_next_) {
    const auto i = static_cast<std::size_t>(by_arrival_[arrival_next_]);
    if (in_.orders[i].arrival_min > t + kSlack) break;
    buckets_[static_cast<std::size_t>(bucket_of_[i])].insert(rank_of_[i]);
  }
}

void Dispatcher::take_frozen(double t) {
  for (; frozen_next_ < frozen_.size() && frozen_[frozen_next_]->start_min <= t + kSlack; ++frozen_next_) {
    const PackTask& task = *frozen_[frozen_next_];
    const int order = frozen_order_[frozen_next_];
    // Tasks begun before now took their fruit before the pool starts counting.
    if (order >= 0 && task.start_min + kSlack >= options_.now_min) {
      const auto u = static_cast<std::size_t>(order);
      const int box = index_.order_box[u], product = index_.order_product[u];
      if (box >= 0 && product >= 0)
        pool_.take_at(task.start_min, static_cast<std::size_t>(product),
                      static_cast<double>(index_.fruit_per_box[static_cast<std::size_t>(box)]) * in_.orders[u].boxes);
    }
    out_.push_back(task);
  }
}

void Dispatcher::run() {
  read_frozen();
  rank_orders();
  build_buckets();
  build_spans();
  cursor_.assign(in_.workers.size(), 0);
  for (std::size_t w = 0; w < in_.workers.size(); ++w)
    if (!spans_[w].empty()) push(static_cast<int>(w), std::max(spans_[w].front().start_min, busy_until_[w]));
  while (!events_.empty()) {
    const auto [t, parcels, w] = events_.top();
    events_.pop();
    ++steps_;
    open_orders(t);
    take_frozen(t);
    const auto& spans = spans_[static_cast<std::size_t>(w)];
    std::size_t& k = cursor_[static_cast<std::size_t>(w)];
    while (k < spans.size() && spans[k].end_min <= t + kSlack) ++k;
    if (k == spans.size()) continue;
    if (spans[k].start_min > t + kSlack) {
      push(w, spans[k].start_min);
      continue;
    }
    pool_.advance_to(static_cast<int>(std::floor(t + kSlack)) + 1);
    if (!pick(w, t, spans[k])) push(w, wake_time(w, t, spans[k]));
  }
  take_frozen(in_.horizon_min + 1.0);
  plan_.tasks = std::move(out_);
  plan_.iterations += steps_;
}

bool Dispatcher::pick(int w, double t, const Span& span) {
  const int minute = static_cast<int>(std::floor(t + kSlack));
  const auto& rates = index_.rate[static_cast<std::size_t>(w)];
  const PlanStation& station = in_.stations[static_cast<std::size_t>(span.station)];
  const bool ranked_only = !options_.preference;
  needs_.clear();
  Bucket* best_bucket = nullptr;
  int best_rank = 0;
  double best_pref = 0;
  for (int id : station_buckets_[static_cast<std::size_t>(span.station)]) {
    Bucket& b = buckets_[static_cast<std::size_t>(id)];
    const double rate = rates[static_cast<std::size_t>(b.box)];
    if (b.open.empty() || rate <= 0) continue;
    // Without a preference only the rank counts: a bucket whose first order ranks behind the
    // best so far cannot win.
    if (ranked_only && best_bucket != nullptr && b.head > best_rank) continue;
    if (t + kSlack < unblock_[static_cast<std::size_t>(b.product)] || !reach_.reaches(span.station, b.product, minute))
      continue;
    const auto it = first_fit(b, rate, t, span);
    if (it == b.open.end()) continue;
    const double pref = ranked_only ? 0.0 : options_.preference(in_.orders[static_cast<std::size_t>(ranked_[static_cast<std::size_t>(*it)])], station);
    if (best_bucket == nullptr || pref < best_pref || (pref == best_pref && *it < best_rank)) {
      best_bucket = &b;
      best_rank = *it;
      best_pref = pref;
    }
  }
  if (best_bucket == nullptr) return false;
  best_bucket->erase(best_bucket->open.find(best_rank));
  emit(ranked_[static_cast<std::size_t>(best_rank)], w, span.station, t, rates[static_cast<std::size_t>(best_bucket->box)]);
  return true;
}

std::set<int>::iterator Dispatcher::first_fit(Bucket& b, double rate, double t, const Span& span) {
  const int fruit_per_box = index_.fruit_per_box[static_cast<std::size_t>(b.box)];
  const double available = pool_.available(static_cast<std::size_t>(b.product));
  const auto fruit_boxes = static_cast<int>(std::floor((available + kSlack) / fruit_per_box));
  const auto time_boxes = static_cast<int>(std::floor((span.end_min - t) * rate / 60.0 + kSlack));
  if (time_boxes < 1) return b.open.end();
  if (fruit_boxes < 1) {
    needs_.push_back({b.product, fruit_per_box - available});
    return b.open.end();
  }
  int scanned = 0;
  for (auto it = b.open.begin(); it != b.open.end() && scanned < kScanDepth;) {
    const OrderFacts& o = facts_[static_cast<std::size_t>(*it)];
    if (o.cancelled_min >= 0 && o.cancelled_min <= t) {  // cancelled since it arrived
      it = b.erase(it);
      continue;
    }
    ++scanned;
    if (o.boxes <= time_boxes && t + o.boxes * 60.0 / rate <= span.end_min && o.boxes <= fruit_boxes) return it;
    // Too big for the time or the fruit left: a smaller order further on may fit.
    if (o.boxes > fruit_boxes && o.boxes <= time_boxes)
      needs_.push_back({b.product, static_cast<double>(fruit_per_box) * o.boxes - available});
    ++it;
  }
  return b.open.end();
}

void Dispatcher::emit(int order, int w, int station, double start, double rate) {
  const auto u = static_cast<std::size_t>(order);
  const PlanOrder& o = in_.orders[u];
  const double fruit =
      static_cast<double>(index_.fruit_per_box[static_cast<std::size_t>(index_.order_box[u])]) * o.boxes;
  pool_.take_at(start, static_cast<std::size_t>(index_.order_product[u]), fruit);
  const double finish = start + o.boxes * 60.0 / rate;
  out_.push_back({o.id, in_.stations[static_cast<std::size_t>(station)].id,
                  in_.workers[static_cast<std::size_t>(w)].id, start, finish, reason(o, finish)});
  parcels_[static_cast<std::size_t>(w)] += o.boxes;
  push(w, finish);
}

double Dispatcher::wake_time(int w, double t, const Span& span) const {
  const int minute = static_cast<int>(std::floor(t + kSlack));
  const auto& rates = index_.rate[static_cast<std::size_t>(w)];
  double wake = span.end_min;  // nothing changes before then: the worker's stay here ends
  for (const auto& [box, product] : station_pairs_[static_cast<std::size_t>(span.station)]) {
    if (rates[static_cast<std::size_t>(box)] <= 0) continue;
    const auto& arrivals = arrivals_.at({box, product});
    auto it = std::upper_bound(arrivals.begin(), arrivals.end(), t);
    if (it != arrivals.end()) wake = std::min(wake, static_cast<double>(*it));
    const int starts = reach_.next_start(span.station, product, minute);
    if (starts != kNever) wake = std::min(wake, static_cast<double>(starts));
    if (const double unblock = unblock_[static_cast<std::size_t>(product)]; unblock > t) wake = std::min(wake, unblock);
  }
  const int boundary = (minute / period_ + 1) * period_;  // the flow may change there
  const auto period = static_cast<std::size_t>(minute / period_);
  for (const FruitNeed& need : needs_) {
    const std::vector<double>* flow = flow_of_[static_cast<std::size_t>(need.product)];
    const double per_min = flow != nullptr && period < flow->size() ? (*flow)[period] * 60.0 : 0.0;
    const double when = per_min > 0 ? minute + std::max(1.0, std::ceil(need.deficit / per_min)) : boundary;
    wake = std::min({wake, when, static_cast<double>(boundary)});
  }
  return wake;
}

std::string Dispatcher::reason(const PlanOrder& o, double finish) const {
  const double slack = o.cutoff_min - finish;
  std::string text = options_.rule == DispatchRule::arrival ? "FIFO: arrived " + clock_text_at(day_start_, o.arrival_min) + ", cut-off "
                                                            : "EDD: cut-off ";
  text += clock_text_at(day_start_, o.cutoff_min) + " (" + o.courier + "), ";
  if (slack >= -kSlack) return text + std::to_string(static_cast<int>(std::floor(slack + kSlack))) + " min slack";
  return text + std::to_string(static_cast<int>(std::ceil(-slack - kSlack))) + " min late";
}

}  // namespace dispatching

void dispatch_orders(const Instance& instance, Plan& plan, const DispatchOptions& options) {
  dispatching::Dispatcher(instance, plan, options).run();
}

}  // namespace coldsort::scheduler
