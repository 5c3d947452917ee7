#include "coldsort/vision/synthetic_camera.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "pixels.hpp"
#include "seeded_random.hpp"

namespace coldsort::vision {
namespace {

// Fixed-point bits for sub-pixel drawing with cv::ellipse (shift parameter).
constexpr int kShift = 4;
constexpr double kScale = 1 << kShift;

// Size spread of a Huili harvest: most fruit 75-100 mm.
constexpr double kMeanDiameterMm = 88;
constexpr double kDiameterSdMm = 10;

struct Ellipse {
  cv::Point2d centre;
  cv::Size2d axes;  // semi-axes in px
  double angle_deg;
};

// OpenCV fills an anti-aliased ellipse and then strokes an anti-aliased outline around it,
// which grows it by about 0.63 px in radius (measured from the coverage sum for semi-axes
// of 60-100 px). Drawing that much smaller keeps the rendered size equal to the truth.
constexpr double kAntiAliasGrowthPx = 0.63;

// Coverage mask (0..255) of a filled, anti-aliased ellipse, sub-pixel placed.
void draw_coverage(cv::Mat& mask, Ellipse e) {
  e.axes.width = std::max(1.0, e.axes.width - kAntiAliasGrowthPx);
  e.axes.height = std::max(1.0, e.axes.height - kAntiAliasGrowthPx);
  cv::ellipse(mask, cv::Point(cvRound(e.centre.x * kScale), cvRound(e.centre.y * kScale)),
              cv::Size(cvRound(e.axes.width * kScale), cvRound(e.axes.height * kScale)),
              e.angle_deg, 0, 360, cv::Scalar(255), cv::FILLED, cv::LINE_AA, kShift);
}

void draw_background(cv::Mat& img, double gain) {
  // Dark rollers: horizontal bands a little lighter at their crowns.
  for (int y = 0; y < img.rows; ++y) {
    double band = 0.5 + 0.5 * std::cos(2 * M_PI * y / 40.0);
    auto v = cv::saturate_cast<uchar>((22 + 14 * band) * gain);
    img.row(y).setTo(cv::Scalar(v, v, cv::saturate_cast<uchar>(v * 1.05)));
  }
}

cv::Vec3d hue_to_bgr(double hue_deg, double value) {
  cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(hue_deg / 2.0, 215, value));
  cv::Mat bgr;
  cv::cvtColor(hsv, bgr, cv::COLOR_HSV2BGR);
  cv::Vec3b p = bgr.at<cv::Vec3b>(0, 0);
  return {double(p[0]), double(p[1]), double(p[2])};
}

// Blends `colour` into `img` where `mask` covers, shading toward the fruit's rim.
void paint(cv::Mat& img, const cv::Mat& mask, const cv::Vec3d& colour, const Ellipse& shade) {
  const double cos_a = std::cos(shade.angle_deg * M_PI / 180);
  const double sin_a = std::sin(shade.angle_deg * M_PI / 180);
  for (int y = 0; y < img.rows; ++y) {
    const uchar* m = mask.ptr<uchar>(y);
    auto* p = img.ptr<cv::Vec3b>(y);
    for (int x = 0; x < img.cols; ++x) {
      if (m[x] == 0) continue;
      double dx = x - shade.centre.x, dy = y - shade.centre.y;
      double u = (dx * cos_a + dy * sin_a) / shade.axes.width;
      double v = (-dx * sin_a + dy * cos_a) / shade.axes.height;
      double lit = 1.0 - 0.3 * std::min(1.0, u * u + v * v);  // a sphere lit from above
      double a = m[x] / 255.0;
      for (int c = 0; c < 3; ++c) p[x][c] = cv::saturate_cast<uchar>(p[x][c] * (1 - a) +
                                                                      colour[c] * lit * a);
    }
  }
}

}  // namespace

SyntheticCamera::SyntheticCamera(const core::CameraConfig& camera) : camera_(camera) {}

