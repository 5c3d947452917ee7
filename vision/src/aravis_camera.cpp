// The "aravis" source: GigE Vision (and USB3 Vision) cameras through the Aravis 0.8 C API.
// Compiled without Aravis, the factory says so and discovery finds nothing.
#include "camera_factories.hpp"

#ifdef COLDSORT_HAVE_ARAVIS

#include <arv.h>

#include <opencv2/imgproc.hpp>

#include <atomic>
#include <cstdio>
#include <future>
#include <mutex>
#include <optional>

#include "camera_health.hpp"
#include "pixels.hpp"

namespace coldsort::vision {
namespace {

// Pixel format codes of the GenICam Pixel Format Naming Convention (PFNC 2.x: 0x01 mono or
// 0x02 colour, 8 or 24 bits per pixel in the next byte, then the format id), which GigE Vision
// 2.x and Aravis use verbatim.
constexpr ArvPixelFormat kMono8 = 0x01080001u;
constexpr ArvPixelFormat kBayerGR8 = 0x01080008u;
constexpr ArvPixelFormat kBayerRG8 = 0x01080009u;
constexpr ArvPixelFormat kBayerGB8 = 0x0108000Au;
constexpr ArvPixelFormat kBayerBG8 = 0x0108000Bu;
constexpr ArvPixelFormat kRgb8 = 0x02180014u;
constexpr ArvPixelFormat kBgr8 = 0x02180015u;

// Buffers queued on the stream: one being filled, one waiting, spares for a grader that is a
// frame late. More only adds latency, since capture() takes the newest frame anyway.
constexpr int kStreamBuffers = 4;
// Timeouts in a row after which the camera is taken for gone and reconnected. One can be a
// late trigger; three at the configured frame timeout is a camera that stopped sending.
constexpr int kMissesBeforeReopen = 3;

// PFNC code -> OpenCV conversion to BGR (-1: copy as is). OpenCV names a Bayer pattern by
// its first 2x2 cell, as PFNC does, in its *RGGB/GRBG/GBRG/BGGR* aliases.
bool conversion_for(ArvPixelFormat format, int& channels, int& code) {
  switch (format) {
    case kMono8: channels = 1; code = cv::COLOR_GRAY2BGR; return true;
    case kBayerRG8: channels = 1; code = cv::COLOR_BayerRGGB2BGR; return true;
    case kBayerGR8: channels = 1; code = cv::COLOR_BayerGRBG2BGR; return true;
    case kBayerGB8: channels = 1; code = cv::COLOR_BayerGBRG2BGR; return true;
    case kBayerBG8: channels = 1; code = cv::COLOR_BayerBGGR2BGR; return true;
    case kRgb8: channels = 3; code = cv::COLOR_RGB2BGR; return true;
    case kBgr8: channels = 3; code = -1; return true;
    default: return false;
  }
}

std::string format_name(ArvPixelFormat format) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08x", format);
  return hex;
}

// Copies a complete image buffer out as an owned BGR Mat (the buffer goes back to Aravis).
bool copy_bgr(ArvBuffer* buffer, cv::Mat& out, std::string& why) {
  if (arv_buffer_get_payload_type(buffer) != ARV_BUFFER_PAYLOAD_TYPE_IMAGE) {
    why = "payload is not an image";
    return false;
  }
  ArvPixelFormat format = arv_buffer_get_image_pixel_format(buffer);
  int channels = 0, code = 0;
  if (!conversion_for(format, channels, code)) {
    why = "unsupported pixel format " + format_name(format) + "; set Mono8, Bayer*8, RGB8 or BGR8";
    return false;
  }
  int width = arv_buffer_get_image_width(buffer), height = arv_buffer_get_image_height(buffer);
  gint padding_x = 0, padding_y = 0;
  arv_buffer_get_image_padding(buffer, &padding_x, &padding_y);
  std::size_t size = 0;
  const void* data = arv_buffer_get_image_data(buffer, &size);
  std::size_t stride = static_cast<std::size_t>(width) * channels + static_cast<std::size_t>(padding_x);
  if (data == nullptr || width <= 0 || height <= 0 || size < stride * static_cast<std::size_t>(height)) {
    why = "image of " + std::to_string(width) + "x" + std::to_string(height) + " does not fit its " +
          std::to_string(size) + "-byte payload";
    return false;
  }
  cv::Mat raw(height, width, CV_8UC(channels), const_cast<void*>(data), stride);
  if (code < 0)
    out = raw.clone();
  else
    cv::cvtColor(raw, out, code);
  return true;
}

const char* status_name(ArvBufferStatus status) {
  switch (status) {
    case ARV_BUFFER_STATUS_TIMEOUT: return "timed out before all packets arrived";
    case ARV_BUFFER_STATUS_MISSING_PACKETS: return "missing packets";
    case ARV_BUFFER_STATUS_WRONG_PACKET_ID: return "wrong packet id";
    case ARV_BUFFER_STATUS_SIZE_MISMATCH: return "image larger than its buffer";
    case ARV_BUFFER_STATUS_ABORTED: return "acquisition aborted";
    default: return "not complete";
  }
}

// Takes the message out of a GError and frees it.
std::string take_message(GError*& error) {
  std::string text = error != nullptr ? error->message : "unknown error";
  g_clear_error(&error);
  return text;
}

// One open camera with its stream. Closing a camera that has gone away waits for Aravis's
// GVCP retries (seconds), so connections are closed on a helper thread (see drop()).
// Thread safety: control_lost is written by Aravis's heartbeat thread; the rest belongs to
// the thread that holds the owning AravisCamera's capture lock, then to the closing thread.
struct Connection {
  ArvCamera* camera = nullptr;
  ArvStream* stream = nullptr;
  gulong lost_handler = 0;
  std::atomic<bool> control_lost{false};

  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (camera != nullptr && lost_handler != 0)
      g_signal_handler_disconnect(arv_camera_get_device(camera), lost_handler);
    if (camera != nullptr && stream != nullptr && !control_lost) {
      GError* error = nullptr;
      arv_camera_stop_acquisition(camera, &error);
      g_clear_error(&error);
    }
    g_clear_object(&stream);  // stops the stream thread and frees its buffers
    g_clear_object(&camera);  // gives up control of the device
  }
};

