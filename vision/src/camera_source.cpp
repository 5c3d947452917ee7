#include "coldsort/vision/camera_source.hpp"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <filesystem>
#include <mutex>

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

// Thread safety: capture() is serialised by a mutex.
class FolderCamera final : public CameraSource {
 public:
  explicit FolderCamera(std::vector<std::string> files) : files_(std::move(files)) {}

  core::Result<Frame> capture(int lane, std::uint64_t cup, int view,
                              core::SteadyTime now) override {
    std::string file;
    {
      std::lock_guard lock(mutex_);
      if (files_.empty()) return core::errc::camera_drop;
      file = files_[next_++ % files_.size()];
    }
    auto image = load_image(file);
    if (!image) return image.error();
    return Frame{lane, cup, view, now, *image};
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> files_;
  std::size_t next_ = 0;
};

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

std::unique_ptr<CameraSource> make_folder_camera(const std::string& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
    if (entry.is_regular_file() && is_image_file(entry.path())) files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return std::make_unique<FolderCamera>(std::move(files));
}

std::unique_ptr<CameraSource> make_camera(const core::CameraConfig& camera) {
  if (camera.source == "folder") return make_folder_camera(camera.folder);
  return std::make_unique<SyntheticCamera>(camera);
}

}  // namespace coldsort::vision
