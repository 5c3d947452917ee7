// Debug overlays: what the grader saw, drawn so that a person can check it by eye at
// 640x480 — the outline it segmented, the diameters it measured, each defect with its kind
// and area, the calyx it did not count, and the grade it gave.
#include "coldsort/vision/overlay.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "coldsort/core/log.hpp"
#include "pixels.hpp"

namespace coldsort::vision {
namespace {

// BGR colours: the geometry lines apart from each other and from red/orange skin, each
// defect kind apart from the lines (labels name the kind as well).
const cv::Scalar kOutline(60, 220, 60);     // green
const cv::Scalar kMajor(0, 230, 255);       // yellow
const cv::Scalar kMinor(235, 235, 235);     // white
const cv::Scalar kCalyx(255, 255, 0);       // cyan
const cv::Scalar kText(255, 255, 255);
const cv::Scalar kShadow(0, 0, 0);

cv::Scalar colour_of(core::DefectKind kind) {
  switch (kind) {
    case core::DefectKind::bruise: return {255, 0, 255};    // magenta
    case core::DefectKind::rot: return {0, 140, 255};       // orange
    case core::DefectKind::sunburn: return {255, 200, 80};  // sky blue
    case core::DefectKind::scar: return {170, 170, 170};    // grey
    case core::DefectKind::crack: return {255, 0, 140};     // violet
  }
  return {255, 255, 255};
}

// Sizes scale with the image so that labels stay legible from 320 px to full HD.
struct Style {
  double font = 0.5;
  int thickness = 1;
  int line = 2;
};

Style style_for(const cv::Mat& img) {
  Style s;
  double scale = std::max(img.cols, img.rows) / 640.0;
  s.font = std::clamp(0.45 * scale, 0.33, 1.4);
  s.thickness = std::max(1, static_cast<int>(std::lround(scale)));
  s.line = std::max(1, static_cast<int>(std::lround(2 * scale)));
  return s;
}

cv::Point to_cv(const PointPx& p) { return {cvRound(p.x), cvRound(p.y)}; }

std::vector<cv::Point> to_cv(const std::vector<PointPx>& points) {
  std::vector<cv::Point> out;
  out.reserve(points.size());
  for (const PointPx& p : points) out.push_back(to_cv(p));
  return out;
}

// Places labels with a dark shadow so that they read on skin and on rollers alike, inside
// the image, and moved down (or up) past labels already placed so that none hides another.
class Labeller {
 public:
  Labeller(cv::Mat& img, const Style& s) : img_(img), s_(s) {}

  void put(const std::string& text, cv::Point at, const cv::Scalar& colour = kText) {
    int baseline = 0;
    cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, s_.font, s_.thickness, &baseline);
    const int step = size.height + baseline + 2;
    at.x = std::clamp(at.x, 2, std::max(2, img_.cols - size.width - 2));
    at.y = std::clamp(at.y, top_ + size.height + 2, std::max(size.height + 2, img_.rows - baseline - 2));
    cv::Rect box(at.x - 1, at.y - size.height - 1, size.width + 2, size.height + baseline + 2);
    for (int tries = 0; tries < 12 && overlaps(box); ++tries) {
      int down = box.y + step + box.height < img_.rows ? step : -step;
      box.y += down;
      at.y += down;
    }
    placed_.push_back(box);
    cv::putText(img_, text, at + cv::Point(1, 1), cv::FONT_HERSHEY_SIMPLEX, s_.font, kShadow,
                s_.thickness + 1, cv::LINE_AA);
    cv::putText(img_, text, at, cv::FONT_HERSHEY_SIMPLEX, s_.font, colour, s_.thickness, cv::LINE_AA);
  }
  // Labels stay below the header band.
  void reserve_top(int rows) { top_ = rows; }

