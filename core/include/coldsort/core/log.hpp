#pragma once
// One logging facade for the whole controller: levels, categories and rate limiting.
// Nothing above debug belongs on the per-fruit path.
// Thread safety: every function here may be called from any thread.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace coldsort::core::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

using Sink = std::function<void(Level, std::string_view category, std::string_view message)>;

// Messages below `level` are dropped before formatting reaches the sink.
void set_level(Level level);
Level level();
// Replaces the sink (default: one line per message on stderr). Returns the previous sink.
Sink set_sink(Sink sink);
bool parse_level(std::string_view text, Level& out);

void write(Level level, std::string_view category, std::string_view message);

inline void debug(std::string_view cat, std::string_view msg) { write(Level::debug, cat, msg); }
inline void info(std::string_view cat, std::string_view msg) { write(Level::info, cat, msg); }
inline void warn(std::string_view cat, std::string_view msg) { write(Level::warn, cat, msg); }
inline void error(std::string_view cat, std::string_view msg) { write(Level::error, cat, msg); }

// Writes at most one message per `key` per `period`; counts what it suppressed and says so
// in the next message that gets through. For faults that repeat every poll cycle.
void write_limited(Level level, std::string_view category, std::string_view key,
                   std::string_view message,
                   std::chrono::milliseconds period = std::chrono::seconds{10});

}  // namespace coldsort::core::log
