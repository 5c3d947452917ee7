#pragma once
// Camera and weight calibration: the scale at the belt (px/mm) from a printed chessboard or a
// disc of known diameter, lens distortion from OpenCV's camera calibration, and the weight
// model (weight from volume) fitted from weighed fruit. `coldsort calibrate` drives these and
// writes the results into the config's `camera` object; see docs/calibration.md.
// Failures are values: each result carries `error`, a sentence for the operator, empty when
// the calibration succeeded.
// Thread safety: free functions with no shared state; Undistorter is immutable after
// construction and apply() may run on many threads at once.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "coldsort/core/config.hpp"
#include "coldsort/vision/frame.hpp"
#include "coldsort/vision/grader.hpp"

namespace coldsort::vision {

// One calibration image and the name it is reported by (usually its file name).
struct NamedImage {
  std::string name;
  Image image;
};

struct ChessboardOptions {
  int pattern_cols = 9;       // inner corners along a row of the board (squares across - 1)
  int pattern_rows = 6;       // inner corners along a column
  double square_mm = 25;      // printed square side, measured on the print
  std::size_t belt_view = 0;  // which image shows the board lying flat on the belt/rollers
  // A lens from an earlier calibration, used to undistort the belt view when this run has
  // too few views to fit its own. Ignored when absent or taken at another frame size.
  core::LensCalibration known_lens;
};

// What became of one image.
struct ChessboardView {
  std::string name;
  bool board_found = false;
  std::string problem;             // why the image was not used ("" when it was)
  double reprojection_rms_px = 0;  // of this view under the fitted lens (0 when no lens)
};

struct ChessboardCalibration {
  std::string error;                  // "" on success
  std::vector<ChessboardView> views;  // every image, in input order
  int views_used = 0;
  // Mean spacing of adjacent inner corners in the belt view, undistorted when a lens is
  // known, divided by the square size.
  double px_per_mm = 0;
  // How much the corner spacing differs between opposite edges of the board in the belt
  // view, as a share of the mean: ~0 when the camera looks square onto the belt.
  double scale_gradient = 0;
  bool lens_undistorted_belt_view = false;  // px/mm came from undistorted corners
  core::LensCalibration lens;               // present when at least kMinLensViews views were usable
  bool ok() const { return error.empty(); }
};

// OpenCV needs several views of the board at different tilts to separate focal length from
// distortion; three is its minimum, 10-20 are better.
inline constexpr int kMinLensViews = 3;

// Finds the inner corners (findChessboardCorners, refined by cornerSubPix) in every image;
// fits the lens (camera matrix, k1 k2 p1 p2 k3, RMS reprojection error) when at least
// kMinLensViews views of one frame size were found; px/mm from the belt view. Fails when the
// board is not found in the belt view or the options are impossible. Images where the board
// was not found are listed in `views` with the reason.
ChessboardCalibration calibrate_from_chessboard(std::span<const NamedImage> images,
                                                const ChessboardOptions& options);
ChessboardCalibration calibrate_from_chessboard(std::span<const NamedImage> images,
                                                int pattern_cols, int pattern_rows,
                                                double square_mm);

struct DiscCalibration {
  std::string error;     // "" on success
  double px_per_mm = 0;  // mean of the ellipse axes / disc diameter
  double major_px = 0;   // fitted ellipse, full axis lengths, sub-pixel edge
  double minor_px = 0;
  double roundness = 0;  // minor / major: 1 when the camera looks square onto the disc
  PointPx centre;
  bool dark_disc = false;  // a dark disc on a light ground (else bright on dark)
  bool ok() const { return error.empty(); }
};

// A disc of known diameter lying on the belt, bright on a dark ground or dark on a light
// one. Fails when no round, whole (not cut by the image edge) disc is found.
DiscCalibration calibrate_from_disc(const Image& image, double disc_diameter_mm);

// Volume of the spheroid a fruit is modelled as, in cm³: pi/6 * D^2 * d with D the
// maximum (equatorial) diameter and d the minor one, as vision's measurement computes it.
double spheroid_volume_cm3(double diameter_mm, double minor_mm);

// One weighed fruit: either its volume or its two diameters, and its weight on a scale.
struct WeightSample {
  double volume_cm3 = 0;   // used when > 0
  double diameter_mm = 0;  // else the volume is spheroid_volume_cm3(diameter_mm, minor_mm)
  double minor_mm = 0;
  double weight_g = 0;
  double volume() const;
};

struct WeightFit {
  std::string error;  // "" on success
  core::WeightModel model;
  bool through_origin = false;  // density only (offset 0): see `note`
  std::string note;             // why the fit went through the origin, for the operator
  bool ok() const { return error.empty(); }
};

// The least weighed fruit a weight model may be fitted from.
inline constexpr int kMinWeightSamples = 3;

// Least squares weight_g = g_per_cm3 * volume + offset_g, with the RMS error of the fit.
// Goes through the origin (density only) when the volumes do not spread enough to separate
// slope from offset (fewer than 2 distinct volumes, or a slope no fruit has). Fails with
// fewer than kMinWeightSamples samples, or a non-positive volume or weight.
WeightFit fit_weight_model(std::span<const WeightSample> samples);

// Removes lens distortion from frames, with maps computed once at construction.
// Thread safety: immutable after construction; apply() may run on many threads at once.
class Undistorter {
 public:
  // An absent lens gives a pass-through undistorter. Throws std::invalid_argument for a
  // lens that is present but malformed (config validation rules that out).
  explicit Undistorter(const core::LensCalibration& lens);
  ~Undistorter();
  Undistorter(const Undistorter&) = default;
  Undistorter& operator=(const Undistorter&) = default;

  bool active() const { return maps_ != nullptr; }
  // The image with the distortion removed, same size and the same scale at the image
  // centre. A frame of another size than the calibration's is taken to show the same field
  // of view (binning), and is corrected with the camera matrix scaled to it, slowly (maps
  // computed per call). Returns the input unchanged when not active.
  Image apply(const Image& image) const;

  struct Maps;  // defined in vision/src (OpenCV remap tables)

 private:
  core::LensCalibration lens_;
  std::shared_ptr<const Maps> maps_;
};

}  // namespace coldsort::vision
