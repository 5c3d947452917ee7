// "fifo": the way a packhouse runs without a planner. Outlets fixed for the day in proportion to
// the fruit ordered; each worker, when first available, takes the first free station slot (in
// station order) that can pack a box type they have — one with orders for it if there is such
// a slot — and stays there all day; stations pack orders in arrival order.
#include <algorithm>

#include "planners.hpp"

namespace coldsort::scheduler {
namespace {

class FifoPlanner final : public BaselinePlanner {
 public:
  std::string_view name() const override { return "fifo"; }

 protected:
  DispatchRule rule() const override { return DispatchRule::arrival; }
  void staff(StaffingContext& ctx) override;

 private:
  bool can_pack(const StaffingContext& ctx, int w, int s) const;
  bool has_orders(const StaffingContext& ctx, int w, int s) const;
  int choose(const StaffingContext& ctx, int w, const Window& piece, int preferred, int& slot) const;

  std::vector<char> demand_;  // [box * products + product]: open orders exist
};

bool FifoPlanner::can_pack(const StaffingContext& ctx, int w, int s) const {
  const auto& packs = ctx.index.station_packs[static_cast<std::size_t>(s)];
  const auto& rates = ctx.index.rate[static_cast<std::size_t>(w)];
  for (std::size_t b = 0; b < packs.size(); ++b)
    if (packs[b] && rates[b] > 0) return true;
  return false;
}

bool FifoPlanner::has_orders(const StaffingContext& ctx, int w, int s) const {
  const auto& packs = ctx.index.station_packs[static_cast<std::size_t>(s)];
  const auto& rates = ctx.index.rate[static_cast<std::size_t>(w)];
  const std::size_t products = ctx.instance.products.size();
  for (std::size_t b = 0; b < packs.size(); ++b) {
    if (!packs[b] || rates[b] <= 0) continue;
    for (std::size_t p = 0; p < products; ++p)
      if (demand_[b * products + p] && ctx.reach.ever(s, static_cast<int>(p))) return true;
  }
  return false;
}

// The station (and slot) for one stretch of a worker's day: where they stood before if they
// still can, else the first free slot in station order, preferring stations with orders.
int FifoPlanner::choose(const StaffingContext& ctx, int w, const Window& piece, int preferred, int& slot) const {
  const int stations = static_cast<int>(ctx.instance.stations.size());
  if (preferred >= 0 && can_pack(ctx, w, preferred) && (slot = ctx.board.free_slot(preferred, piece)) >= 0)
    return preferred;
  for (int pass = 0; pass < 2; ++pass)
    for (int s = 0; s < stations; ++s) {
      if (!can_pack(ctx, w, s) || (pass == 0 && !has_orders(ctx, w, s))) continue;
      if ((slot = ctx.board.free_slot(s, piece)) >= 0) return s;
    }
  return -1;
}

void FifoPlanner::staff(StaffingContext& ctx) {
  const Instance& in = ctx.instance;
  const std::size_t products = in.products.size();
  demand_.assign(in.box_types.size() * products, 0);
  for (std::size_t i = 0; i < in.orders.size(); ++i) {
    const int b = ctx.index.order_box[i], p = ctx.index.order_product[i];
    if (b >= 0 && p >= 0 && is_open(in.orders[i], ctx.request.now_min))
      demand_[static_cast<std::size_t>(b) * products + static_cast<std::size_t>(p)] = 1;
  }
  // Workers in the order they become available ("when first available"), then list order.
  std::vector<std::pair<Window, int>> order;
  for (std::size_t w = 0; w < in.workers.size(); ++w) {
    const Window avail = staffable_window(in.workers[w], ctx.staff_from_min, in.horizon_min);
    if (avail.start_min < avail.end_min) order.emplace_back(avail, static_cast<int>(w));
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first.start_min < b.first.start_min; });
  for (const auto& [avail, w] : order) {
    const std::string& id = in.workers[static_cast<std::size_t>(w)].id;
    // Fixed all day: where the kept (published) staffing had them, else where they were.
    auto last = ctx.board.last_before(w, ctx.staff_from_min);
    int preferred = last && !last->pinned ? last->station : published_station(ctx.request.published, ctx.index, id, ctx.staff_from_min);
    for (const Window& piece : ctx.board.unplaced(w, avail)) {
      int slot = -1;
      const int s = choose(ctx, w, piece, preferred, slot);
      if (s < 0) continue;
      const std::string reason = s == preferred ? "FIFO: stays at " + in.stations[static_cast<std::size_t>(s)].id + " all day"
                                                : "FIFO: first free slot that packs their box types from " +
                                                      clock_text(in, piece.start_min) + ", stays all day";
      ctx.board.add(w, s, slot, piece, reason, false);
      preferred = s;
    }
  }
}

}  // namespace

std::unique_ptr<Planner> make_fifo_planner() { return std::make_unique<FifoPlanner>(); }

}  // namespace coldsort::scheduler
