// bench_grader: how many fruit per second one core grades, from synthetic frames.
// Prints render and grade time per frame and the lanes one core could serve at a given
// fruit rate per lane. Usage: bench_grader [FRAMES] [FRUIT_PER_S_PER_LANE]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "coldsort/core/config.hpp"
#include "coldsort/vision/grader.hpp"
#include "coldsort/vision/synthetic_camera.hpp"

using namespace coldsort;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::atoi(argv[1]) : 2000;
  const double rate_per_lane = argc > 2 ? std::atof(argv[2]) : 10.0;
  core::CameraConfig camera_config;  // the default line's camera: 320x280 px at 2 px/mm
  camera_config.seed = 42;
  vision::SyntheticCamera camera(camera_config);
  core::GradingStandard standard;
  core::QualityRule rule;
  rule.max_defect_share = 0.05;
  standard.quality = {rule};
  standard.sizes = {{"any", 0, 1000, ""}};
  vision::MeasureOptions options;
  options.px_per_mm = camera_config.px_per_mm;
  vision::FruitGrader grader(standard, options);

  std::vector<vision::Frame> batch;
  batch.reserve(static_cast<std::size_t>(frames));
  auto t0 = Clock::now();
  for (int i = 0; i < frames; ++i)
    batch.push_back(*camera.capture(i % 4, static_cast<std::uint64_t>(i / 4), 0, {}));
  auto t1 = Clock::now();
  int graded = 0;
  for (const vision::Frame& f : batch)
    graded += grader.grade(f).reason == core::DecisionReason::graded ? 1 : 0;
  auto t2 = Clock::now();

  double render_ms = std::chrono::duration<double, std::milli>(t1 - t0).count() / frames;
  double grade_ms = std::chrono::duration<double, std::milli>(t2 - t1).count() / frames;
  std::printf("frames            %d (%d graded, %dx%d px)\n", frames, graded,
              camera_config.width_px, camera_config.height_px);
  std::printf("render            %.3f ms/frame\n", render_ms);
  std::printf("grade (measure)   %.3f ms/frame = %.0f fruit/s on one core\n", grade_ms,
              1000.0 / grade_ms);
  std::printf("lanes per core    %.1f at %.1f fruit/s per lane\n",
              1000.0 / grade_ms / rate_per_lane, rate_per_lane);
  return 0;
}
