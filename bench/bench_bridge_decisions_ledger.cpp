#include <stdexcept>

#include "bench_bridge_decisions_parts.hpp"
#include "coldsort/bridge/point_group.hpp"
#include "coldsort/bridge/sorter_plc.hpp"

namespace coldsort::bench {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Passes everything through; tells the ledger about every answered write to the sorter's
// holding registers. Thread safety: none, like any FieldBus (the link's I/O thread).
class LedgerBus final : public bridge::FieldBus {
 public:
  LedgerBus(std::unique_ptr<bridge::FieldBus> inner, DecisionLedger& ledger, int sorter_unit)
      : inner_(std::move(inner)), ledger_(ledger), sorter_unit_(sorter_unit) {}

  core::Result<void> connect() override { return inner_->connect(); }
  void close() override { inner_->close(); }
  bool is_connected() const override { return inner_->is_connected(); }
  core::Result<std::vector<std::uint16_t>> read(int unit_id, core::RegisterTable table,
                                                std::uint16_t address,
                                                std::uint16_t count) override {
    return inner_->read(unit_id, table, address, count);
  }
  core::Result<void> write(int unit_id, core::RegisterTable table, std::uint16_t address,
                           std::span<const std::uint16_t> values) override {
    auto r = inner_->write(unit_id, table, address, values);
    if (r && unit_id == sorter_unit_ && table == core::RegisterTable::holding_register)
      ledger_.acknowledged(address, values);
    return r;
  }
  int last_exception_code() const override { return inner_->last_exception_code(); }
  std::string last_error_text() const override { return inner_->last_error_text(); }

 private:
  std::unique_ptr<bridge::FieldBus> inner_;
  DecisionLedger& ledger_;
  int sorter_unit_;
};

}  // namespace

DecisionLedger::DecisionLedger(const core::DeviceConfig& sorter, const core::LineConfig& line,
                               int nearest_outlet_cups, std::uint64_t cups_wanted,
                               std::function<std::uint64_t()> plc_cup)
    : sorter_(sorter),
      table_(bridge::require_point(sorter, "outlet_table")),
      lanes_(line.lanes),
      slots_(line.outlet_table_slots),
      margin_cups_(line.decision_margin_cups),
      nearest_outlet_cups_(nearest_outlet_cups),
      cups_wanted_(cups_wanted),
      plc_cup_(std::move(plc_cup)) {
  if (lanes_ > 30) throw std::invalid_argument("the ledger tracks at most 30 lanes");
  expected_.assign(static_cast<std::size_t>(cups_wanted_) * static_cast<std::size_t>(lanes_), -1);
}

std::unique_ptr<bridge::FieldBus> DecisionLedger::wrap(std::unique_ptr<bridge::FieldBus> bus) {
  return std::make_unique<LedgerBus>(std::move(bus), *this, sorter_.unit_id);
}

bool DecisionLedger::in_range(std::uint64_t cup) const {
  return first_cup_ && cup >= *first_cup_ && cup - *first_cup_ < cups_wanted_;
}

void DecisionLedger::note_cup(std::uint64_t cup) {
  if (!first_cup_) first_cup_ = cup;
  if (in_range(cup)) ++cups_seen_;
}

void DecisionLedger::decided(std::uint64_t cup, std::span<const int> outlets) {
  std::lock_guard lock(mutex_);
  note_cup(cup);
  if (!in_range(cup)) return;
  ++counts_.cups_decided;
  const std::size_t base = static_cast<std::size_t>(cup - *first_cup_) * static_cast<std::size_t>(lanes_);
  for (std::size_t lane = 0; lane < outlets.size(); ++lane)
    expected_[base + lane] = static_cast<std::int8_t>(outlets[lane]);
  pending_[bridge::outlet_slot_tag(cup)] = Pending{cup, SteadyClock::now(), 0};
}

void DecisionLedger::skipped_late(std::uint64_t cup) {
  std::lock_guard lock(mutex_);
  note_cup(cup);
  if (in_range(cup)) ++counts_.cups_skipped_late;
}

void DecisionLedger::acknowledged(std::uint16_t address, std::span<const std::uint16_t> words) {
  const auto now = SteadyClock::now();
  const int table_first = table_.address;
  const int table_end = table_first + table_.total_words();
  if (address < table_first || address >= table_end) return;  // heartbeat, watchdog, run
  const auto plc_cup = static_cast<std::int64_t>(plc_cup_());
  const unsigned all_lanes = (1u << lanes_) - 1;
  std::lock_guard lock(mutex_);
  // Requests for cups of the measured range: a run of dirty elements starts at a tag word (a
  // new cup always changes the tag), so the first word names the cup.
  const bool starts_at_tag = (address - table_first) % 2 == 0;
  if (!words.empty() && starts_at_tag && pending_.count(words[0]) != 0) {
    ++counts_.table_writes;
    const auto slot_words = static_cast<std::size_t>(2 * lanes_);
    if (words.size() < slot_words) ++counts_.partial_writes;
    if (words.size() > slot_words) ++counts_.multi_cup_writes;
  }
  for (std::size_t k = 0; k < words.size(); ++k) {
    const int element = address + static_cast<int>(k) - table_first;
    if (element % 2 != 0) continue;  // the outlet word; the tag word says which cup
    auto it = pending_.find(words[k]);
    if (it == pending_.end()) continue;
    Pending& p = it->second;
    const int slot = element / (2 * lanes_);
    if (static_cast<std::uint64_t>(slot) != p.cup % static_cast<std::uint64_t>(slots_)) continue;
    p.lanes_acked |= 1u << ((element / 2) % lanes_);
    if (p.lanes_acked != all_lanes) continue;
    latency_us_.push_back(to_us(now - p.held_at));
    const std::int64_t slack = static_cast<std::int64_t>(p.cup) + nearest_outlet_cups_ - plc_cup;
    counts_.min_slack_cups = std::min(counts_.min_slack_cups, slack);
    if (slack <= 0) ++counts_.missed_entries;
    else if (slack < margin_cups_) ++counts_.late_entries;
    pending_.erase(it);
  }
}

void DecisionLedger::check_ejections(const std::vector<bridge::Ejection>& ejections) {
  std::lock_guard lock(mutex_);
  for (const bridge::Ejection& e : ejections) {
    if (!in_range(e.cup)) continue;
    const std::size_t at = static_cast<std::size_t>(e.cup - *first_cup_) * static_cast<std::size_t>(lanes_) +
                           static_cast<std::size_t>(e.lane);
    if (expected_[at] < 0) {
      ++counts_.skipped_at_outlet;
      continue;
    }
    ++counts_.fruit_checked;
    if (!e.had_decision) ++counts_.undecided;
    else if (e.outlet != expected_[at]) ++counts_.wrong_outlet;
  }
}

std::optional<std::uint64_t> DecisionLedger::last_cup() const {
  std::lock_guard lock(mutex_);
  if (!first_cup_ || cups_seen_ < cups_wanted_) return std::nullopt;
  return *first_cup_ + cups_wanted_ - 1;
}

DecisionLedger::Counts DecisionLedger::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

LatencySummary DecisionLedger::latency() const {
  std::lock_guard lock(mutex_);
  return summarise(latency_us_);
}

}  // namespace coldsort::bench
