// The "video" source: OpenCV's videoio reading a V4L2 device, a video file or a network stream.
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "camera_factories.hpp"
#include "camera_health.hpp"
#include "pixels.hpp"

namespace coldsort::vision {
namespace {

// Opening an RTSP session is a few round trips (RFC 7826 DESCRIBE, SETUP, PLAY); on a plant
// LAN that is well under a second, so 5 s only allows for a camera that is still booting,
// while keeping a dead camera from holding the capture thread for long.
constexpr int kStreamOpenTimeoutMs = 5000;

enum class UriKind { device_index, device_path, stream, file };

UriKind kind_of(const std::string& uri) {
  // Up to three digits: V4L2 numbers devices /dev/video0.. and no machine has a thousand.
  if (!uri.empty() && uri.size() <= 3 && std::all_of(uri.begin(), uri.end(), [](unsigned char c) { return std::isdigit(c); }))
    return UriKind::device_index;
  if (uri.rfind("/dev/", 0) == 0) return UriKind::device_path;
  if (uri.find("://") != std::string::npos) return UriKind::stream;
  return UriKind::file;
}

// Frames as 8-bit BGR whatever the backend produced (grey V4L2 sensors, BGRA decoders).
bool to_bgr(cv::Mat& frame) {
  if (frame.depth() != CV_8U) return false;
  if (frame.channels() == 1) cv::cvtColor(frame, frame, cv::COLOR_GRAY2BGR);
  else if (frame.channels() == 4) cv::cvtColor(frame, frame, cv::COLOR_BGRA2BGR);
  return frame.channels() == 3;
}

// Reads frames in order from one VideoCapture. An empty read is a lost frame: the capture is
// closed and reopened once the back-off allows, judged by the `now` handed to capture(), so
// the caller's thread never sleeps here. A video file that ends after as many frames as its
// header announces is replayed from the start (like the folder source) without a loss; one
// that ends early (truncated, damaged) loses a frame each time it runs dry.
// Thread safety: capture() is serialised by a mutex (it may block for one read, bounded by
// the device or by CAP_PROP_READ_TIMEOUT_MSEC on streams); stats() does not wait for it.
class VideoCamera final : public CameraSource {
 public:
  explicit VideoCamera(const core::CameraConfig& camera)
      : uri_(camera.uri), kind_(kind_of(camera.uri)), width_px_(camera.width_px),
        height_px_(camera.height_px), read_timeout_ms_(camera.frame_timeout_ms),
        health_("video " + camera.uri) {}

  // The first open, from the factory: a source that does not open at start-up is a config
  // error the operator must see, not a stream of lost frames.
  boost::system::error_code open(std::string& why) {
    std::lock_guard lock(mutex_);
    if (open_capture(why)) return {};
    bool missing = (kind_ == UriKind::file && !std::filesystem::exists(uri_)) ||
                   (kind_ == UriKind::device_index && !std::filesystem::exists("/dev/video" + uri_)) ||
                   (kind_ == UriKind::device_path && !std::filesystem::exists(uri_));
    return missing ? core::errc::not_found : core::errc::io_error;
  }

  core::Result<Frame> capture(int lane, std::uint64_t cup, int view,
                              core::SteadyTime now) override {
    std::lock_guard lock(mutex_);
    if (!capture_.isOpened()) {
      if (!backoff_.due(now)) {
        auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(backoff_.next_at() - now);
        return health_.lost("video " + uri_ + " dropped; reopening in " +
                            std::to_string(wait_ms.count()) + " ms");
      }
      health_.reopen_attempt();
      std::string why;
      if (!open_capture(why)) {
        backoff_.failed(now);
        return health_.lost(why);
      }
    }
    std::string why;
    cv::Mat bgr = read_next(why);
    if (bgr.empty()) {
      capture_.release();
      backoff_.failed(now);
      return health_.lost(why);
    }
    backoff_.succeeded();
    health_.delivered();
    return Frame{lane, cup, view, now, make_image(std::move(bgr))};
  }

  CameraStats stats() const override { return health_.snapshot(); }