void on_control_lost(ArvDevice*, gpointer connection) {
  static_cast<Connection*>(connection)->control_lost = true;
}

// Opens the camera and starts free-running or triggered acquisition (whatever the camera's
// own TriggerMode says) into kStreamBuffers buffers.
// `not_found` tells a camera that did not answer discovery from one that failed to start.
std::unique_ptr<Connection> connect(const std::string& uri, std::string& why, bool& not_found) {
  const std::string name = uri.empty() ? "(first camera found)" : uri;
  auto c = std::make_unique<Connection>();
  GError* error = nullptr;
  c->camera = arv_camera_new(uri.empty() ? nullptr : uri.c_str(), &error);
  not_found = c->camera == nullptr && g_error_matches(error, ARV_DEVICE_ERROR, ARV_DEVICE_ERROR_NOT_FOUND);
  if (c->camera == nullptr) {
    why = "cannot open Aravis camera " + name + ": " + take_message(error);
    return nullptr;
  }
  c->lost_handler = g_signal_connect(arv_camera_get_device(c->camera), "control-lost",
                                     G_CALLBACK(on_control_lost), c.get());
  ArvPixelFormat format = arv_camera_get_pixel_format(c->camera, &error);
  int channels = 0, code = 0;
  if (error == nullptr && !conversion_for(format, channels, code)) {
    const char* label = arv_camera_get_pixel_format_as_string(c->camera, nullptr);
    why = "Aravis camera " + name + " sends pixel format " + (label != nullptr ? label : format_name(format)) +
          "; set it to Mono8, Bayer*8, RGB8 or BGR8";
    return nullptr;
  }
  guint payload = error == nullptr ? arv_camera_get_payload(c->camera, &error) : 0;
  if (error == nullptr) c->stream = arv_camera_create_stream(c->camera, nullptr, nullptr, &error);
  if (error == nullptr && c->stream != nullptr) {
    for (int i = 0; i < kStreamBuffers; ++i) arv_stream_push_buffer(c->stream, arv_buffer_new(payload, nullptr));
    arv_camera_set_acquisition_mode(c->camera, ARV_ACQUISITION_MODE_CONTINUOUS, &error);
  }
  if (error == nullptr) arv_camera_start_acquisition(c->camera, &error);
  if (error != nullptr || c->stream == nullptr) {
    why = "cannot start Aravis camera " + name + ": " + take_message(error);
    return nullptr;
  }
  return c;
}

// Frames from one Aravis camera, newest first: capture() takes the newest complete frame
// waiting on the stream (older ones count as skipped), or waits up to frame_timeout_ms for
// the next. A timeout is a lost frame; a frame with missing packets is incomplete. After
// kMissesBeforeReopen timeouts in a row, or when Aravis reports the control link lost, the
// camera is closed and reopened under the reopen back-off, judged by the `now` passed in.
// Thread safety: capture() is serialised by a mutex (it blocks at most frame_timeout_ms, or
// one connect attempt); stats() does not wait for it.
class AravisCamera final : public CameraSource {
 public:
  explicit AravisCamera(const core::CameraConfig& camera)
      : uri_(camera.uri), timeout_ms_(std::max(camera.frame_timeout_ms, 1)),
        health_("aravis " + (camera.uri.empty() ? std::string("(first camera)") : camera.uri)) {}

  ~AravisCamera() override {
    if (closing_.valid()) closing_.wait();
    connection_.reset();
  }

  boost::system::error_code open(std::string& why) {
    std::lock_guard lock(mutex_);
    bool not_found = false;
    connection_ = connect(uri_, why, not_found);
    if (connection_ != nullptr) return {};
    return not_found ? core::errc::not_found : core::errc::io_error;
  }

