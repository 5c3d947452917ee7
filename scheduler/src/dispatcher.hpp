#pragma once
// The sequencer behind `dispatch_orders` (dispatch.hpp), event-driven: a heap of "worker free
// at t" events; per demand bucket (box type, product, cut-off) the open orders kept in the
// rule's order, so the next order is the head of a sorted set; the fruit model advanced with
// time. Set-up (dispatcher_setup.cpp) builds the buckets, the workers' packing spans and the
// frozen tasks; the run (dispatch.cpp) hands out orders.
// Thread safety: not thread-safe; one per call of `dispatch_orders`.
#include <algorithm>
#include <limits>
#include <map>
#include <queue>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "dispatch.hpp"
#include "fruit_pool.hpp"
#include "plan_support.hpp"

namespace coldsort::scheduler::dispatching {

constexpr double kSlack = 1e-6;  // the plan checker's tolerance on fractional task times
// How far past a bucket's first order a worker looks for one that fits the time or fruit left
// (a smaller order): deeper scans cost time and rarely find one.
constexpr int kScanDepth = 16;

// A stretch of time a worker can pack at one station: staffed, on shift, off break, station up.
struct Span {
  double start_min;
  double end_min;
  int station;
};

struct Bucket {
  int box;
  int product;
  std::set<int> open;  // ranks (rule order) of orders that have arrived and are not taken
  int head = std::numeric_limits<int>::max();  // *open.begin(), read without touching the tree

  void insert(int rank) {
    open.insert(rank);
    head = std::min(head, rank);
  }
  std::set<int>::iterator erase(std::set<int>::iterator it) {
    it = open.erase(it);
    head = open.empty() ? std::numeric_limits<int>::max() : *open.begin();
    return it;
  }
};

// What the inner loop reads of an order, by rank, packed for the cache.
struct OrderFacts {
  int boxes;
  int cancelled_min;
};

struct FruitNeed {
  int product;
  double deficit;
};

class Dispatcher {
 public:
  Dispatcher(const Instance& in, Plan& plan, const DispatchOptions& options);

  void run();

 private:
  using Event = std::tuple<double, int, int>;  // time, parcels so far, worker: fewer parcels first

  void read_frozen();
  void rank_orders();
  void build_buckets();
  void build_spans();
  void open_orders(double t);
  void take_frozen(double t);
  bool pick(int w, double t, const Span& span);
  // The first order of a bucket the worker can pack now (time and fruit left), by the rule;
  // notes fruit shortfalls in `needs_`. `end` of the bucket's set when none.
  std::set<int>::iterator first_fit(Bucket& b, double rate, double t, const Span& span);
  double wake_time(int w, double t, const Span& span) const;
  void emit(int order, int w, int station, double start, double rate);
  std::string reason(const PlanOrder& o, double finish) const;
  void push(int w, double t) { events_.emplace(t, parcels_[static_cast<std::size_t>(w)], w); }

  const Instance& in_;
  Plan& plan_;
  const DispatchOptions& options_;
  InstanceIndex index_;
  ReachMap reach_;
  FruitPool pool_;
  int day_start_;
  int period_;

  std::vector<PackTask> out_;
  std::vector<const PackTask*> frozen_;  // by start
  std::size_t frozen_next_ = 0;
  std::vector<int> frozen_order_;        // per frozen task: order index or -1
  std::vector<char> eligible_;           // per order: may be dispatched
  std::vector<int> ranked_;              // rank -> order index
  std::vector<int> rank_of_;             // order index -> rank
  std::vector<OrderFacts> facts_;        // by rank
  std::vector<int> by_arrival_;          // eligible orders by arrival
  std::size_t arrival_next_ = 0;
  std::vector<int> bucket_of_;           // per order
  std::vector<Bucket> buckets_;
  std::vector<std::vector<int>> station_buckets_;                 // buckets a station may pack
  std::vector<std::vector<std::pair<int, int>>> station_pairs_;   // (box, product) a station may pack
  std::map<std::pair<int, int>, std::vector<int>> arrivals_;      // (box, product) -> arrival minutes
  std::vector<const std::vector<double>*> flow_of_;               // per product: fruit/s per period
  std::vector<std::vector<Span>> spans_;
  std::vector<std::size_t> cursor_;
  std::vector<int> parcels_;
  std::vector<double> busy_until_;
  std::vector<double> unblock_;  // per product: new tasks start no earlier (frozen tasks' fruit)
  std::vector<FruitNeed> needs_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  long steps_ = 0;
};

}  // namespace coldsort::scheduler::dispatching