 private:
  // The next frame, rewinding a file that ended where its header said it would; on failure
  // an empty Mat and the reason.
  cv::Mat read_next(std::string& why) {
    cv::Mat frame;
    if (capture_.read(frame) && to_bgr(frame)) {
      ++frames_read_;
      return frame;
    }
    why = "video " + uri_ + ": no frame after " + std::to_string(frames_read_) + " frame(s)" +
          (frames_in_file_ > 0 ? " of " + std::to_string(frames_in_file_) : "") +
          (frame.empty() ? " (stream ended, dropped or damaged)" : " (not 8-bit grey, BGR or BGRA)");
    bool ended_whole = kind_ == UriKind::file && frames_in_file_ > 0 && frames_read_ >= frames_in_file_;
    if (!ended_whole) return {};
    if (!open_capture(why)) return {};  // replaying from the start
    if (!capture_.read(frame) || !to_bgr(frame)) {
      why = "video " + uri_ + ": no frame after replaying from the start";
      return {};
    }
    ++frames_read_;
    return frame;
  }

  bool open_capture(std::string& why) {
    capture_.release();
    switch (kind_) {
      case UriKind::device_index:
        if (std::filesystem::exists("/dev/video" + uri_)) capture_.open(std::stoi(uri_), cv::CAP_V4L2);
        break;
      case UriKind::device_path:
        if (std::filesystem::exists(uri_)) capture_.open(uri_, cv::CAP_V4L2);
        break;
      case UriKind::stream:
        capture_.open(uri_, cv::CAP_FFMPEG,
                      {cv::CAP_PROP_OPEN_TIMEOUT_MSEC, kStreamOpenTimeoutMs,
                       cv::CAP_PROP_READ_TIMEOUT_MSEC, std::max(read_timeout_ms_, 1)});
        break;
      case UriKind::file:
        // FFmpeg only: letting OpenCV try every backend on a file that is not there (yet)
        // probes cameras through GStreamer, libdc1394 and gPhoto2 on every reopen.
        if (std::filesystem::exists(uri_)) capture_.open(uri_, cv::CAP_FFMPEG);
        break;
    }
    if (!capture_.isOpened()) {
      why = "cannot open video source " + uri_ + describe_kind();
      return false;
    }
    // A request only: the V4L2 driver picks the nearest mode it supports.
    if ((kind_ == UriKind::device_index || kind_ == UriKind::device_path) && width_px_ > 0 && height_px_ > 0) {
      capture_.set(cv::CAP_PROP_FRAME_WIDTH, width_px_);
      capture_.set(cv::CAP_PROP_FRAME_HEIGHT, height_px_);
    }
    frames_read_ = 0;
    frames_in_file_ = kind_ == UriKind::file
                          ? std::max<std::int64_t>(0, static_cast<std::int64_t>(capture_.get(cv::CAP_PROP_FRAME_COUNT)))
                          : 0;
    return true;
  }

  std::string describe_kind() const {
    switch (kind_) {
      case UriKind::device_index: return " (V4L2 device /dev/video" + uri_ + ")";
      case UriKind::device_path: return " (V4L2 device)";
      case UriKind::stream: return " (network stream through FFmpeg)";
      case UriKind::file: return std::filesystem::exists(uri_) ? " (video file not decodable)" : " (no such file)";
    }
    return {};
  }

  const std::string uri_;
  const UriKind kind_;
  const int width_px_;
  const int height_px_;
  const int read_timeout_ms_;
  std::mutex mutex_;
  cv::VideoCapture capture_;
  std::int64_t frames_in_file_ = 0;  // from the file header; 0 when unknown or not a file
  std::int64_t frames_read_ = 0;     // since the last open
  ReopenBackoff backoff_;
  CameraHealth health_;
};

}  // namespace

core::Result<std::unique_ptr<CameraSource>> make_video_camera(const core::CameraConfig& camera,
                                                              std::string& why) {
  if (camera.uri.empty()) {
    why = "camera.source \"video\" needs camera.uri (a V4L2 device index such as \"0\", a video file or an RTSP/HTTP URL)";
    return core::errc::config_invalid;
  }
  auto source = std::make_unique<VideoCamera>(camera);
  if (auto ec = source->open(why)) return ec;
  return std::unique_ptr<CameraSource>(std::move(source));
}

}  // namespace coldsort::vision
