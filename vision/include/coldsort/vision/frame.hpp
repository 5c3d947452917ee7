#pragma once
// One camera frame of one cup. The pixels are an opaque handle so that OpenCV stays inside
// the vision module.
#include <cstdint>
#include <memory>

#include "coldsort/core/clock.hpp"

namespace coldsort::vision {

// An 8-bit BGR image owned by vision; cheap to copy (shared, immutable).
class Image {
 public:
  struct Pixels;  // defined in vision/src (wraps cv::Mat)
  Image() = default;
  explicit Image(std::shared_ptr<const Pixels> pixels) : pixels_(std::move(pixels)) {}
  bool empty() const { return pixels_ == nullptr; }
  int width() const;
  int height() const;
  const Pixels* pixels() const { return pixels_.get(); }

 private:
  std::shared_ptr<const Pixels> pixels_;
};

struct Frame {
  int lane = 0;
  std::uint64_t cup = 0;
  int view = 0;                // which of the cup's K views (the fruit turns between them)
  core::SteadyTime captured_at{};
  Image image;
};

}  // namespace coldsort::vision
