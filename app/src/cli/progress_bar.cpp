#include "progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace coldsort::cli {
namespace {

// Ten redraws a second read as smooth motion; more only costs terminal I/O.
constexpr auto kRedrawPeriod = std::chrono::milliseconds(100);
constexpr int kBarWidth = 28;

}  // namespace

ProgressBar::ProgressBar(std::size_t total, std::string label)
    : ProgressBar(total, std::move(label), std::cerr, ::isatty(STDERR_FILENO) == 1) {}

ProgressBar::ProgressBar(std::size_t total, std::string label, std::ostream& out, bool enabled)
    : total_(total), label_(std::move(label)), out_(&out), enabled_(enabled),
      started_(Clock::now()) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::size_t done, Clock::time_point now) {
  if (!enabled_ || (now - last_draw_ < kRedrawPeriod && done < total_)) return;
  last_draw_ = now;
  drawn_ = true;
  double elapsed_s = std::chrono::duration<double>(now - started_).count();
  *out_ << '\r' << render(done, elapsed_s) << "\033[K" << std::flush;
}

void ProgressBar::finish() {
  if (!enabled_ || !drawn_) return;
  *out_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

std::string ProgressBar::render(std::size_t done, double elapsed_s) const {
  double share = total_ == 0 ? 1.0 : std::min(1.0, double(done) / double(total_));
  int filled = static_cast<int>(std::lround(share * kBarWidth));
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kBarWidth, '.');
  // A rate from the first fraction of a second is noise (one image in 1 ms is not 1000/s).
  double rate = elapsed_s >= 0.5 ? done / elapsed_s : 0;
  char text[160];
  std::snprintf(text, sizeof text, "%s [%s] %zu/%zu %3.0f%%", label_.c_str(), bar.c_str(), done,
                total_, share * 100);
  std::string line = text;
  if (rate > 0) {
    std::snprintf(text, sizeof text, "  %.1f/s", rate);
    line += text;
  }
  if (rate > 0 && done < total_)
    line += "  ETA " + format_duration(double(total_ - done) / rate);
  return line;
}

std::string format_duration(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char text[32];
  if (s >= 3600)
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else
    std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
  return text;
}

}  // namespace coldsort::cli
