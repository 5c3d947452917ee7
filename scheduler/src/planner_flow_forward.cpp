// The forward pass (planner_flow_forward.hpp).
#include "planner_flow_forward.hpp"

#include <algorithm>

#include "planner_flow_outlets.hpp"

namespace coldsort::scheduler::flow {
namespace {

class Forward {
 public:
  Forward(const Model& m, const ForwardSetup& setup, const ForwardStart* start)
      : m_(m), s_(setup), demand_(m), outlet_(setup.start_outlet), station_(setup.start_worker) {
    load_.assign(m.instance().workers.size(), 0.0);
    from_ = std::max(s_.from_period, m_.first_period);
    if (start != nullptr) {
      from_ = std::max(from_, start->period);
      demand_.restart(start->left, start->fruit);
      outlet_ = start->outlet;
      station_ = start->station;
      load_ = start->load;
    }
    outlet_.resize(m.instance().outlets.size(), kNone);
    station_.resize(m.instance().workers.size(), kNone);
    load_.resize(m.instance().workers.size(), 0.0);
  }

  std::vector<PeriodPlan> run() {
    std::vector<PeriodPlan> out;
    const int from = from_;
    for (int p = from; p < m_.periods; ++p) {
      PeriodPlan plan;
      plan.period = p;
      plan.block_start = p == from || p % std::max(1, s_.block_periods) == 0;
      if (plan.block_start) plan.product_need = allocate(p, from);
      plan.outlet = outlet_;
      staff(p, plan);
      out.push_back(std::move(plan));
    }
    return out;
  }

 private:
  int workers_in(int p) const {
    int n = 0;
    const int length = std::max(1, m_.period_end(p) - m_.period_start(p));
    for (const auto& avail : m_.avail_min) n += avail[static_cast<std::size_t>(p)] * 3 >= length;
    return n;
  }

  // Outlets for the block starting at `p`: fixed where any period of the block is pinned.
  std::vector<double> allocate(int p, int from) {
    const int block = std::max(1, s_.block_periods);
    const int end = std::min(m_.periods, (p / block + 1) * block);
    OutletInputs in;
    in.previous = outlet_;
    in.fixed.assign(outlet_.size(), kNone);
    for (int t = p; t < end; ++t)
      for (std::size_t o = 0; o < outlet_.size(); ++o)
        if (s_.fixed_outlet[static_cast<std::size_t>(t)][o] != kNone && in.fixed[o] == kNone)
          in.fixed[o] = s_.fixed_outlet[static_cast<std::size_t>(t)][o];
    if (!s_.published_outlet.empty()) in.published = s_.published_outlet[static_cast<std::size_t>(p)];
    in.change_cost = s_.outlet_change;
    in.workers = workers_in(p);
    in.first_period = p;
    in.block_periods = end - p;
    (void)from;
    const std::vector<double> fruit = demand_.fruit_if_carried(p);
    const OutletDecision d = allocate_outlets(m_, demand_.needs(p, &fruit), in);
    outlet_ = d.product;
    return d.need;
  }

  void staff(int p, PeriodPlan& plan) {
    const auto pi = static_cast<std::size_t>(p);
    Carried carried(m_.instance().products.size(), 0);
    std::vector<double> buffer(carried.size(), 0.0);
    for (int o : m_.product_outlets) {
      const int product = outlet_[static_cast<std::size_t>(o)];
      if (product == kNone) continue;
      carried[static_cast<std::size_t>(product)] = 1;
      buffer[static_cast<std::size_t>(product)] += m_.instance().outlets[static_cast<std::size_t>(o)].buffer_fruit;
    }
    demand_.open_period(p, carried);
    plan.bucket_left.reserve(m_.buckets.size());
    for (std::size_t k = 0; k < m_.buckets.size(); ++k) plan.bucket_left.push_back(demand_.left(static_cast<int>(k)));
    StaffInputs in;
    in.period = p;
    in.needs = demand_.needs(p);
    in.reachable = reachable_skus(m_, outlet_, in.needs);
    in.previous = station_;
    if (!s_.published_worker.empty()) in.published = s_.published_worker[pi];
    in.fixed = s_.fixed_worker[pi];
    in.load_min = load_;
    in.change_cost = s_.staff_change;
    in.fairness_cost = s_.fairness;
    // A re-plan keeps the published staffing wherever it is still useful (stable and cheap);
    // a fresh plan re-optimises everyone at each block start.
    in.restricted = !plan.block_start || !s_.published_worker.empty();
    plan.staff = staff_period(m_, in);
    plan.sku_rate.assign(m_.skus.size(), 0.0);
    for (std::size_t w = 0; w < plan.staff.size(); ++w) {
      const StaffChoice& c = plan.staff[w];
      station_[w] = c.station;
      if (c.station == kNone) continue;
      const double minutes = m_.avail_min[w][pi];
      load_[w] += minutes;
      if (c.sku != kNone)
        plan.sku_rate[static_cast<std::size_t>(c.sku)] += m_.rate[w][static_cast<std::size_t>(m_.skus[static_cast<std::size_t>(c.sku)].box)];
      demand_.pack(p, static_cast<int>(w), c.sku, in.reachable[static_cast<std::size_t>(c.station)], minutes * s_.efficiency);
    }
    demand_.close_period(p, buffer);
    plan.needs = std::move(in.needs);
  }

  const Model& m_;
  const ForwardSetup& s_;
  Demand demand_;
  std::vector<int> outlet_;   // per instance outlet: product now
  std::vector<int> station_;  // per worker: station in the period before
  std::vector<double> load_;  // per worker: staffed minutes so far
  int from_ = 0;
};

}  // namespace

std::vector<PeriodPlan> run_forward(const Model& model, const ForwardSetup& setup, const ForwardStart* start) {
  return Forward(model, setup, start).run();
}

}  // namespace coldsort::scheduler::flow