FruitTruth SyntheticCamera::truth_for(int lane, std::uint64_t cup) const {
  SeededRandom rng(camera_.seed, static_cast<std::uint64_t>(lane), cup);
  FruitTruth t;
  t.gain = rng.uniform(0.85, 1.15);  // lamps age, shutters drift
  if (rng.uniform() < camera_.empty_cup_share) return t;
  t.present = true;
  t.diameter_mm = std::clamp(rng.normal(kMeanDiameterMm, kDiameterSdMm), 58.0, 118.0);
  t.minor_diameter_mm = t.diameter_mm * rng.uniform(0.90, 0.99);
  t.angle_deg = rng.uniform(0, 180);
  t.offset_x_mm = rng.normal(0, 4);
  t.offset_y_mm = rng.normal(0, 4);
  t.hue_deg = std::fmod(rng.uniform(-8, 10) + 360, 360);
  double defect_roll = rng.uniform();
  // Mix of a sorted harvest: most clean, some with bruises or scars of growing size.
  t.defect_share = defect_roll < 0.55 ? 0.0
                   : defect_roll < 0.75 ? rng.uniform(0.002, 0.008)
                   : defect_roll < 0.90 ? rng.uniform(0.015, 0.045)
                   : defect_roll < 0.96 ? rng.uniform(0.055, 0.09)
                                        : rng.uniform(0.12, 0.25);
  double mishap = rng.uniform();
  if (mishap < 0.01) {
    // The fruit sits on the cup's rim, half out of the camera's view.
    t.offset_x_mm = (camera_.width_px / camera_.px_per_mm) / 2 - t.diameter_mm * 0.3;
    t.touches_edge = true;
  } else if (mishap < 0.015) {
    t.doubled = true;
  }
  return t;
}

Image SyntheticCamera::render(const FruitTruth& t, std::uint64_t noise_seed) const {
  cv::Mat img(camera_.height_px, camera_.width_px, CV_8UC3);
  draw_background(img, t.gain);
  if (t.present) {
    const double ppm = camera_.px_per_mm;
    Ellipse fruit{{img.cols / 2.0 + t.offset_x_mm * ppm, img.rows / 2.0 + t.offset_y_mm * ppm},
                  {t.diameter_mm * ppm / 2, t.minor_diameter_mm * ppm / 2},
                  t.angle_deg};
    std::vector<Ellipse> fruits{fruit};
    if (t.doubled) {
      Ellipse second = fruit;
      second.centre.x -= fruit.axes.width * 1.2;
      second.centre.y += fruit.axes.height * 0.4;
      fruits.push_back(second);
      fruits[0].centre.x += fruit.axes.width * 0.5;
    }
    for (const Ellipse& e : fruits) {
      cv::Mat mask = cv::Mat::zeros(img.size(), CV_8U);
      draw_coverage(mask, e);
      paint(img, mask, hue_to_bgr(t.hue_deg, 200 * t.gain), e);
    }
    if (t.defect_share > 0) {
      // One bruise, wholly inside the fruit: its area is defect_share of the fruit's.
      SeededRandom rng(noise_seed ^ 0xD3F3C7ull);
      double k = std::sqrt(t.defect_share);
      Ellipse bruise{fruit.centre, {fruit.axes.width * k, fruit.axes.height * k}, fruit.angle_deg};
      double room = 1.0 - k - 0.12;  // keep off the shaded rim
      double r = room > 0 ? rng.uniform(0, room) : 0;
      double phi = rng.uniform(0, 2 * M_PI);
      double ca = std::cos(fruit.angle_deg * M_PI / 180), sa = std::sin(fruit.angle_deg * M_PI / 180);
      double u = r * fruit.axes.width * std::cos(phi), v = r * fruit.axes.height * std::sin(phi);
      bruise.centre += cv::Point2d(u * ca - v * sa, u * sa + v * ca);
      cv::Mat mask = cv::Mat::zeros(img.size(), CV_8U);
      draw_coverage(mask, bruise);
      paint(img, mask, cv::Vec3d(28, 38, 66) * t.gain, fruit);
    }
  }
  cv::Mat noise(img.size(), CV_16SC3);
  cv::RNG cv_rng(noise_seed);
  cv_rng.fill(noise, cv::RNG::NORMAL, 0, 3);
  cv::Mat noisy;
  img.convertTo(noisy, CV_16SC3);
  noisy += noise;
  noisy.convertTo(img, CV_8UC3);
  return make_image(std::move(img));
}

core::Result<Frame> SyntheticCamera::capture(int lane, std::uint64_t cup, int view,
                                             core::SteadyTime now) {
  Frame frame;
  frame.lane = lane;
  frame.cup = cup;
  frame.view = view;
  frame.captured_at = now;
  frame.image = render(truth_for(lane, cup), camera_.seed ^ (cup * 8 + static_cast<unsigned>(lane)));
  return frame;
}

}  // namespace coldsort::vision
