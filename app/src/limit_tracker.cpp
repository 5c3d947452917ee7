#include "limit_tracker.hpp"

#include <algorithm>
#include <cstdio>

namespace coldsort::app::detail {

std::string one_decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string duration_words(std::chrono::milliseconds d) {
  using namespace std::chrono;
  const auto total_min = duration_cast<minutes>(d).count();
  char buf[48];
  if (total_min < 60) {
    std::snprintf(buf, sizeof buf, "%lld min", static_cast<long long>(total_min));
  } else if (total_min < 24 * 60) {
    std::snprintf(buf, sizeof buf, "%lld h %02lld min", static_cast<long long>(total_min / 60),
                  static_cast<long long>(total_min % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld d %lld h", static_cast<long long>(total_min / 1440),
                  static_cast<long long>(total_min % 1440 / 60));
  }
  return buf;
}

void LimitTracker::start(double value, bool held, const std::string& point, const Stamp& at) {
  open_ = true;
  alarmed_ = false;
  defrost_ = held;
  start_ = at;
  peak_ = value;
  point_ = point;
  beyond_since_.reset();
}

void LimitTracker::update(double value, bool held, const std::string& point, const Stamp& at,
                          ColdChainOutput& out) {
  if (!open_) {
    if (!is_beyond(value)) return;
    start(value, held, point, at);
  } else {
    peak_ = spec_.above ? std::max(peak_, value) : std::min(peak_, value);
    defrost_ = defrost_ || held;
    if (is_back_inside(value)) {
      last_ = value;
      close(at, "", out);
      return;
    }
  }
  last_ = value;
  // The delay wants the value beyond the limit without a break; inside the deadband (not
  // yet cleared) or held off by a defrost, it starts again.
  if (!is_beyond(value) || held)
    beyond_since_.reset();
  else if (!beyond_since_)
    beyond_since_ = at.steady;
  if (!alarmed_ && beyond_since_ && at.steady - *beyond_since_ >= spec_.delay) raise(at, out);
}

void LimitTracker::raise(const Stamp& at, ColdChainOutput& out) {
  alarmed_ = true;
  const auto beyond_for =
      std::chrono::duration_cast<std::chrono::milliseconds>(at.steady - start_.steady);
  std::string message = spec_.room_name + ": " + spec_.label + " " + one_decimal(last_) + " " +
                        spec_.unit + (spec_.above ? " above" : " below") + " the " +
                        spec_.level + " limit " + one_decimal(spec_.limit) + " " + spec_.unit +
                        " for " + duration_words(beyond_for) + " (" + point_ + ")";
  out.alarms.push_back(AlarmRequest{AlarmRequest::Action::raise, spec_.key, spec_.room,
                                    std::move(message), spec_.priority});
}

std::optional<core::ColdExcursion> LimitTracker::open_excursion(const Stamp& at) const {
  if (!open_) return std::nullopt;
  core::ColdExcursion e;
  e.room = spec_.room;
  e.kind = spec_.kind;
  e.start = start_.wall;
  e.end = at.wall;
  e.duration = std::chrono::duration_cast<std::chrono::milliseconds>(at.steady - start_.steady);
  e.peak = peak_;
  e.limit = spec_.limit;
  e.alarmed = alarmed_;
  e.defrost = defrost_;
  e.probe = point_;
  return e;
}

void LimitTracker::close(const Stamp& at, const std::string& detail, ColdChainOutput& out) {
  if (!open_) return;
  core::ColdExcursion e = *open_excursion(at);
  e.detail = spec_.detail.empty() || detail.empty() ? spec_.detail + detail
                                                    : spec_.detail + "; " + detail;
  if (alarmed_) {
    std::string message = spec_.room_name + ": " + spec_.label + " back to " +
                          one_decimal(last_) + " " + spec_.unit + ", inside the " + spec_.level +
                          " limit; peak " + one_decimal(peak_) + " " + spec_.unit + " over " +
                          duration_words(e.duration);
    out.alarms.push_back(AlarmRequest{AlarmRequest::Action::clear, spec_.key, spec_.room,
                                      std::move(message), spec_.priority});
  }
  if (alarmed_ || spec_.record_unalarmed) out.excursions.push_back(std::move(e));
  open_ = false;
  alarmed_ = false;
  beyond_since_.reset();
}

}  // namespace coldsort::app::detail
