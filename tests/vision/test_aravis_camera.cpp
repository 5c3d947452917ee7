// The "aravis" source against Aravis's own fake GigE Vision camera (arv-fake-gv-camera-0.8
// from aravis-tools), run as a child process on the loopback interface.
//
// Ports: GigE Vision fixes the device's control port (GVCP, UDP 3956, registered with IANA
// as "gvcp"); the fake camera cannot be told another one. That is the protocol's port on
// the device side, not one this test picks; the host side (control replies and the GVSP
// stream) uses ports the kernel assigns. Two fake cameras on one machine at the same time
// would collide on 127.0.0.1:3956, so every fake-camera check is a section of one test case
// and they run one after another.
//
// Address: the camera is opened by the address discovery reports, not by its id. On a host
// with another network interface the fake camera, which listens for broadcast discovery on
// every interface, also answers the discovery sent out of that interface; Aravis then may
// pair the camera with that interface and tell it to stream there, which a camera bound to
// 127.0.0.1 cannot reach. A real camera sits on one interface and is found by id.
#include <catch2/catch.hpp>

#include <opencv2/core.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "coldsort/vision/camera_source.hpp"
#include "pixels.hpp"

extern char** environ;

using namespace coldsort;
using namespace std::chrono_literals;

namespace {

// arv-fake-gv-camera-0.8 as a child process, killed (by its pid) when this goes away.
class FakeGvCamera {
 public:
  explicit FakeGvCamera(std::vector<std::string> args) {
    args.insert(args.begin(), COLDSORT_ARV_FAKE_GV_CAMERA);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) pid_ = -1;
  }
  ~FakeGvCamera() { kill(); }
  FakeGvCamera(const FakeGvCamera&) = delete;
  FakeGvCamera& operator=(const FakeGvCamera&) = delete;

  bool started() const { return pid_ > 0; }
  bool running() {
    if (pid_ <= 0) return false;
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
    return pid_ > 0;
  }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

// Polls Aravis discovery (each round waits about a second for replies) until the camera with
// this serial answers or the deadline passes.
std::optional<vision::DiscoveredCamera> discover(const std::string& serial, FakeGvCamera& fake,
                                                 std::chrono::seconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until && fake.running())
    for (const auto& camera : vision::discover_aravis_cameras())
      if (camera.serial == serial) return camera;
  return std::nullopt;
}

// The fake camera's serial: unique to this process so a stray fake camera is not mistaken
// for ours (the GigE Vision serial field holds 16 characters).
std::string test_serial() { return "CS" + std::to_string(::getpid() % 100000000); }

core::CameraConfig aravis_config(const std::string& uri) {
  core::CameraConfig c;
  c.source = "aravis";
  c.uri = uri;
  c.frame_timeout_ms = 500;  // the fake camera sends 25 frames/s: 40 ms apart
  return c;
}

const core::SteadyTime t0 = core::SteadyTime{} + 1h;

bool same_pixels(const vision::Image& a, const vision::Image& b) {
  return cv::norm(vision::mat_of(a), vision::mat_of(b), cv::NORM_INF) == 0;
}

void require_fake_camera_tools() {
  INFO("vision is built with Aravis, so its fake camera is needed: apt install aravis-tools");
  REQUIRE(std::string(COLDSORT_ARV_FAKE_GV_CAMERA) != "");
}

