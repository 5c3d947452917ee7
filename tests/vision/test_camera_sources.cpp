// Folder and video camera sources against real files written in each test, and the
// make_camera dispatch. Aravis: test_aravis_camera.cpp; lane splitting: test_lane_splitter.cpp.
#include <catch2/catch.hpp>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "coldsort/core/log.hpp"
#include "coldsort/vision/camera_source.hpp"
#include "pixels.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr int kWidth = 160, kHeight = 120, kSquarePx = 12;

// Frame i: black with a white square whose left edge is at 4 + 12*i, so the order of frames
// can be read back from the pixels after lossy compression.
cv::Mat numbered_frame(int i) {
  cv::Mat m(kHeight, kWidth, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::rectangle(m, cv::Rect(4 + kSquarePx * i, 50, kSquarePx, kSquarePx), cv::Scalar(255, 255, 255), cv::FILLED);
  return m;
}

// Which numbered frame an image shows (-1 when there is no square).
int frame_number(const vision::Image& image) {
  cv::Mat grey;
  cv::cvtColor(vision::mat_of(image), grey, cv::COLOR_BGR2GRAY);
  cv::Moments m = cv::moments(grey > 128, true);
  if (m.m00 < 1) return -1;
  double left = m.m10 / m.m00 - kSquarePx / 2.0;
  return static_cast<int>(std::lround((left - 4) / kSquarePx));
}

// An MJPG AVI from OpenCV's own writer (no FFmpeg needed to write it).
void write_video(const fs::path& file, int frames) {
  cv::VideoWriter writer(file.string(), cv::CAP_OPENCV_MJPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'),
                         10, cv::Size(kWidth, kHeight));
  REQUIRE(writer.isOpened());
  for (int i = 0; i < frames; ++i) writer.write(numbered_frame(i));
}

core::CameraConfig video_config(const fs::path& uri) {
  core::CameraConfig c;
  c.source = "video";
  c.uri = uri.string();
  return c;
}

std::unique_ptr<vision::CameraSource> open_camera(const core::CameraConfig& config) {
  std::string why;
  auto camera = vision::make_camera(config, &why);
  INFO(why);
  REQUIRE(camera.has_value());
  return std::move(*camera);
}

// Collects warn-and-above log lines while alive.
class LogCapture {
 public:
  LogCapture() {
    previous_ = core::log::set_sink([this](core::log::Level, std::string_view, std::string_view msg) {
      std::lock_guard lock(mutex_);
      text_ += std::string(msg) + "\n";
    });
  }
  ~LogCapture() { core::log::set_sink(previous_); }
  std::string text() const {
    std::lock_guard lock(mutex_);
    return text_;
  }

 private:
  mutable std::mutex mutex_;
  std::string text_;
  core::log::Sink previous_;
};

const core::SteadyTime t0 = core::SteadyTime{} + 1h;

}  // namespace

TEST_CASE("folder camera replays images in name order and stamps lane, cup, view and time", "[unit][camera]") {
  test::TempDir dir;
  for (int i : {2, 0, 1}) cv::imwrite((dir / ("view_" + std::to_string(i) + ".png")).string(), numbered_frame(i));
  std::ofstream(dir / "notes.txt") << "not an image, not a frame";
  core::CameraConfig config;
  config.source = "folder";
  config.folder = dir.path().string();
  auto camera = open_camera(config);
  for (int k = 0; k < 5; ++k) {
    auto frame = camera->capture(3, 1000 + k, k % 2, t0 + k * 10ms);
    REQUIRE(frame.has_value());
    CHECK(frame_number(frame->image) == k % 3);  // view_0, view_1, view_2, then around again
    CHECK(frame->lane == 3);
    CHECK(frame->cup == 1000u + k);
    CHECK(frame->view == k % 2);
    CHECK(frame->captured_at == t0 + k * 10ms);
  }
  CHECK(camera->stats().frames_delivered == 5);
  CHECK(camera->stats().frames_lost == 0);
}

