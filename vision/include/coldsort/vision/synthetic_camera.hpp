#pragma once
// The synthetic camera: renders a pomegranate-like fruit on a dark roller background for
// each (lane, cup), from a seeded description whose true size and defects are known, so the
// grader and the whole line can be checked against the truth.
// Thread safety: capture() and truth_for() are const and safe from any thread.
#include <cstdint>

#include "coldsort/vision/camera_source.hpp"

namespace coldsort::vision {

// What is really in a cup. Everything derives from (seed, lane, cup): no hidden state.
struct FruitTruth {
  bool present = false;
  double diameter_mm = 0;        // major axis of the projected ellipse
  double minor_diameter_mm = 0;  // minor axis
  double angle_deg = 0;          // orientation of the major axis
  double offset_x_mm = 0;        // centre offset from the cup centre
  double offset_y_mm = 0;
  double defect_share = 0;       // defect area / projected fruit area
  double hue_deg = 0;            // skin hue (red ~ 355..10)
  double gain = 1;               // lighting gain of this frame
  bool touches_edge = false;     // fruit not fully in view: cannot be measured with confidence
  bool doubled = false;          // two fruits in one cup: cannot be graded
};

class SyntheticCamera final : public CameraSource {
 public:
  explicit SyntheticCamera(const core::CameraConfig& camera);
  core::Result<Frame> capture(int lane, std::uint64_t cup, int view,
                              core::SteadyTime now) override;
  FruitTruth truth_for(int lane, std::uint64_t cup) const;
  Image render(const FruitTruth& truth, std::uint64_t noise_seed) const;

 private:
  core::CameraConfig camera_;
};

}  // namespace coldsort::vision
