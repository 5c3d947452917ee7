#pragma once
// The synthetic camera: renders pomegranates on a dark roller grader, seen from above, with
// everything about each fruit known (size, weight, crown, skin colour, defects with kind and
// true surface area, stickers, the scene's lighting and mishaps), so that the grader, the
// line and the benchmark can be scored against the truth. See docs/synthetic-fruit.md.
//
// Everything derives from (seed, lane, cup, view): truth_for(lane, cup) is a pure function
// of the camera config, the scene knobs and the cup; render(truth, view) of the truth and
// the view. No hidden state.
// Thread safety: SyntheticCamera is immutable after construction; every member is const
// and may run on many threads at once.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "coldsort/core/fruit.hpp"
#include "coldsort/vision/camera_source.hpp"

namespace coldsort::vision {

// Knobs of the synthetic scene. Shares are probabilities per cup (0..1).
struct SyntheticScene {
  // The harvest.
  double defect_share = 0.5;       // fruit with at least one skin defect; the rest clean
  double near_limit_share = 0.45;     // of those: total area near a grading limit
  double under_coloured_share = 0.25; // fruit with yellow-pink areas outside the red range
  double light_share = 0.02;          // fruit light for its size (internal rot, dry arils)
  double sticker_share = 0.05;        // a label stuck on the fruit (not a defect)
  bool calyx = true;                  // draw the crown (calyx) at one pole
  double mottling = 1;                // natural skin mottling; 0 = even colour
  // Conditions that make a cup doubtful (each a share of cups holding fruit).
  double border_share = 0.012;        // fruit cut by the frame edge
  double two_fruit_share = 0.008;     // a second fruit in the cup
  double blur_share = 0.008;          // motion blur
  double overexposed_share = 0.006;   // lamps far too bright: skin clipped
  double underexposed_share = 0.004;  // far too dark to see defects
  // The scene.
  double gain_min = 0.7, gain_max = 1.3;  // lamp/shutter gain of a frame
  double gradient_max = 0.25;  // brightness change from one side of the frame to the other
  double tint_max = 0.06;      // colour temperature: red/blue balance off by up to this
  double belt_share = 0.25;    // a dark textured belt instead of rollers
  double dirt_share = 0.6;     // frames with dirt specks and juice stains on the rollers
  double noise_sd = 2.0;       // sensor noise, 8-bit levels
  double softness_share = 0.5; // frames with JPEG-like softness (blur, smeared colour)
  double jitter_mm = 1.0;      // the fruit shifts this much between views