TEST_CASE("folder camera counts an unreadable image as a lost frame and names the file", "[unit][camera]") {
  test::TempDir dir;
  cv::imwrite((dir / "a.png").string(), numbered_frame(0));
  std::ofstream(dir / "b.png") << "\x89PNG but cut short";
  cv::imwrite((dir / "c.png").string(), numbered_frame(2));
  core::CameraConfig config;
  config.source = "folder";
  config.folder = dir.path().string();
  auto camera = open_camera(config);
  LogCapture log;
  auto a = camera->capture(0, 1, 0, t0);
  auto b = camera->capture(0, 2, 0, t0);
  auto c = camera->capture(0, 3, 0, t0);
  REQUIRE(a.has_value());
  REQUIRE_FALSE(b.has_value());
  CHECK(b.error() == core::errc::camera_drop);
  REQUIRE(c.has_value());
  CHECK(frame_number(c->image) == 2);
  auto stats = camera->stats();
  CHECK(stats.frames_delivered == 2);
  CHECK(stats.frames_lost == 1);
  CHECK_THAT(stats.last_error, Catch::Contains("b.png"));
  CHECK_THAT(log.text(), Catch::Contains("b.png"));
}

TEST_CASE("folder camera refuses a missing or imageless folder and names it", "[unit][camera]") {
  test::TempDir dir;
  std::ofstream(dir / "readme.txt") << "no images here";
  for (const fs::path& folder : {dir / "missing", dir.path()}) {
    std::string why;
    auto camera = vision::make_folder_camera(folder.string(), &why);
    REQUIRE_FALSE(camera.has_value());
    CHECK(camera.error() == core::errc::not_found);
    CHECK_THAT(why, Catch::Contains(folder.string()));
  }
}

TEST_CASE("make_camera builds the named source and explains every refusal", "[unit][camera]") {
  core::CameraConfig config;
  config.source = "synthetic";
  CHECK(vision::make_camera(config).has_value());

  struct Case {
    std::string source, uri;
    core::errc code;
    std::string says;
  };
  std::vector<Case> cases = {
      {"webcam", "", core::errc::config_invalid, "unknown camera source \"webcam\""},
      {"video", "", core::errc::config_invalid, "camera.uri"},
      {"video", "/nonexistent/line3.avi", core::errc::not_found, "/nonexistent/line3.avi"},
      // V4L2 numbers devices from 0 and no test machine has a hundred of them.
      {"video", "99", core::errc::not_found, "/dev/video99"},
  };
  if (!vision::built_with_aravis())
    cases.push_back({"aravis", "", core::errc::config_invalid, "built without Aravis"});
  for (const auto& c : cases) {
    config.source = c.source;
    config.uri = c.uri;
    std::string why;
    auto camera = vision::make_camera(config, &why);
    INFO(c.source << " " << c.uri << ": " << why);
    REQUIRE_FALSE(camera.has_value());
    CHECK(camera.error() == c.code);
    CHECK_THAT(why, Catch::Contains(c.says));
  }

  SECTION("without a place for the reason it goes to the log") {
    LogCapture log;
    config.source = "folder";
    config.folder = "/nonexistent/camera-folder";
    CHECK_FALSE(vision::make_camera(config).has_value());
    CHECK_THAT(log.text(), Catch::Contains("/nonexistent/camera-folder"));
  }
}

TEST_CASE("video camera reads a video file's frames in order and replays it from the start", "[integration][camera]") {
  test::TempDir dir;
  write_video(dir / "lane.avi", 8);
  auto camera = open_camera(video_config(dir / "lane.avi"));
  for (int k = 0; k < 8 + 3; ++k) {
    auto frame = camera->capture(1, 500 + k, 2, t0 + k * 40ms);
    REQUIRE(frame.has_value());
    CHECK(frame_number(frame->image) == k % 8);  // the file ended where its header said: wrap
    CHECK(frame->image.width() == kWidth);
    CHECK(frame->image.height() == kHeight);
    CHECK(frame->lane == 1);
    CHECK(frame->cup == 500u + k);
    CHECK(frame->view == 2);
    CHECK(frame->captured_at == t0 + k * 40ms);
  }
  auto stats = camera->stats();
  CHECK(stats.frames_delivered == 11);
  CHECK(stats.frames_lost == 0);
}

