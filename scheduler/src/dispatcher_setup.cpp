// Setting up a dispatch run (dispatcher.hpp): the frozen tasks, the orders in the rule's order
// and their demand buckets, and each worker's packing spans.
#include <cmath>

#include "dispatcher.hpp"

namespace coldsort::scheduler::dispatching {
namespace {

// `window` minus every window in `cuts`, in order.
std::vector<Window> subtract(Window window, const std::vector<Window>& cuts) {
  std::vector<Window> pieces{window};
  for (const Window& c : cuts) {
    std::vector<Window> next;
    for (const Window& p : pieces) {
      if (c.end_min <= p.start_min || c.start_min >= p.end_min) {
        next.push_back(p);
        continue;
      }
      if (p.start_min < c.start_min) next.push_back({p.start_min, c.start_min});
      if (c.end_min < p.end_min) next.push_back({c.end_min, p.end_min});
    }
    pieces = std::move(next);
  }
  return pieces;
}

}  // namespace

Dispatcher::Dispatcher(const Instance& in, Plan& plan, const DispatchOptions& options)
    : in_(in), plan_(plan), options_(options), index_(in), reach_(in, index_, plan.outlets),
      pool_(in, in.planning_flow(), plan.outlets, options.now_min), day_start_(day_start_min(in)),
      period_(std::max(1, in.period_min)) {}

void Dispatcher::read_frozen() {
  std::map<std::string_view, int> ids;  // order id -> index in the instance, -1 unknown
  for (const PackTask& t : options_.frozen) ids.emplace(t.order, -1);
  for (std::size_t i = 0; i < in_.orders.size(); ++i)
    if (auto it = ids.find(in_.orders[i].id); it != ids.end()) it->second = static_cast<int>(i);
  std::vector<const PackTask*> sorted;
  for (const PackTask& t : options_.frozen) sorted.push_back(&t);
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->start_min < b->start_min; });
  // The fruit model counts from now, so a frozen task it cannot supply would break the fruit
  // rule: it is dropped and its order planned afresh. The others keep their fruit: new tasks
  // take none of a product before its last frozen task has started (`unblock_`).
  FruitPool frozen_fruit(in_, in_.planning_flow(), plan_.outlets, options_.now_min);
  unblock_.assign(in_.products.size(), -1.0);
  busy_until_.assign(in_.workers.size(), options_.now_min);
  parcels_.assign(in_.workers.size(), 0);
  std::set<std::string_view> kept;
  for (const PackTask* t : sorted) {
    const int order = ids.at(t->order);
    if (order >= 0 && t->start_min + kSlack >= options_.now_min) {
      const auto u = static_cast<std::size_t>(order);
      const int box = index_.order_box[u], product = index_.order_product[u];
      if (box >= 0 && product >= 0) {
        const double fruit = static_cast<double>(index_.fruit_per_box[static_cast<std::size_t>(box)]) * in_.orders[u].boxes;
        if (!frozen_fruit.take_at(t->start_min, static_cast<std::size_t>(product), fruit)) continue;
        unblock_[static_cast<std::size_t>(product)] = std::max(unblock_[static_cast<std::size_t>(product)], t->start_min);
      }
    }
    frozen_.push_back(t);
    frozen_order_.push_back(order);
    kept.insert(t->order);
    if (const int w = index_.worker(t->worker); w >= 0) {
      auto& busy = busy_until_[static_cast<std::size_t>(w)];
      busy = std::max(busy, t->finish_min);
      if (order >= 0) parcels_[static_cast<std::size_t>(w)] += in_.orders[static_cast<std::size_t>(order)].boxes;
    }
  }
  eligible_.assign(in_.orders.size(), 0);
  for (std::size_t i = 0; i < in_.orders.size(); ++i)
    eligible_[i] = kept.count(in_.orders[i].id) == 0 && index_.order_product[i] >= 0 && index_.order_box[i] >= 0 &&
                   is_open(in_.orders[i], options_.now_min);
}