  // Sets the five doubtful conditions to `share` in total, in the default proportions.
  void set_doubt_share(double share);
  double doubt_share() const;
  // No scene effects, no crown, mottling or stickers, no doubt: for calibration tests.
  static SyntheticScene plain();
};

// A direction from the fruit's centre in the fruit's own frame: z is the polar axis,
// toward the crown. Unit length.
struct SurfaceDirection {
  double x = 0, y = 0, z = 1;
};

// One skin defect. Its outline is drawn on the plane tangent to the fruit at `at` and laid
// onto the skin along the normal there; area_mm2 is the area on the skin itself.
struct DefectTruth {
  core::DefectKind kind = core::DefectKind::bruise;
  double area_mm2 = 0;        // true area on the fruit's surface
  SurfaceDirection at;        // centre
  double length_mm = 0;       // long axis, on the tangent plane
  double width_mm = 0;        // short axis (a crack's width)
  double orientation_deg = 0; // of the long axis from the local tangent (see docs)
  double bend_per_mm = 0;     // curvature of a crack's centre line
  std::array<double, 3> wobble{};        // outline irregularity, harmonics 2, 3, 4
  std::array<double, 3> wobble_phase{};  // radians
  double soft_edge_mm = 0;    // width of the blurred rim; the outline is at its half level
  bool halo = false;          // rot with a lighter rim (inside the outline, so in the area)
};

// A label stuck on the fruit. Not a defect: the grader must not count it.
struct StickerTruth {
  bool present = false;
  SurfaceDirection at;
  double length_mm = 0, width_mm = 0;
  double orientation_deg = 0;
  bool oval = false;          // else a rounded rectangle
  double area_mm2 = 0;
};

// What is really in a cup.
struct FruitTruth {
  int lane = 0;
  std::uint64_t cup = 0;
  bool present = false;
  // Shape: an oblate spheroid; minor_diameter_mm is the polar diameter.
  double diameter_mm = 0;        // true maximum equatorial diameter D
  double minor_diameter_mm = 0;  // true polar diameter d (<= D)
  double surface_mm2 = 0;        // spheroid surface
  double volume_cm3 = 0;         // spheroid volume, pi/6 D^2 d
  double density_g_per_cm3 = 0;
  double weight_g = 0;
  bool light_for_size = false;   // density below 0.85 g/cm3
  // Pose: the polar axis in view 0 before the roller turn, the spin about it, and the turn.
  SurfaceDirection axis;         // camera axes: x right, y down (image rows), z to the camera
  double spin_deg = 0;
  double phase_deg = 0;          // roller turn of view 0; view k adds k * 360 / views
  int views = 1;
  double offset_x_mm = 0;        // fruit centre from the cup's (frame's) centre, x right
  double offset_y_mm = 0;        // y down, as image rows
  // Skin.
  double hue_deg = 0;            // base red, 350..12
  double saturation = 0;         // 0..1
  double value = 0;              // 0..1, brightness of the lit skin before gain
  double under_colour_share = 0; // share of the skin drawn yellow-pink
  double under_colour_level = 0; // drawing: level of the under-colour field where it starts
  double colour_share = 0;       // share of the skin (crown, sticker, defects excluded) red
  double mottling = 1;           // strength of the skin's mottling (0 none, 1 natural)
  // Crown (calyx) at the +z pole: not a defect.
  bool calyx = false;
  double calyx_diameter_mm = 0;  // across the sepal tips
  double calyx_length_mm = 0;    // how far it stands off the skin
  int calyx_sepals = 0;
  // Defects and sticker.
  std::vector<DefectTruth> defects;
  double defect_mm2 = 0;         // sum of true surface areas
  double defect_share = 0;       // defect_mm2 / surface_mm2
  double largest_defect_mm2 = 0;
  core::DefectKinds defect_kinds = 0;
  StickerTruth sticker;
  // Scene of this cup's frames.
  double gain = 1;
  double gradient = 0;           // relative brightness change across the frame
  double gradient_angle_deg = 0;
  double tint = 0;               // >0 warm (red up, blue down)
  bool belt = false;
  bool dirt = false;
  double softness_px = 0;        // 0: sharp
  double blur_px = 0;            // motion blur length, 0: none
  // Doubt: what a grader should say about the cup.
  bool touches_edge = false;
  bool doubled = false;          // two fruit in one cup
  bool overexposed = false;
  bool underexposed = false;
  core::Doubt doubt = core::Doubt::none;
  double second_diameter_mm = 0; // the other fruit when doubled
  double second_offset_x_mm = 0;
  double second_offset_y_mm = 0;
  std::uint64_t render_seed = 0; // textures, dirt, noise
};

// One defect in one view.
struct DefectView {
  bool visible = false;
  double visible_mm2 = 0;          // projected area on the image plane, mm²
  double visible_surface_mm2 = 0;  // area on the skin of the part facing the camera
  double x_px = 0, y_px = 0;       // centre of the visible part, frame pixels
};

// What one view shows. Pixel coordinates are those of the single-lane frame (pixel centres
// at integer coordinates); in a multi-lane frame add the lane's ROI origin.
struct ViewTruth {
  int view = 0;
  double turn_deg = 0;             // roller turn of this view
  double centre_x_px = 0, centre_y_px = 0;
  double diameter_mm = 0;          // projected outline's major axis (= D)
  double minor_diameter_mm = 0;    // projected outline's minor axis (d..D)
  double outline_angle_deg = 0;    // of the major axis, from x toward y (image rows)
  std::vector<DefectView> defects; // parallel to FruitTruth::defects
  double visible_defect_mm2 = 0;   // sum of DefectView::visible_mm2
  double visible_surface_defect_mm2 = 0;
  double colour_share = 0;         // of the visible skin, weighted by projected area
  bool calyx_visible = false;      // seen inside the outline or standing out of it
  bool calyx_facing = false;       // seen end-on: a dark star inside the outline
  double calyx_x_px = 0, calyx_y_px = 0;  // projected centre of the crown
  bool sticker_visible = false;
  double sticker_x_px = 0, sticker_y_px = 0;
};

// Surface of a spheroid with equatorial diameter `equatorial_mm` and polar `polar_mm`
// (oblate or prolate), mm².
double spheroid_surface_mm2(double equatorial_mm, double polar_mm);

// The truth as a grader's record: what a perfect grader would report for the whole fruit
// (true size, weight, every defect's skin area, colour share; confidence 1, the truth's
// doubt). Empty cups give a zero measurement.
core::Measurement true_measurement(const FruitTruth& t);
// What a perfect grader could report from the truth's `views` views: as true_measurement,
// but counting only the skin of each defect that faces the camera, within ~70° of its axis,
// in at least one view (a one-view grader never sees the far side, and nobody measures a
// defect in the last few pixels of the rim), and the worst view's colour share.
core::Measurement seen_measurement(const FruitTruth& t);

class SyntheticCamera final : public CameraSource {
 public:
  explicit SyntheticCamera(const core::CameraConfig& camera, SyntheticScene scene = {});

  // A single-lane frame: width_px x height_px, or one lane's ROI (width_px / lanes_per_frame
  // wide) when lanes_per_frame > 1. Never fails.
  core::Result<Frame> capture(int lane, std::uint64_t cup, int view,
                              core::SteadyTime now) override;
  FruitTruth truth_for(int lane, std::uint64_t cup) const;
  ViewTruth view_truth(const FruitTruth& truth, int view) const;
  // View `view` of the cup `truth` describes, as capture() would give it.
  Image render(const FruitTruth& truth, int view) const;
  // One full-width frame of width_px x height_px holding truths.size() lanes side by side:
  // lane i's ROI spans [i * width_px / n, (i + 1) * width_px / n), as split_lanes cuts it
  // (truths from a camera whose lanes_per_frame is n; keep width_px a multiple of n, else
  // some ROIs are a pixel wider than lane_width_px() and their truth half a pixel off).
  Image render_lanes(std::span<const FruitTruth> truths, int view) const;

  const core::CameraConfig& camera() const { return camera_; }
  const SyntheticScene& scene() const { return scene_; }
  int lane_width_px() const;  // width of one lane's ROI

 private:
  core::CameraConfig camera_;
  SyntheticScene scene_;
};

}  // namespace coldsort::vision
