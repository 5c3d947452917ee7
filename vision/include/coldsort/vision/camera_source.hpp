#pragma once
// The camera seam: a frame of a given cup on a given lane. Real sources (image folder,
// V4L2/file/RTSP through OpenCV, GigE Vision through Aravis) and the synthetic renderer sit
// behind it. docs/cameras.md describes each source, its config keys and what counts as lost.
// Thread safety: implementations state their own; every source made by make_camera may be
// shared between threads (capture() is serialised inside, stats() never waits for a capture).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "coldsort/core/config.hpp"
#include "coldsort/core/error.hpp"
#include "coldsort/vision/frame.hpp"

namespace coldsort::vision {

// What a source has delivered and what it has failed to deliver since it was made. Every
// capture() call ends in exactly one of delivered / lost / incomplete.
struct CameraStats {
  std::uint64_t frames_delivered = 0;
  // Asked for but never arrived: unreadable file, empty read, timeout, source reconnecting.
  std::uint64_t frames_lost = 0;
  // Arrived damaged (GigE Vision: missing packets, size mismatch, aborted) and not delivered.
  std::uint64_t frames_incomplete = 0;
  // Complete frames dropped because a newer one was already waiting (free-running camera).
  std::uint64_t frames_skipped = 0;
  std::uint64_t reopen_attempts = 0;  // times a dropped stream or camera was reopened
  std::string last_error;             // the latest loss, naming the file, URI or camera
};

class CameraSource {
 public:
  virtual ~CameraSource() = default;
  // View `view` (0..K-1, rollers turn the fruit between views) of `cup` on `lane`. The frame
  // carries lane, cup, view and `now` as its capture time.
  // Errors: camera_drop (lost or incomplete frame; stats() says which and why).
  virtual core::Result<Frame> capture(int lane, std::uint64_t cup, int view,
                                      core::SteadyTime now) = 0;
  // Counters since the source was made; sources that cannot lose frames report zeros.
  virtual CameraStats stats() const { return {}; }
};

// A stream or camera that dropped is reopened no earlier than this after the failure, the
// wait doubling after each failed reopen up to the maximum, and back to the first value once
// a frame arrives. Measured against the `now` given to capture(): nothing sleeps.
inline constexpr std::chrono::milliseconds kReopenBackoffFirst{250};
inline constexpr std::chrono::milliseconds kReopenBackoffMax{8000};

// Replays the images of a folder in file-name order (PNG/JPEG/BMP), cycling. A file that
// cannot be decoded is a lost frame (logged with its name), not skipped silently.
// Errors: not_found when the folder is missing or holds no image files (`why` names it).
// Thread safety: capture() is serialised internally.
core::Result<std::unique_ptr<CameraSource>> make_folder_camera(const std::string& folder,
                                                               std::string* why = nullptr);

// Loads one image file; errors name the file (camera_drop when unreadable).
core::Result<Image> load_image(const std::string& file);

// Builds and opens the source the config names: "synthetic", "folder", "video" (camera.uri:
// a V4L2 device index, a video file or an RTSP/HTTP URL) or "aravis" (camera.uri: camera id,
// serial, MAC or IP address; "" = the first camera found).
// Errors: not_found (no such folder, file, device or camera), io_error (it exists but does not
// open), config_invalid (unknown source, missing uri, built without Aravis). The reason, naming
// the folder/URI/camera, goes to `why` when given and to the log otherwise.
core::Result<std::unique_ptr<CameraSource>> make_camera(const core::CameraConfig& camera,
                                                        std::string* why = nullptr);

// A GigE Vision / USB3 Vision camera as Aravis discovers it.
struct DiscoveredCamera {
  std::string id;        // what camera.uri takes, e.g. "Aravis-Fake-GV01"
  std::string address;   // IP address (GigE Vision), also accepted as camera.uri
  std::string vendor;
  std::string model;
  std::string serial;
  std::string protocol;  // "GigEVision", "USB3Vision"
};

// Asks the network and USB buses which cameras answer (GigE Vision discovery waits about a
// second for replies). Empty when built without Aravis. Thread safety: any thread.
std::vector<DiscoveredCamera> discover_aravis_cameras();

// Whether this build can open "aravis" sources.
bool built_with_aravis();

}  // namespace coldsort::vision