 private:
  bool overlaps(const cv::Rect& box) const {
    return std::any_of(placed_.begin(), placed_.end(),
                       [&](const cv::Rect& r) { return (r & box).area() > 0; });
  }
  cv::Mat& img_;
  const Style& s_;
  std::vector<cv::Rect> placed_;
  int top_ = 0;
};

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

bool has_axis(const ViewMeasurement& view) {
  return std::hypot(view.major_b.x - view.major_a.x, view.major_b.y - view.major_a.y) > 1;
}

void draw_diameters(cv::Mat& img, const ViewMeasurement& view, const Style& s, Labeller& label) {
  const core::Measurement& m = view.measured;
  if (!has_axis(view) || m.diameter_mm <= 0) return;
  cv::Point2d a(view.major_a.x, view.major_a.y), b(view.major_b.x, view.major_b.y);
  cv::Point2d d = b - a;
  double length_px = std::hypot(d.x, d.y);
  cv::line(img, to_cv(view.major_a), to_cv(view.major_b), kMajor, s.line, cv::LINE_AA);
  cv::Point2d mid = (a + b) * 0.5;
  // At the far end of the axis: the middle is where the minor diameter crosses.
  cv::Point2d tip = a.x > b.x ? a : b;
  label.put(format("%.1f mm", m.diameter_mm), cv::Point(cvRound(tip.x) + 4, cvRound(tip.y) - 4), kMajor);
  if (m.minor_diameter_mm <= 0) return;
  // The minor diameter runs perpendicular to the major through the centre, at the same scale.
  double px_per_mm = length_px / m.diameter_mm;
  cv::Point2d normal(-d.y / length_px, d.x / length_px);
  cv::Point2d centre = view.centre.x > 0 || view.centre.y > 0
                           ? cv::Point2d(view.centre.x, view.centre.y) : mid;
  cv::Point2d half = normal * (m.minor_diameter_mm * px_per_mm / 2);
  cv::line(img, centre - half, centre + half, kMinor, std::max(1, s.line - 1), cv::LINE_AA);
  cv::Point2d end = centre + half;
  label.put(format("%.1f mm", m.minor_diameter_mm), cv::Point(cvRound(end.x) + 4, cvRound(end.y)), kMinor);
}

void draw_defects(cv::Mat& img, const ViewMeasurement& view, const Style& s, Labeller& label) {
  for (const DefectRegion& d : view.defects) {
    cv::Scalar colour = colour_of(d.kind);
    if (d.outline.size() >= 2) {
      std::vector<std::vector<cv::Point>> polygon{to_cv(d.outline)};
      cv::polylines(img, polygon, true, colour, s.line, cv::LINE_AA);
    } else {
      cv::circle(img, to_cv(d.centre), 4 * s.line, colour, s.line, cv::LINE_AA);
    }
    std::string text = std::string(core::to_string(d.kind)) + " " + format("%.0f mm2", d.area_mm2);
    label.put(text, to_cv(d.centre) + cv::Point(6, -6), colour);
  }
}

void draw_calyx(cv::Mat& img, const ViewMeasurement& view, const Style& s, Labeller& label) {
  if (view.calyx.empty()) return;
  std::vector<cv::Point2f> points;
  for (const PointPx& p : view.calyx)
    points.emplace_back(static_cast<float>(p.x), static_cast<float>(p.y));
  cv::Point2f centre;
  float radius = 0;
  cv::minEnclosingCircle(points, centre, radius);
  radius = std::max(radius + 3.0f, 6.0f * static_cast<float>(s.line));
  cv::circle(img, centre, cvRound(radius), kCalyx, s.line, cv::LINE_AA);
  label.put("calyx", cv::Point(cvRound(centre.x + radius) + 3, cvRound(centre.y)), kCalyx);
}

std::string reason_text(const GradeResult& r) {
  std::string text(core::to_string(r.reason));
  if (r.reason == core::DecisionReason::uncertain)
    text += ":" + std::string(r.measured.doubt == core::Doubt::none
                                  ? "low_confidence" : core::to_string(r.measured.doubt));
  return text;
}

struct HeaderLine {
  std::string text;
  cv::Scalar colour;
};

// The decision in short items, flowed into as many lines as the image width needs.
std::vector<HeaderLine> header_lines(const GradeResult& r, const Style& s, int width_px) {
  const core::Measurement& m = r.measured;
  std::vector<std::string> first{std::string(core::to_string(r.grade))}, second;
  if (!r.size_code.empty()) first.push_back("size " + r.size_code);
  if (m.diameter_mm > 0) {
    first.push_back(format("%.1f mm", m.diameter_mm));
    first.push_back(format("%.0f g", m.weight_g));
    second.push_back(format("defects %.0f mm2", m.defect_area_mm2) +
                     format(" (%.1f%%)", m.defect_share * 100));
  }
  second.push_back(reason_text(r));
  const cv::Scalar decided = r.reason == core::DecisionReason::graded ? kOutline : cv::Scalar(80, 160, 255);
  std::vector<HeaderLine> lines;
  auto flow = [&](const std::vector<std::string>& items, const cv::Scalar& colour) {
    std::string line;
    for (const std::string& item : items) {
      std::string longer = line.empty() ? item : line + "  " + item;
      int baseline = 0;
      int w = cv::getTextSize(longer, cv::FONT_HERSHEY_SIMPLEX, s.font, s.thickness, &baseline).width;
      if (!line.empty() && w > width_px - 12) {
        lines.push_back({line, colour});
        line = item;
      } else {
        line = longer;
      }
    }
    if (!line.empty()) lines.push_back({line, colour});
  };
  flow(first, decided);
  flow(second, kText);
  return lines;
}

int line_height(const Style& s) {
  int baseline = 0;
  int h = cv::getTextSize("Ag", cv::FONT_HERSHEY_SIMPLEX, s.font, s.thickness, &baseline).height;
  return h + baseline + 4;
}

// A dark band across the top with the decision, so the verdict is read before the detail.
void draw_header(cv::Mat& img, const std::vector<HeaderLine>& lines, const Style& s) {
  const int step = line_height(s);
  const int band_h = std::min(img.rows, static_cast<int>(lines.size()) * step + 6);
  cv::Mat band = img(cv::Rect(0, 0, img.cols, band_h));
  band *= 0.35;  // darken rather than hide what is under the band
  for (std::size_t i = 0; i < lines.size(); ++i) {
    cv::Point at(6, static_cast<int>(i + 1) * step);
    cv::putText(img, lines[i].text, at + cv::Point(1, 1), cv::FONT_HERSHEY_SIMPLEX, s.font, kShadow,
                s.thickness + 1, cv::LINE_AA);
    cv::putText(img, lines[i].text, at, cv::FONT_HERSHEY_SIMPLEX, s.font, lines[i].colour,
                s.thickness, cv::LINE_AA);
  }
}

}  // namespace

