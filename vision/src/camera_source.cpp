#include "coldsort/vision/camera_source.hpp"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "camera_factories.hpp"
#include "camera_health.hpp"
#include "coldsort/core/log.hpp"
#include "coldsort/vision/synthetic_camera.hpp"
#include "pixels.hpp"

namespace coldsort::vision {
namespace {

bool is_image_file(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

// Replays files in name order, cycling; an undecodable file is a lost frame.
// Thread safety: capture() and stats() may be called from any thread; the file list is fixed
// at construction and the cursor is guarded by a mutex (decoding happens outside it).
class FolderCamera final : public CameraSource {
 public:
  FolderCamera(const std::string& folder, std::vector<std::string> files)
      : files_(std::move(files)), health_("folder " + folder) {}

  core::Result<Frame> capture(int lane, std::uint64_t cup, int view,
                              core::SteadyTime now) override {
    std::string file;
    {
      std::lock_guard lock(mutex_);
      file = files_[next_++ % files_.size()];
    }
    cv::Mat bgr = cv::imread(file, cv::IMREAD_COLOR);
    if (bgr.empty()) return health_.lost("cannot read image " + file + " (missing, truncated or not an image)");
    health_.delivered();
    return Frame{lane, cup, view, now, make_image(std::move(bgr))};
  }

  CameraStats stats() const override { return health_.snapshot(); }

 private:
  std::mutex mutex_;
  const std::vector<std::string> files_;  // never empty
  std::size_t next_ = 0;
  CameraHealth health_;
};

core::Result<std::unique_ptr<CameraSource>> fail_with(boost::system::error_code code,
                                                      std::string reason, std::string* why) {
  if (why != nullptr)
    *why = std::move(reason);
  else
    core::log::error("camera", reason);
  return code;
}

core::Result<std::unique_ptr<CameraSource>> open_folder(const std::string& folder, std::string& why) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    why = "camera folder " + folder + " does not exist or is not a folder";
    return core::errc::not_found;
  }
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
    if (entry.is_regular_file() && is_image_file(entry.path())) files.push_back(entry.path().string());
  if (ec) {
    why = "cannot list camera folder " + folder + ": " + ec.message();
    return core::errc::io_error;
  }
  if (files.empty()) {
    why = "camera folder " + folder + " holds no PNG/JPEG/BMP images";
    return core::errc::not_found;
  }
  std::sort(files.begin(), files.end());
  return std::unique_ptr<CameraSource>(std::make_unique<FolderCamera>(folder, std::move(files)));
}

}  // namespace

int Image::width() const { return empty() ? 0 : pixels_->bgr.cols; }
int Image::height() const { return empty() ? 0 : pixels_->bgr.rows; }

core::Result<Image> load_image(const std::string& file) {
  cv::Mat bgr = cv::imread(file, cv::IMREAD_COLOR);
  if (bgr.empty()) {
    core::log::write_limited(core::log::Level::warn, "vision", file,
                             "cannot read image " + file + " (missing, truncated or not an image)");
    return core::errc::camera_drop;
  }
  return make_image(std::move(bgr));
}

core::Result<std::unique_ptr<CameraSource>> make_folder_camera(const std::string& folder,
                                                               std::string* why) {
  std::string reason;
  auto camera = open_folder(folder, reason);
  if (!camera) return fail_with(camera.error(), std::move(reason), why);
  return camera;
}

core::Result<std::unique_ptr<CameraSource>> make_camera(const core::CameraConfig& camera,
                                                        std::string* why) {
  if (camera.source == "synthetic")
    return std::unique_ptr<CameraSource>(std::make_unique<SyntheticCamera>(camera));
  if (camera.source == "folder") return make_folder_camera(camera.folder, why);
  std::string reason;
  core::Result<std::unique_ptr<CameraSource>> made = core::errc::config_invalid;
  if (camera.source == "video")
    made = make_video_camera(camera, reason);
  else if (camera.source == "aravis")
    made = make_aravis_camera(camera, reason);
  else
    reason = "unknown camera source \"" + camera.source + "\" (expected synthetic, folder, video or aravis)";
  if (!made) return fail_with(made.error(), std::move(reason), why);
  return made;
}

}  // namespace coldsort::vision