void grab_lose_and_reconnect(const std::string& serial) {
  auto fake = std::make_unique<FakeGvCamera>(std::vector<std::string>{"-i", "127.0.0.1", "-s", serial});
  REQUIRE(fake->started());
  auto found = discover(serial, *fake, 15s);
  INFO("fake camera still running: " << fake->running() << " (it exits when 127.0.0.1:3956 is taken)");
  REQUIRE(found.has_value());
  CHECK(found->id == "Aravis-Fake-" + serial);  // Aravis ids are vendor-model-serial
  CHECK(found->protocol == "GigEVision");

  std::string why;
  auto made = vision::make_camera(aravis_config(found->address), &why);
  INFO(why);
  REQUIRE(made.has_value());
  auto camera = std::move(*made);

  // GVSP is UDP: on a loaded machine (CI runs tests side by side, under sanitizers) even
  // loopback drops a packet now and then, and the frame is then reported incomplete, as it
  // should be. So a few failed captures are allowed, as long as each one is counted.
  std::vector<vision::Image> images;
  int failed = 0;
  for (int k = 0; images.size() < 5 && failed < 10; ++k) {
    auto frame = camera->capture(2, 70 + k, k, t0 + k * 40ms);
    if (!frame) {
      CHECK(frame.error() == core::errc::camera_drop);
      ++failed;
      continue;
    }
    CHECK(frame->lane == 2);
    CHECK(frame->cup == 70u + k);
    CHECK(frame->view == k);
    CHECK(frame->captured_at == t0 + k * 40ms);
    CHECK(frame->image.width() == 512);  // the fake camera's default sensor region
    CHECK(frame->image.height() == 512);
    cv::Scalar mean, stddev;
    cv::meanStdDev(vision::mat_of(frame->image), mean, stddev);
    CHECK(stddev[0] > 1);  // a pattern, not a blank frame
    images.push_back(frame->image);
  }
  REQUIRE(images.size() == 5);
  for (std::size_t k = 1; k < images.size(); ++k) CHECK_FALSE(same_pixels(images[k - 1], images[k]));
  auto grabbed = camera->stats();
  CHECK(grabbed.frames_delivered == 5);
  CHECK(grabbed.frames_lost + grabbed.frames_incomplete == static_cast<std::uint64_t>(failed));

  fake->kill();  // the camera vanishes: every capture must come back, as a lost frame
  auto now = t0 + 1s;
  for (int k = 0; k < 4; ++k) {
    auto started = std::chrono::steady_clock::now();
    auto frame = camera->capture(2, 80 + k, 0, now);
    CHECK_FALSE(frame.has_value());
    CHECK(std::chrono::steady_clock::now() - started < 5s);  // at most one frame timeout
  }
  auto stats = camera->stats();
  CHECK(stats.frames_lost - grabbed.frames_lost == 4);
  CHECK_THAT(stats.last_error, Catch::Contains(found->address));

  // The camera comes back (power cycle): once the back-off allows, the source reconnects.
  fake = std::make_unique<FakeGvCamera>(std::vector<std::string>{"-i", "127.0.0.1", "-s", serial});
  REQUIRE(discover(serial, *fake, 15s).has_value());
  bool recovered = false;
  for (auto until = std::chrono::steady_clock::now() + 30s; !recovered && std::chrono::steady_clock::now() < until;) {
    now += vision::kReopenBackoffMax;
    recovered = camera->capture(2, 90, 0, now).has_value();
  }
  CHECK(recovered);
  CHECK(camera->stats().reopen_attempts >= 1);
  camera.reset();  // close while the camera still answers, then stop it
}

void count_incomplete(const std::string& serial) {
  // -r: the fake camera drops this many GVSP packets per thousand. A 512x512 Mono8 frame is
  // about 190 packets of 1400 bytes, so at 10 % virtually every frame misses some.
  FakeGvCamera fake({"-i", "127.0.0.1", "-s", serial, "-r", "100"});
  REQUIRE(fake.started());
  auto found = discover(serial, fake, 15s);
  REQUIRE(found.has_value());
  std::string why;
  auto made = vision::make_camera(aravis_config(found->address), &why);
  INFO(why);
  REQUIRE(made.has_value());
  auto camera = std::move(*made);
  // A frame whose leader or trailer is among the dropped packets times out as lost rather
  // than arriving incomplete; on a loaded machine several in a row can, so capture until an
  // incomplete one has been counted (at least 6 captures, at most 40).
  int failed = 0;
  int captures = 0;
  while (captures < 40 && (captures < 6 || camera->stats().frames_incomplete == 0)) {
    auto frame = camera->capture(0, static_cast<std::uint64_t>(captures), 0, t0);
    ++captures;
    if (!frame) {
      CHECK(frame.error() == core::errc::camera_drop);
      ++failed;
    }
  }
  auto stats = camera->stats();
  CHECK(stats.frames_incomplete >= 1);
  CHECK(stats.frames_delivered + stats.frames_lost + stats.frames_incomplete ==
        static_cast<std::uint64_t>(captures));
  CHECK(stats.frames_lost + stats.frames_incomplete == static_cast<std::uint64_t>(failed));
  CHECK_FALSE(stats.last_error.empty());
  camera.reset();
}

}  // namespace

// One test case (ctest runs each case as its own process, possibly in parallel) so that only
// one fake camera holds 127.0.0.1:3956 at a time; the sections run one after another.
TEST_CASE("aravis source against Aravis's fake GigE Vision camera", "[integration][camera][aravis]") {
  if (!vision::built_with_aravis()) {
    std::string why;
    CHECK_FALSE(vision::make_camera(aravis_config(""), &why).has_value());
    CHECK_THAT(why, Catch::Contains("built without Aravis"));
    return;
  }
  require_fake_camera_tools();
  const std::string serial = test_serial();

  SECTION("grabs frames, reports a vanished camera as lost frames without hanging, reconnects") {
    grab_lose_and_reconnect(serial);
  }
  SECTION("counts frames with missing packets as incomplete") { count_incomplete(serial); }
}
