// The synthetic scene around the fruit (rollers or belt, dirt, juice) and the camera's own
// effects (lamps, motion blur, sensor noise, clipping, softness).
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "seeded_random.hpp"
#include "synthetic_render.hpp"

namespace coldsort::vision::synth {
namespace {

// Sensor noise: a fixed tile of N(0, 32) values, read at a random offset per frame, so that
// noise costs an add per pixel instead of a normal draw.
constexpr int kNoiseTile = 512;
static_assert((kNoiseTile & (kNoiseTile - 1)) == 0, "wrapped with a mask");
constexpr double kNoiseTileSd = 32;

const cv::Mat& noise_tile() {
  static const cv::Mat tile = [] {
    cv::Mat m(kNoiseTile, kNoiseTile, CV_8SC3);
    cv::RNG rng(0x5EED5EEDu);
    rng.fill(m, cv::RNG::NORMAL, 0, kNoiseTileSd);
    return m;
  }();
  return tile;
}

double smoothstep(double lo, double hi, double x) {
  double t = std::clamp((x - lo) / (hi - lo), 0.0, 1.0);
  return t * t * (3 - 2 * t);
}

// Rollers across the lane (the fruit turns on them), dark rubber a little lighter at their
// crowns, with dark gaps between them. They advance between views.
void draw_rollers(cv::Mat& rad, const FruitTruth& t, int view, double px_per_mm) {
  SeededRandom fixed(t.render_seed, 0x6011u, 0);
  const double pitch_mm = fixed.uniform(32, 42);
  const double gap_mm = fixed.uniform(1.5, 3);
  const cv::Vec3f rubber(fixed.uniformf(0.115, 0.14), 0.12f, fixed.uniformf(0.10, 0.12));
  const double phase_mm = SeededRandom(t.render_seed, static_cast<std::uint64_t>(view), 0x6012u)
                              .uniform(0, pitch_mm);
  for (int row = 0; row < rad.rows; ++row) {
    double s = std::fmod(row / px_per_mm + phase_mm, pitch_mm);
    double crown = 0.65 + 0.35 * std::sin(M_PI * s / pitch_mm);
    double gap = smoothstep(0, gap_mm, s) * smoothstep(0, gap_mm, pitch_mm - s);
    rad.row(row).setTo(rubber * static_cast<float>(crown * (0.35 + 0.65 * gap)));
  }
}

// A dark belt with a fine woven texture.
void draw_belt(cv::Mat& rad, const FruitTruth& t, double px_per_mm) {
  SeededRandom fixed(t.render_seed, 0xBE17u, 0);
  const double weave_mm = fixed.uniform(1.5, 3);
  const cv::Vec3f base(0.10f, 0.095f, fixed.uniformf(0.085, 0.1));
  std::vector<float> across(static_cast<std::size_t>(rad.cols));
  for (int x = 0; x < rad.cols; ++x)
    across[static_cast<std::size_t>(x)] = static_cast<float>(std::sin(2 * M_PI * x / (weave_mm * px_per_mm)));
  for (int row = 0; row < rad.rows; ++row) {
    const float along = static_cast<float>(std::sin(2 * M_PI * row / (weave_mm * px_per_mm)));
    auto* px = rad.ptr<cv::Vec3f>(row);
    for (int x = 0; x < rad.cols; ++x) px[x] = base * (1 + 0.12f * along * across[static_cast<std::size_t>(x)]);
  }
}

// Soil specks (lighter than rubber) and pomegranate juice stains (dark red-purple) on the
// rollers: never on the fruit, which is drawn over them.
void draw_dirt(cv::Mat& rad, const FruitTruth& t, int view, double px_per_mm) {
  SeededRandom rng(t.render_seed, static_cast<std::uint64_t>(view), 0xD127u);
  const int specks = 4 + static_cast<int>(rng.uniform() * 12);
  for (int i = 0; i < specks; ++i) {
    cv::Point centre(static_cast<int>(rng.uniform() * rad.cols), static_cast<int>(rng.uniform() * rad.rows));
    int radius = std::max(1, static_cast<int>(rng.uniform(0.4, 1.8) * px_per_mm));
    float k = rng.uniformf(0.7, 1.1);
    cv::circle(rad, centre, radius, cv::Scalar(0.17 * k, 0.21 * k, 0.26 * k), cv::FILLED);
  }
  const int stains = static_cast<int>(rng.uniform() * 3);
  for (int i = 0; i < stains; ++i) {
    cv::Point2d centre(rng.uniform() * rad.cols, rng.uniform() * rad.rows);
    for (int blob = 0; blob < 3; ++blob) {
      cv::Point c(static_cast<int>(centre.x + rng.uniform(-3, 3) * px_per_mm),
                  static_cast<int>(centre.y + rng.uniform(-3, 3) * px_per_mm));
      cv::Size axes(static_cast<int>(rng.uniform(2, 6) * px_per_mm), static_cast<int>(rng.uniform(1.5, 4) * px_per_mm));
      cv::ellipse(rad, c, axes, rng.uniform(0, 180), 0, 360, cv::Scalar(0.09, 0.04, 0.2), cv::FILLED);
    }
  }
}

// JPEG-like softness: a slight blur, and colour smeared more than brightness (chroma is
// subsampled and quantised harder than luma in JPEG).
void soften(cv::Mat& bgr, double sigma_px) {
  cv::GaussianBlur(bgr, bgr, cv::Size(0, 0), sigma_px);
  cv::Mat ycc;
  cv::cvtColor(bgr, ycc, cv::COLOR_BGR2YCrCb);
  cv::Mat planes[3];
  cv::split(ycc, planes);
  cv::GaussianBlur(planes[1], planes[1], cv::Size(0, 0), 1.2);
  cv::GaussianBlur(planes[2], planes[2], cv::Size(0, 0), 1.2);
  cv::merge(planes, 3, ycc);
  cv::cvtColor(ycc, bgr, cv::COLOR_YCrCb2BGR);
}

}  // namespace

void draw_background(cv::Mat& rad, const FruitTruth& t, int view, const FrameGeometry& frame) {
  if (t.belt) {
    draw_belt(rad, t, frame.px_per_mm);
  } else {
    draw_rollers(rad, t, view, frame.px_per_mm);
  }
  if (t.dirt) draw_dirt(rad, t, view, frame.px_per_mm);
}

void expose(cv::Mat& rad, cv::Mat& out, const FruitTruth& t, int view, double noise_sd) {
  // Motion blur along the lane (image rows), where the cup travels during the exposure.
  const int blur = static_cast<int>(t.blur_px);
  if (blur > 1) cv::blur(rad, rad, cv::Size(1, blur), cv::Point(-1, -1), cv::BORDER_REPLICATE);
  // Lamps: gain, a linear gradient across the frame, a colour temperature tint.
  const double angle = t.gradient_angle_deg * kDegToRad;
  const double gx = std::cos(angle), gy = std::sin(angle);
  const double span = std::abs(gx) * rad.cols + std::abs(gy) * rad.rows;
  const double cx = (rad.cols - 1) / 2.0, cy = (rad.rows - 1) / 2.0;
  const float tint[3] = {static_cast<float>(255 * (1 - t.tint)), 255.0f, static_cast<float>(255 * (1 + t.tint))};
  SeededRandom rng(t.render_seed, static_cast<std::uint64_t>(view), 0x4015Eu);
  const int ox = static_cast<int>(rng.uniform() * kNoiseTile), oy = static_cast<int>(rng.uniform() * kNoiseTile);
  const cv::Mat& tile = noise_tile();
  const float noise_k = static_cast<float>(noise_sd / kNoiseTileSd);
  out.create(rad.size(), CV_8UC3);
  const float step = static_cast<float>(t.gain * t.gradient * gx / span);
  for (int row = 0; row < rad.rows; ++row) {
    const auto* in = rad.ptr<cv::Vec3f>(row);
    const auto* noise = tile.ptr<cv::Vec3b>((row + oy) & (kNoiseTile - 1));
    auto* px = out.ptr<cv::Vec3b>(row);
    float light = static_cast<float>(t.gain * (1 + t.gradient * (-cx * gx + (row - cy) * gy) / span));
    for (int x = 0; x < rad.cols; ++x, light += step) {
      const auto* n = reinterpret_cast<const signed char*>(&noise[(x + ox) & (kNoiseTile - 1)]);
      for (int c = 0; c < 3; ++c)
        px[x][c] = cv::saturate_cast<uchar>(in[x][c] * light * tint[c] + n[c] * noise_k);
    }
  }
  if (t.softness_px > 0) soften(out, t.softness_px);
}

void render_lane(cv::Mat& out, const FruitTruth& t, int view, const FrameGeometry& frame,
                 double noise_sd) {
  cv::Mat rad(frame.height_px, frame.width_px, CV_32FC3);
  draw_background(rad, t, view, frame);
  draw_fruit(rad, t, view, frame);
  expose(rad, out, t, view, noise_sd);
}

}  // namespace coldsort::vision::synth