Image draw_overlay(const Image& image, const ViewMeasurement& view, const GradeResult& result) {
  const cv::Mat& source = mat_of(image);
  if (source.empty()) return {};
  cv::Mat img = source.clone();
  Style s = style_for(img);
  std::vector<HeaderLine> header = header_lines(result, s, img.cols);
  Labeller label(img, s);
  label.reserve_top(static_cast<int>(header.size()) * line_height(s) + 6);
  if (view.outline.size() >= 3) {
    std::vector<std::vector<cv::Point>> polygon{to_cv(view.outline)};
    cv::polylines(img, polygon, true, kOutline, s.line, cv::LINE_AA);
  }
  draw_diameters(img, view, s, label);
  draw_defects(img, view, s, label);
  draw_calyx(img, view, s, label);
  draw_header(img, header, s);
  return make_image(std::move(img));
}

core::Result<void> save_image(const Image& image, const std::string& file) {
  const cv::Mat& mat = mat_of(image);
  bool written = false;
  if (!mat.empty()) {
    try {
      written = cv::imwrite(file, mat);
    } catch (const cv::Exception& e) {  // unknown extension, encoder failure
      core::log::warn("vision", "cannot write image " + file + ": " + e.what());
      return core::errc::io_error;
    }
  }
  if (!written) {
    core::log::warn("vision", "cannot write image " + file +
                                  (mat.empty() ? " (no pixels)" : " (folder missing or disk full?)"));
    return core::errc::io_error;
  }
  return {};
}

}  // namespace coldsort::vision