TEST_CASE("video camera reports the frames a truncated file lacks as lost and reopens after a back-off", "[integration][camera]") {
  test::TempDir dir;
  const fs::path file = dir / "cut.avi";
  write_video(file, 12);
  fs::resize_file(file, fs::file_size(file) / 2);
  auto camera = open_camera(video_config(file));

  int delivered = 0;
  for (;;) {
    auto frame = camera->capture(0, static_cast<std::uint64_t>(delivered), 0, t0);
    if (!frame) {
      CHECK(frame.error() == core::errc::camera_drop);
      break;
    }
    CHECK(frame_number(frame->image) == delivered);
    REQUIRE(++delivered < 12);  // half a file cannot hold every frame
  }
  CHECK(delivered >= 1);
  auto stats = camera->stats();
  CHECK(stats.frames_lost == 1);
  CHECK_THAT(stats.last_error, Catch::Contains("cut.avi"));

  // Within the back-off the file is not touched again; the frame is still reported lost.
  CHECK_FALSE(camera->capture(0, 99, 0, t0 + vision::kReopenBackoffFirst - 1ms).has_value());
  CHECK(camera->stats().reopen_attempts == 0);
  CHECK(camera->stats().frames_lost == 2);
  auto again = camera->capture(0, 100, 0, t0 + vision::kReopenBackoffFirst);
  REQUIRE(again.has_value());
  CHECK(frame_number(again->image) == 0);
  CHECK(camera->stats().reopen_attempts == 1);
}

TEST_CASE("video camera's reopen back-off doubles up to its cap and resets once frames flow", "[integration][camera]") {
  test::TempDir dir;
  const fs::path file = dir / "short.avi";
  write_video(file, 3);
  auto camera = open_camera(video_config(file));
  for (int k = 0; k < 3; ++k) REQUIRE(camera->capture(0, 0, 0, t0).has_value());
  fs::remove(file);  // the replay from the start will find nothing to open
  REQUIRE_FALSE(camera->capture(0, 0, 0, t0).has_value());

  std::vector<std::chrono::milliseconds> waits;
  for (auto w = vision::kReopenBackoffFirst; waits.size() < 8; w = std::min(w * 2, vision::kReopenBackoffMax))
    waits.push_back(w);
  CHECK(waits.back() == vision::kReopenBackoffMax);
  core::SteadyTime failed_at = t0;
  std::uint64_t attempts = 0;
  for (auto wait : waits) {
    INFO("waiting " << wait.count() << " ms after the failure at attempt " << attempts);
    CHECK_FALSE(camera->capture(0, 0, 0, failed_at + wait - 1ms).has_value());
    CHECK(camera->stats().reopen_attempts == attempts);
    failed_at += wait;
    CHECK_FALSE(camera->capture(0, 0, 0, failed_at).has_value());
    CHECK(camera->stats().reopen_attempts == ++attempts);
    CHECK_THAT(camera->stats().last_error, Catch::Contains("short.avi"));
  }

  write_video(file, 3);  // the stream comes back
  failed_at += vision::kReopenBackoffMax;
  auto back = camera->capture(0, 0, 0, failed_at);
  REQUIRE(back.has_value());
  CHECK(frame_number(back->image) == 0);
  for (int k = 1; k < 3; ++k) REQUIRE(camera->capture(0, 0, 0, failed_at).has_value());
  fs::remove(file);
  REQUIRE_FALSE(camera->capture(0, 0, 0, failed_at).has_value());
  write_video(file, 3);
  // A frame arrived since the last failure, so the wait is back to the first step.
  CHECK_FALSE(camera->capture(0, 0, 0, failed_at + vision::kReopenBackoffFirst - 1ms).has_value());
  CHECK(camera->capture(0, 0, 0, failed_at + vision::kReopenBackoffFirst).has_value());
  auto stats = camera->stats();
  CHECK(stats.frames_delivered == 3 + 3 + 1);
  CHECK(stats.frames_lost == 1 + 2 * waits.size() + 1 + 1);
}
