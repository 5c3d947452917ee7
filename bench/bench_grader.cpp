// bench_grader: views graded per second on one core, against a straightforward
// implementation measured in the same run, and the grader's accuracy on synthetic truth.
// Usage: bench_grader [VIEWS] [PX_PER_MM]
//   single-fruit 640x480 views at PX_PER_MM (default 3.6), and full-width frames holding
//   4 lanes side by side (2560x480), each lane cut out and measured.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "coldsort/core/config.hpp"
#include "coldsort/vision/grader.hpp"
#include "coldsort/vision/lane_splitter.hpp"
#include "coldsort/vision/synthetic_camera.hpp"

using namespace coldsort;
using Clock = std::chrono::steady_clock;

namespace {

double ms_per_view(const std::vector<vision::Frame>& frames, const vision::MeasureOptions& o,
                   int& measured) {
  measured = 0;
  auto t0 = Clock::now();
  for (const vision::Frame& f : frames) measured += vision::measure_view(f.image, o) ? 1 : 0;
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count() /
         static_cast<double>(frames.size());
}

// Full-width frames of 4 lanes: each cut into its lanes (no copy) and every lane measured.
double ms_per_wide_frame(const std::vector<vision::Frame>& wide, const vision::MeasureOptions& o) {
  auto t0 = Clock::now();
  int measured = 0;
  for (const vision::Frame& f : wide)
    for (const vision::Frame& lane : vision::split_lanes(f, 4))
      measured += vision::measure_view(lane.image, o) ? 1 : 0;
  (void)measured;
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count() /
         static_cast<double>(wide.size());
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const int views = argc > 1 ? std::atoi(argv[1]) : 1000;
  vision::set_vision_threads(1);  // figures are per core
  core::CameraConfig cam;
  cam.px_per_mm = argc > 2 ? std::atof(argv[2]) : 3.6;
  cam.width_px = 640;
  cam.height_px = 480;
  cam.seed = 42;
  cam.empty_cup_share = 0.0;
  vision::SyntheticCamera camera(cam);
  std::vector<vision::Frame> frames;
  std::vector<vision::FruitTruth> truths;
  auto r0 = Clock::now();
  for (int i = 0; i < views; ++i) {
    truths.push_back(camera.truth_for(0, static_cast<std::uint64_t>(i)));
    frames.push_back(*camera.capture(0, static_cast<std::uint64_t>(i), 0, {}));
  }
  const double render_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - r0).count() / views;

  vision::MeasureOptions fast;
  fast.px_per_mm = cam.px_per_mm;
  vision::MeasureOptions baseline = fast;
  baseline.use_roi = false;
  int n_fast = 0, n_base = 0;
  ms_per_view(frames, fast, n_fast);  // warm caches and OpenCV's lazy initialisation
  const double base_ms = ms_per_view(frames, baseline, n_base);
  const double fast_ms = ms_per_view(frames, fast, n_fast);

  // 4 lanes side by side in one 2560x480 frame at the same scale.
  core::CameraConfig wide_cam = cam;
  wide_cam.width_px = 4 * cam.width_px;
  wide_cam.lanes_per_frame = 4;
  vision::SyntheticCamera wide_camera(wide_cam);
  std::vector<vision::Frame> wide;
  const int wide_frames = std::max(1, views / 8);
  for (int i = 0; i < wide_frames; ++i) {
    std::vector<vision::FruitTruth> cups;
    for (int lane = 0; lane < 4; ++lane)
      cups.push_back(wide_camera.truth_for(lane, static_cast<std::uint64_t>(i)));
    vision::Frame f;
    f.image = wide_camera.render_lanes(cups, 0);
    wide.push_back(f);
  }
  const double wide_base_ms = ms_per_wide_frame(wide, baseline);
  const double wide_fast_ms = ms_per_wide_frame(wide, fast);

  std::vector<double> errors;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const vision::FruitTruth& t = truths[i];
    if (!t.present || t.touches_edge || t.doubled) continue;
    auto v = vision::measure_view(frames[i].image, fast);
    if (v && v->measured.doubt == core::Doubt::none)
      errors.push_back(std::abs(v->measured.diameter_mm - t.diameter_mm));
  }
  double mae = 0;
  for (double e : errors) mae += e;
  mae /= std::max<std::size_t>(1, errors.size());

  std::printf("single-fruit views  %d at 640x480, %.2f px/mm (render %.2f ms/view)\n", views,
              cam.px_per_mm, render_ms);
  std::printf("baseline (no ROI)   %.3f ms/view = %6.0f views/s/core (%d measured)\n", base_ms,
              1000 / base_ms, n_base);
  std::printf("coldsort (ROI)      %.3f ms/view = %6.0f views/s/core (%d measured)\n", fast_ms,
              1000 / fast_ms, n_fast);
  std::printf("speed-up            %.2fx\n", base_ms / fast_ms);
  std::printf("4-lane frame 2560x480 baseline %.3f ms, coldsort %.3f ms = %.0f frames/s/core (%.2fx)\n",
              wide_base_ms, wide_fast_ms, 1000 / wide_fast_ms, wide_base_ms / wide_fast_ms);
  std::printf("4 lanes x 15 fruit/s x 5 views = 300 views/s -> %.0f %% of one core\n",
              300 * fast_ms / 10);
  std::printf("diameter error      MAE %.2f mm, p95 %.2f mm, max %.2f mm over %zu fruit\n", mae,
              percentile(errors, 0.95), percentile(errors, 1.0), errors.size());
  return 0;
}
