#pragma once
// Debug overlays a person can check by eye: the fruit outline, the maximum diameter, each
// defect outlined and labelled with its kind and area, the calyx, and the grade.
// Thread safety: free functions, no shared state.
#include <string>

#include "coldsort/core/error.hpp"
#include "coldsort/vision/frame.hpp"
#include "coldsort/vision/grader.hpp"

namespace coldsort::vision {

Image draw_overlay(const Image& image, const ViewMeasurement& view, const GradeResult& result);

// Writes an image (format from the extension: .png, .jpg). Errors: io_error.
core::Result<void> save_image(const Image& image, const std::string& file);

}  // namespace coldsort::vision
