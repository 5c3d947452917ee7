#pragma once
// One full-width camera frame often spans several lanes side by side (camera.lanes_per_frame).
// split_lanes cuts it into one Frame per lane without copying pixels.
// Thread safety: a pure function; frames are immutable and may be shared between threads.
#include <vector>

#include "coldsort/vision/frame.hpp"

namespace coldsort::vision {

// Cuts `wide` into `lanes` side-by-side frames of equal width (the first lane on the left;
// when the width does not divide evenly the lanes differ by at most one pixel and together
// cover every column exactly once). Each lane frame's image is a view into `wide`'s pixels
// (no copy), widened by `overlap_px` on each side where the frame allows, so that a fruit
// straddling a lane divider is seen whole by both lanes.
//
// Numbering: `wide.lane` is the index of the camera's lane group, so lane i of the result is
// `wide.lane * lanes + i` (one camera over all lanes: wide.lane = 0, lanes 0..lanes-1).
// cup, view and captured_at are copied from `wide`.
//
// Returns an empty vector when `wide` has no image (a lost frame has nothing to split).
// Throws std::invalid_argument when lanes < 1, lanes > the image width or overlap_px < 0
// (a config error caught at start-up, not a per-frame failure).
std::vector<Frame> split_lanes(const Frame& wide, int lanes, int overlap_px = 0);

}  // namespace coldsort::vision
