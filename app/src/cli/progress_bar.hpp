#pragma once
// A one-line progress bar for long batches (thousands of images): done/total, rate and time
// left, redrawn in place at most ~10 times a second so that drawing never costs more than
// the work. Shown only when stderr is a terminal, so logs and pipes stay clean.
// Thread safety: none; the thread that owns the batch updates it.
#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace coldsort::cli {

class ProgressBar {
 public:
  using Clock = std::chrono::steady_clock;

  // Draws on stderr when stderr is a terminal (isatty), otherwise stays silent.
  ProgressBar(std::size_t total, std::string label);
  // Draws on `out` when `enabled` (tests and non-terminal callers).
  ProgressBar(std::size_t total, std::string label, std::ostream& out, bool enabled);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }
  // Records progress; redraws when at least 100 ms passed since the last drawing.
  void update(std::size_t done, Clock::time_point now = Clock::now());
  // Clears the bar so that the next line (the summary) starts clean. Idempotent.
  void finish();

  // The text of the bar, without the carriage return (for tests).
  std::string render(std::size_t done, double elapsed_s) const;

 private:
  std::size_t total_;
  std::string label_;
  std::ostream* out_;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point started_;
  Clock::time_point last_draw_{};
};

// "1:05" or "1:02:03".
std::string format_duration(double seconds);

}  // namespace coldsort::cli