  core::Result<Frame> capture(int lane, std::uint64_t cup, int view,
                              core::SteadyTime now) override {
    std::lock_guard lock(mutex_);
    if (connection_ == nullptr) {
      if (auto lost = reconnect(now)) return *lost;
    }
    if (connection_->control_lost) {
      drop(now);
      return health_.lost("aravis " + uri_ + ": control of the camera lost (no heartbeat reply)");
    }
    ArvBuffer* buffer = arv_stream_timeout_pop_buffer(connection_->stream, static_cast<guint64>(timeout_ms_) * 1000);
    if (buffer == nullptr) {
      std::string why = "aravis " + uri_ + ": no frame within " + std::to_string(timeout_ms_) + " ms";
      if (++misses_ >= kMissesBeforeReopen) {
        drop(now);
        why += "; " + std::to_string(kMissesBeforeReopen) + " in a row, reconnecting";
      }
      return health_.lost(why);
    }
    misses_ = 0;
    std::uint64_t skipped = 0;
    while (ArvBuffer* newer = arv_stream_try_pop_buffer(connection_->stream)) {
      arv_stream_push_buffer(connection_->stream, buffer);
      buffer = newer;
      ++skipped;
    }
    if (skipped > 0) health_.skipped(skipped);
    return take_frame(buffer, lane, cup, view, now);
  }

  CameraStats stats() const override { return health_.snapshot(); }

 private:
  core::Result<Frame> take_frame(ArvBuffer* buffer, int lane, std::uint64_t cup, int view,
                                 core::SteadyTime now) {
    ArvBufferStatus status = arv_buffer_get_status(buffer);
    if (status != ARV_BUFFER_STATUS_SUCCESS) {
      arv_stream_push_buffer(connection_->stream, buffer);
      return health_.incomplete("aravis " + uri_ + ": frame incomplete (" + status_name(status) + ")");
    }
    cv::Mat bgr;
    std::string why;
    bool copied = copy_bgr(buffer, bgr, why);
    arv_stream_push_buffer(connection_->stream, buffer);
    if (!copied) return health_.lost("aravis " + uri_ + ": " + why);
    backoff_.succeeded();
    health_.delivered();
    return Frame{lane, cup, view, now, make_image(std::move(bgr))};
  }

  // Reopens when the back-off allows and the previous connection has finished closing;
  // otherwise, or when the reopen fails, the frame is lost.
  std::optional<core::errc> reconnect(core::SteadyTime now) {
    if (!backoff_.due(now)) {
      auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(backoff_.next_at() - now);
      return health_.lost("aravis " + uri_ + ": camera dropped; reconnecting in " +
                          std::to_string(wait_ms.count()) + " ms");
    }
    if (closing_.valid() && closing_.wait_for(std::chrono::milliseconds(timeout_ms_)) != std::future_status::ready)
      return health_.lost("aravis " + uri_ + ": previous connection still closing");
    health_.reopen_attempt();
    std::string why;
    bool not_found = false;
    connection_ = connect(uri_, why, not_found);
    if (connection_ == nullptr) {
      backoff_.failed(now);
      return health_.lost(why);
    }
    return std::nullopt;
  }

  // Hands the connection to a helper thread to close and starts the reopen back-off.
  void drop(core::SteadyTime now) {
    closing_ = std::async(std::launch::async, [c = std::move(connection_)]() mutable { c.reset(); });
    connection_ = nullptr;
    misses_ = 0;
    backoff_.failed(now);
  }

  const std::string uri_;
  const int timeout_ms_;
  std::mutex mutex_;
  std::unique_ptr<Connection> connection_;
  std::future<void> closing_;  // the previous connection being closed
  int misses_ = 0;
  ReopenBackoff backoff_;
  CameraHealth health_;
};

}  // namespace

core::Result<std::unique_ptr<CameraSource>> make_aravis_camera(const core::CameraConfig& camera,
                                                               std::string& why) {
  auto source = std::make_unique<AravisCamera>(camera);
  if (auto ec = source->open(why)) return ec;
  return std::unique_ptr<CameraSource>(std::move(source));
}

std::vector<DiscoveredCamera> discover_aravis_cameras() {
  auto text = [](const char* s) { return s != nullptr ? std::string(s) : std::string(); };
  arv_update_device_list();
  std::vector<DiscoveredCamera> found;
  for (unsigned i = 0, n = arv_get_n_devices(); i < n; ++i)
    found.push_back({text(arv_get_device_id(i)), text(arv_get_device_address(i)),
                     text(arv_get_device_vendor(i)), text(arv_get_device_model(i)),
                     text(arv_get_device_serial_nbr(i)), text(arv_get_device_protocol(i))});
  return found;
}

bool built_with_aravis() { return true; }

}  // namespace coldsort::vision

#else  // built without Aravis

namespace coldsort::vision {

core::Result<std::unique_ptr<CameraSource>> make_aravis_camera(const core::CameraConfig& camera,
                                                               std::string& why) {
  why = "camera.source \"aravis\" (" + camera.uri + ") is not available: coldsort was built without Aravis "
        "(install libaravis-dev and reconfigure with COLDSORT_WITH_ARAVIS=AUTO or ON)";
  return core::errc::config_invalid;
}

std::vector<DiscoveredCamera> discover_aravis_cameras() { return {}; }

bool built_with_aravis() { return false; }

}  // namespace coldsort::vision

#endif
