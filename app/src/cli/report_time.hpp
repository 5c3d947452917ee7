#pragma once
// Reading the times a manager types for `coldsort report` and `coldsort export`: local dates
// and minutes, the UTC offset, and the shift table. Thread safety: free functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coldsort/store/reports.hpp"

namespace coldsort::cli {

// "+08:00", "-05:30", "+8" -> minutes east of UTC; nullopt when malformed or beyond -12..+14 h.
std::optional<int> parse_utc_offset(std::string_view text);

// "YYYY-MM-DD" (local midnight; with `end_of_day` the next midnight, so that --to includes the
// whole day) or "YYYY-MM-DDTHH:MM" (that local minute) -> Unix ms; nullopt when malformed.
std::optional<std::int64_t> parse_local_time(std::string_view text, int utc_offset_min, bool end_of_day);

// "day=06:00,late=14:00,night=22:00" -> shifts; nullopt when malformed or a start repeats.
std::optional<std::vector<store::Shift>> parse_shifts(std::string_view text);

// Reads --from/--to/--utc-offset for `command`; prints what is wrong on stderr and returns
// false when one is malformed.
bool read_range(std::string_view command, const std::string& from, const std::string& to,
                const std::string& offset, std::int64_t& from_ms, std::int64_t& to_ms, int& offset_min);

}  // namespace coldsort::cli