void Dispatcher::rank_orders() {
  const auto n = in_.orders.size();
  ranked_.resize(n);
  for (std::size_t i = 0; i < n; ++i) ranked_[i] = static_cast<int>(i);
  auto key = [&](int i) {
    const PlanOrder& o = in_.orders[static_cast<std::size_t>(i)];
    // EDD: earliest cut-off, then higher priority, then arrival; FIFO: arrival. Index last.
    return options_.rule == DispatchRule::due_date ? std::make_tuple(o.cutoff_min, -o.priority, o.arrival_min, i)
                                                   : std::make_tuple(o.arrival_min, 0, 0, i);
  };
  std::sort(ranked_.begin(), ranked_.end(), [&](int a, int b) { return key(a) < key(b); });
  rank_of_.resize(n);
  facts_.resize(n);
  for (std::size_t r = 0; r < n; ++r) {
    const auto i = static_cast<std::size_t>(ranked_[r]);
    rank_of_[i] = static_cast<int>(r);
    facts_[r] = {in_.orders[i].boxes, in_.orders[i].cancelled_min};
  }
  for (std::size_t i = 0; i < n; ++i)
    if (eligible_[i]) by_arrival_.push_back(static_cast<int>(i));
  std::stable_sort(by_arrival_.begin(), by_arrival_.end(), [&](int a, int b) {
    return in_.orders[static_cast<std::size_t>(a)].arrival_min < in_.orders[static_cast<std::size_t>(b)].arrival_min;
  });
}

void Dispatcher::build_buckets() {
  std::map<std::tuple<int, int, int>, int> ids;  // (box, product, cut-off)
  bucket_of_.assign(in_.orders.size(), -1);
  for (int i : by_arrival_) {
    const auto u = static_cast<std::size_t>(i);
    const int box = index_.order_box[u], product = index_.order_product[u];
    auto [it, added] = ids.emplace(std::make_tuple(box, product, in_.orders[u].cutoff_min), static_cast<int>(buckets_.size()));
    if (added) buckets_.push_back({box, product, {}});
    bucket_of_[u] = it->second;
    arrivals_[{box, product}].push_back(in_.orders[u].arrival_min);
  }
  flow_of_.assign(in_.products.size(), nullptr);
  for (const ProductFlow& f : in_.planning_flow())
    if (const int p = index_.product(f.product); p >= 0) flow_of_[static_cast<std::size_t>(p)] = &f.fruit_per_s;
  station_buckets_.resize(in_.stations.size());
  station_pairs_.resize(in_.stations.size());
  for (std::size_t s = 0; s < in_.stations.size(); ++s) {
    for (const auto& [key, id] : ids) {
      const auto& [box, product, cutoff] = key;
      if (!index_.station_packs[s][static_cast<std::size_t>(box)] || !reach_.ever(static_cast<int>(s), product)) continue;
      station_buckets_[s].push_back(id);
      if (station_pairs_[s].empty() || station_pairs_[s].back() != std::make_pair(box, product))
        station_pairs_[s].emplace_back(box, product);
    }
  }
}

void Dispatcher::build_spans() {
  spans_.assign(in_.workers.size(), {});
  std::vector<std::vector<std::pair<Window, int>>> staffed(in_.workers.size());
  for (const StaffAssignment& a : plan_.staff) {
    const int w = index_.worker(a.worker), s = index_.station(a.station);
    if (w >= 0 && s >= 0) staffed[static_cast<std::size_t>(w)].emplace_back(a.window, s);
  }
  for (std::size_t w = 0; w < in_.workers.size(); ++w) {
    auto& list = staffed[w];
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first.start_min < b.first.start_min; });
    // Stays at one station planned in several windows that follow one another are one stay.
    std::vector<std::pair<Window, int>> stays;
    for (const auto& item : list) {
      if (!stays.empty() && stays.back().second == item.second && item.first.start_min <= stays.back().first.end_min)
        stays.back().first.end_min = std::max(stays.back().first.end_min, item.first.end_min);
      else
        stays.push_back(item);
    }
    const PlanWorker& worker = in_.workers[w];
    const Window avail = staffable_window(worker, options_.now_min, in_.horizon_min);
    for (const auto& [window, s] : stays) {
      const Window piece{std::max(window.start_min, avail.start_min), std::min(window.end_min, avail.end_min)};
      if (piece.start_min >= piece.end_min) continue;
      std::vector<Window> cuts = worker.breaks;
      const auto& down = in_.stations[static_cast<std::size_t>(s)].down;
      cuts.insert(cuts.end(), down.begin(), down.end());
      for (const Window& p : subtract(piece, cuts)) spans_[w].push_back({static_cast<double>(p.start_min), static_cast<double>(p.end_min), s});
    }
    std::sort(spans_[w].begin(), spans_[w].end(), [](const Span& a, const Span& b) { return a.start_min < b.start_min; });
  }
}

}  // namespace coldsort::scheduler::dispatching
