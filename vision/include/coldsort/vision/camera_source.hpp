#pragma once
// The camera seam: a frame of a given cup on a given lane. Real sources (image folder,
// V4L2/RTSP, GigE) and the synthetic renderer sit behind it.
// Thread safety: implementations state their own; SyntheticCamera is safe to share.
#include <memory>
#include <string>
#include <vector>

#include "coldsort/core/config.hpp"
#include "coldsort/core/error.hpp"
#include "coldsort/vision/frame.hpp"

namespace coldsort::vision {

class CameraSource {
 public:
  virtual ~CameraSource() = default;
  // View `view` (0..K-1, rollers turn the fruit between views) of `cup` on `lane`.
  // Errors: camera_drop (lost or incomplete frame).
  virtual core::Result<Frame> capture(int lane, std::uint64_t cup, int view,
                                      core::SteadyTime now) = 0;
};

// Replays the images of a folder in file-name order (PNG/JPEG/BMP), cycling.
// Thread safety: capture() is serialised internally.
std::unique_ptr<CameraSource> make_folder_camera(const std::string& folder);

// Loads one image file; errors name the file (camera_drop when unreadable).
core::Result<Image> load_image(const std::string& file);

// Builds the source the config names ("synthetic" or "folder").
std::unique_ptr<CameraSource> make_camera(const core::CameraConfig& camera);

}  // namespace coldsort::vision
