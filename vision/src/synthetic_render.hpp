#pragma once
// Drawing the synthetic scene. Light is accumulated as float "radiance" (1.0 = 255 at
// gain 1) so that the lamps' gain, gradient and tint, motion blur, noise and clipping are
// applied once at the end, the way a sensor sees them.
// Thread safety: free functions, no shared state.
#include <opencv2/core.hpp>

#include "synthetic_model.hpp"

namespace coldsort::vision::synth {

// The fruit (and its crown, defects and sticker), blended over `radiance` (CV_32FC3, BGR)
// in its bounding box only.
void draw_fruit(cv::Mat& radiance, const FruitTruth& t, int view, const FrameGeometry& frame);

// The rollers or belt, dirt and juice stains (CV_32FC3).
void draw_background(cv::Mat& radiance, const FruitTruth& t, int view, const FrameGeometry& frame);

// Lamps (gain, gradient, tint), motion blur, sensor noise, clipping to 8 bits, softness.
void expose(cv::Mat& radiance, cv::Mat& out_bgr8, const FruitTruth& t, int view,
            double noise_sd);

// Renders one lane's frame into `out` (CV_8UC3, frame.width_px x frame.height_px).
void render_lane(cv::Mat& out, const FruitTruth& t, int view, const FrameGeometry& frame,
                 double noise_sd);

// The crown over the fruit already drawn (synthetic_crown.cpp): coloured from the skin's
// hue and value, lit from `light` (world, unit).
void draw_crown(cv::Mat& radiance, const FruitTruth& t, const Pose& pose, const Silhouette& sil,
                double skin_hue_deg, double skin_value, Vec3 light);

// HSV (hue in degrees, s and v 0..1) to BGR 0..1.
cv::Vec3f hsv_to_bgr(double hue_deg, double s, double v);

// Coverage of a pixel by the outline, from its distance to the ellipse (0.5 on the edge);
// below `inside_q2` (squared normalised radius) the pixel is wholly inside.
double coverage(const Silhouette& sil, double x_mm, double y_mm, double px_per_mm,
                double inside_q2 = 0.25);

inline cv::Vec3f mix(const cv::Vec3f& a, const cv::Vec3f& b, double k) {
  return a * static_cast<float>(1 - k) + b * static_cast<float>(k);
}

}  // namespace coldsort::vision::synth
