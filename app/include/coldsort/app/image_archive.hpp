#pragma once
// The controller's archive of graded images. It keeps every image of a fruit that was
// rejected, out of grade or uncertain, and one fruit in N of the rest, as PNG files under
// ROOT/YYYY-MM-DD/lane<L>_cup<C>_v<K>.png with an index.csv per day (what was decided, under
// which standard, with every measurement). `coldsort regrade` re-grades these images under
// a draft standard to show the outturn the draft would give before it goes live.
//
// The line never waits for the disk: offer() only queues, one writer thread encodes and
// writes. The queue is bounded; when it is full, sampled fruit are dropped first (counted).
// The archive is bounded in bytes: the oldest days are deleted first (logged); when the
// current day alone would pass the bound, new images are not written (counted).
//
// Thread safety: offer(), counters() and flush() may be called from any thread; start(),
// stop() and write_pending() from the owning thread. Not copyable.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "coldsort/core/clock.hpp"
#include "coldsort/core/fruit.hpp"
#include "coldsort/vision/frame.hpp"

namespace coldsort::app {

struct ImageArchiveConfig {
  std::string root = "var/archive";
  int sample_one_in = 50;                     // keep 1 graded fruit in N; 0 = keep none
  std::uint64_t max_bytes = 4ull << 30;       // 4 GiB: about a season of rejects at 640x480
  std::size_t queue_fruit = 64;               // fruit waiting for the writer
  double px_per_mm = 0;                       // the camera's scale, recorded for regrade
};

// One decided fruit and the views it was graded from.
struct ArchiveFruit {
  core::Fruit fruit;                  // lane, cup, seen_at, grade, size code, reason, measured
  std::string standard;               // "id@version" of the standard that graded it
  // View 0..K-1 as the camera delivered them, before lens undistortion (regrade applies the
  // config's lens, as `coldsort grade` does); empty images are skipped.
  std::vector<vision::Image> views;
};

enum class ArchiveChoice {
  kept,     // required (reject, out of grade, uncertain): queued
  sampled,  // one of N: queued
  skipped,  // not sampled, an empty cup, or no image
  dropped,  // the queue was full
};

struct ArchiveCounters {
  std::uint64_t offered = 0;
  std::uint64_t kept = 0;             // required fruit queued
  std::uint64_t sampled = 0;          // sampled fruit queued
  std::uint64_t dropped_sampled = 0;  // sampled fruit dropped: queue full
  std::uint64_t dropped_kept = 0;     // required fruit dropped: queue full of required ones
  std::uint64_t dropped_full = 0;     // fruit not written: the current day fills the bound
  std::uint64_t written_fruit = 0;
  std::uint64_t written_images = 0;
  std::uint64_t write_errors = 0;
  std::uint64_t days_deleted = 0;
  std::uint64_t bytes = 0;            // on disk under the root, as far as the archive knows
};

class ImageArchive {
 public:
  explicit ImageArchive(ImageArchiveConfig config);
  ~ImageArchive();
  ImageArchive(const ImageArchive&) = delete;
  ImageArchive& operator=(const ImageArchive&) = delete;

  // Measures what is already on disk under the root and starts the writer thread.
  void start();
  // Writes what is still queued, then stops the writer. Idempotent.
  void stop();
  // Queues the fruit's images when it must be kept or is sampled. Never blocks on I/O.
  ArchiveChoice offer(ArchiveFruit fruit);
  // Waits until everything queued so far is written (writer running), for shutdown and tests.
  void flush();
  // Without start(): writes the queue on the calling thread; returns how many fruit.
  std::size_t write_pending();
  ArchiveCounters counters() const;
  const ImageArchiveConfig& config() const { return config_; }

  // Rejects, out-of-grade and uncertain fruit are always kept.
  static bool must_keep(const core::Fruit& fruit);
  // "YYYY-MM-DD" of a time, in the controller's local time zone (the packhouse's day).
  static std::string day_of(core::WallTime t);

 private:
  struct Pending {
    ArchiveFruit fruit;
    bool sampled = false;
  };
  void run();
  void write(const Pending& p);
  void prune(const std::string& keep_day);
  std::uint64_t scan_bytes();
  std::uint64_t total_bytes() const;

  ImageArchiveConfig config_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  bool busy_ = false;
  std::uint64_t since_sample_ = 0;
  ArchiveCounters counters_;
  // Writer side (the writer thread, or the caller of write_pending()):
  bool scanned_ = false;
  std::map<std::string, std::uint64_t> day_bytes_;
  std::string full_day_warned_;
  std::thread writer_;
};

// One row of a day's index.csv, read back for regrade.
struct ArchiveRecord {
  std::string day_dir;             // the folder the files are in
  std::vector<std::string> files;  // image files, view order, full paths
  std::size_t line = 0;            // in index.csv
  std::int64_t time_ms = 0;
  int lane = 0;
  std::uint64_t cup = 0;
  core::Grade grade = core::Grade::unknown;
  std::string size_code;
  std::string reason;
  std::string standard;            // "id@version"
  bool sampled = false;
  double weight = 1;               // fruit this record stands for (N when sampled 1 in N)
  double px_per_mm = 0;            // 0 when unknown
  core::Measurement measured;
};

struct ArchiveIndex {
  std::vector<ArchiveRecord> records;
  std::vector<std::string> days;    // day folders read
  std::vector<std::string> errors;  // "FILE:LINE: what" for rows that could not be read
};

// Reads ROOT (every YYYY-MM-DD folder with an index.csv) or a single day folder.
ArchiveIndex read_archive_index(const std::string& dir);

// The columns of index.csv, in order.
const std::vector<std::string>& archive_index_header();

}  // namespace coldsort::app
