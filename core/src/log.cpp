#include "coldsort/core/log.hpp"

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

namespace coldsort::core::log {
namespace {

constexpr const char* level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
    case Level::off: return "off";
  }
  return "?";
}

void write_stderr(Level level, std::string_view category, std::string_view message) {
  std::fprintf(stderr, "[%s] %.*s: %.*s\n", level_name(level),
               static_cast<int>(category.size()), category.data(),
               static_cast<int>(message.size()), message.data());
}

struct Limited {
  std::chrono::steady_clock::time_point last{};
  long suppressed = 0;
};

std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;  // guards the sink and the rate limiter table
Sink g_sink = write_stderr;
std::map<std::string, Limited, std::less<>> g_limited;

}  // namespace

void set_level(Level level) { g_level = level; }
Level level() { return g_level; }

Sink set_sink(Sink sink) {
  std::lock_guard lock(g_mutex);
  Sink previous = std::move(g_sink);
  g_sink = sink ? std::move(sink) : Sink{write_stderr};
  return previous;
}

bool parse_level(std::string_view text, Level& out) {
  for (Level l : {Level::debug, Level::info, Level::warn, Level::error, Level::off}) {
    if (text == level_name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

void write(Level level, std::string_view category, std::string_view message) {
  if (level < g_level.load()) return;
  Sink sink;
  {
    std::lock_guard lock(g_mutex);
    sink = g_sink;  // call out without holding the lock
  }
  sink(level, category, message);
}

void write_limited(Level level, std::string_view category, std::string_view key,
                   std::string_view message, std::chrono::milliseconds period) {
  if (level < g_level.load()) return;
  long suppressed = 0;
  {
    std::lock_guard lock(g_mutex);
    auto now = std::chrono::steady_clock::now();
    auto it = g_limited.find(key);
    if (it == g_limited.end()) it = g_limited.emplace(std::string(key), Limited{}).first;
    Limited& entry = it->second;
    if (entry.last != std::chrono::steady_clock::time_point{} && now - entry.last < period) {
      ++entry.suppressed;
      return;
    }
    entry.last = now;
    suppressed = entry.suppressed;
    entry.suppressed = 0;
  }
  if (suppressed == 0) {
    write(level, category, message);
  } else {
    write(level, category,
          std::string(message) + " (" + std::to_string(suppressed) + " similar suppressed)");
  }
}

}  // namespace coldsort::core::log
