#include "report_time.hpp"

#include <chrono>
#include <iostream>
#include <set>

namespace coldsort::cli {
namespace {

// Digits only, exactly `n` of them.
std::optional<int> digits(std::string_view text, std::size_t n) {
  if (text.size() != n) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "HH:MM" -> minutes of the day (00:00..23:59).
std::optional<int> clock_minutes(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto h = digits(text.substr(0, 2), 2), m = digits(text.substr(3, 2), 2);
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return *h * 60 + *m;
}

}  // namespace

std::optional<int> parse_utc_offset(std::string_view text) {
  if (text.size() < 2 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const int sign = text[0] == '-' ? -1 : 1;
  text.remove_prefix(1);
  std::optional<int> h, m = 0;
  if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    h = digits(text.substr(0, colon), colon);
    m = digits(text.substr(colon + 1), 2);
  } else {
    h = digits(text, text.size());
  }
  if (!h || !m || *m > 59 || text.size() > 5) return std::nullopt;
  const int minutes = sign * (*h * 60 + *m);
  if (minutes < -12 * 60 || minutes > 14 * 60) return std::nullopt;
  return minutes;
}

std::optional<std::int64_t> parse_local_time(std::string_view text, int utc_offset_min, bool end_of_day) {
  using namespace std::chrono;
  if (text.size() != 10 && text.size() != 16) return std::nullopt;
  if (text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = digits(text.substr(0, 4), 4), mo = digits(text.substr(5, 2), 2), d = digits(text.substr(8, 2), 2);
  if (!y || !mo || !d) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  std::int64_t local_min = std::int64_t{sys_days{ymd}.time_since_epoch().count()} * 24 * 60;
  if (text.size() == 16) {
    auto minutes = text[10] == 'T' ? clock_minutes(text.substr(11)) : std::nullopt;
    if (!minutes) return std::nullopt;
    local_min += *minutes;
  } else if (end_of_day) {
    local_min += 24 * 60;
  }
  return (local_min - utc_offset_min) * 60'000;
}

std::optional<std::vector<store::Shift>> parse_shifts(std::string_view text) {
  std::vector<store::Shift> shifts;
  std::set<int> starts;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    auto start = clock_minutes(item.substr(eq + 1));
    if (!start || !starts.insert(*start).second) return std::nullopt;
    shifts.push_back({std::string(item.substr(0, eq)), *start});
  }
  if (shifts.empty()) return std::nullopt;
  return shifts;
}

bool read_range(std::string_view command, const std::string& from, const std::string& to,
                const std::string& offset, std::int64_t& from_ms, std::int64_t& to_ms, int& offset_min) {
  if (!offset.empty()) {
    auto parsed = parse_utc_offset(offset);
    if (!parsed) {
      std::cerr << command << ": bad --utc-offset \"" << offset << "\" (want +HH:MM, -12:00..+14:00)\n";
      return false;
    }
    offset_min = *parsed;
  }
  const std::pair<const std::string*, std::int64_t*> ends[] = {{&from, &from_ms}, {&to, &to_ms}};
  for (const auto& [text, into] : ends) {
    if (text->empty()) continue;
    auto parsed = parse_local_time(*text, offset_min, text == &to);
    if (!parsed || *parsed < 0) {
      std::cerr << command << ": bad --" << (text == &to ? "to" : "from") << " \"" << *text
                << "\" (want YYYY-MM-DD or YYYY-MM-DDTHH:MM, local time)\n";
      return false;
    }
    *into = *parsed;
  }
  if (!to.empty() && from_ms >= to_ms) {
    std::cerr << command << ": --to " << to << " is not after --from " << from << "\n";
    return false;
  }
  return true;
}

}  // namespace coldsort::cli
