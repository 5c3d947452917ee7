#include <catch2/catch.hpp>

#include <opencv2/core.hpp>

#include <stdexcept>

#include "coldsort/vision/lane_splitter.hpp"
#include "pixels.hpp"

using namespace coldsort;

namespace {

// A wide frame whose columns hold their own index (mod 256) in the blue channel, so every
// lane view can be checked column by column against where it came from.
vision::Frame wide_frame(int width, int height, int lane_group) {
  cv::Mat m(height, width, CV_8UC3, cv::Scalar(0, 0, 0));
  for (int x = 0; x < width; ++x) m.col(x).setTo(cv::Scalar(x % 256, 40, 200));
  return vision::Frame{lane_group, 4242, 3, core::SteadyTime{} + std::chrono::seconds(7),
                       vision::make_image(m)};
}

// Where a lane view's first pixel lies in the wide frame (-1 when it is not inside it).
long offset_in(const vision::Frame& lane, const vision::Frame& wide) {
  const cv::Mat& part = vision::mat_of(lane.image);
  const cv::Mat& whole = vision::mat_of(wide.image);
  long offset = static_cast<long>(part.data - whole.data);
  return offset >= 0 && offset < static_cast<long>(whole.total() * whole.elemSize()) ? offset : -1;
}

}  // namespace

TEST_CASE("split_lanes cuts a wide frame into equal lanes that view its pixels", "[unit][camera]") {
  auto wide = wide_frame(400, 90, 0);
  auto lanes = vision::split_lanes(wide, 4);
  REQUIRE(lanes.size() == 4);
  for (int i = 0; i < 4; ++i) {
    const auto& lane = lanes[static_cast<std::size_t>(i)];
    CHECK(lane.lane == i);
    CHECK(lane.cup == wide.cup);
    CHECK(lane.view == wide.view);
    CHECK(lane.captured_at == wide.captured_at);
    CHECK(lane.image.width() == 100);
    CHECK(lane.image.height() == 90);
    CHECK(offset_in(lane, wide) == i * 100 * 3);  // the same buffer: no copy
    CHECK(vision::mat_of(lane.image).at<cv::Vec3b>(45, 0)[0] == (i * 100) % 256);
  }
}

TEST_CASE("split_lanes covers an uneven width exactly once and numbers lanes by camera group", "[unit][camera]") {
  auto wide = wide_frame(402, 10, 2);  // the third camera over a line of 3 lanes per camera
  auto lanes = vision::split_lanes(wide, 3);
  REQUIRE(lanes.size() == 3);
  int next_column = 0;
  for (int i = 0; i < 3; ++i) {
    const auto& lane = lanes[static_cast<std::size_t>(i)];
    CHECK(lane.lane == 2 * 3 + i);
    CHECK(offset_in(lane, wide) == next_column * 3);
    next_column += lane.image.width();
  }
  CHECK(next_column == 402);

  auto odd = vision::split_lanes(wide_frame(10, 4, 0), 4);  // 2, 3, 2, 3 columns
  int total = 0;
  for (const auto& lane : odd) {
    CHECK(lane.image.width() >= 2);
    CHECK(lane.image.width() <= 3);
    total += lane.image.width();
  }
  CHECK(total == 10);
}

TEST_CASE("split_lanes widens lanes by the overlap margin inside the frame only", "[unit][camera]") {
  auto wide = wide_frame(300, 20, 0);
  auto lanes = vision::split_lanes(wide, 3, 8);
  REQUIRE(lanes.size() == 3);
  CHECK(offset_in(lanes[0], wide) == 0);  // clamped at the left edge
  CHECK(lanes[0].image.width() == 100 + 8);
  CHECK(offset_in(lanes[1], wide) == (100 - 8) * 3);
  CHECK(lanes[1].image.width() == 100 + 2 * 8);
  CHECK(lanes[2].image.width() == 100 + 8);  // clamped at the right edge
  CHECK(vision::mat_of(lanes[1].image).at<cv::Vec3b>(0, 0)[0] == 100 - 8);
}

TEST_CASE("split_lanes passes a lost frame on as no lanes and rejects impossible splits", "[unit][camera]") {
  vision::Frame lost{1, 2, 0, {}, vision::Image{}};
  CHECK(vision::split_lanes(lost, 4).empty());
  auto wide = wide_frame(8, 4, 0);
  CHECK(vision::split_lanes(wide, 1).front().image.width() == 8);
  CHECK_THROWS_AS(vision::split_lanes(wide, 0), std::invalid_argument);
  CHECK_THROWS_AS(vision::split_lanes(wide, 9), std::invalid_argument);
  CHECK_THROWS_AS(vision::split_lanes(wide, 2, -1), std::invalid_argument);
}
