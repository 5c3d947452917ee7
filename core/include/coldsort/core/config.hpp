#pragma once
// The controller's configuration, parsed once into typed structs and validated as a whole:
// unknown keys, wrong types, out-of-range values and dangling references are all reported,
// each with its JSON path. See docs/config.md for every key.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "coldsort/core/cold_room.hpp"
#include "coldsort/core/grading_standard.hpp"
#include "coldsort/core/json_reader.hpp"
#include "coldsort/core/line.hpp"
#include "coldsort/core/people.hpp"
#include "coldsort/core/register_map.hpp"
#include "coldsort/core/scada_config.hpp"

namespace coldsort::core {

struct LineConfig {
  std::string id;
  std::string name;
  int lanes = 4;
  double cup_pitch_mm = 254;          // distance between cups on the chain
  double belt_speed_cups_per_s = 10;  // nominal; the PLC reports the real speed
  int outlet_table_slots = 64;        // ring of decisions per lane held in the PLC
  int decision_margin_cups = 2;       // a decision must reach the PLC this many cups early
  // Fail-safe, both ways: the PLC stops the belt when the controller's heartbeat has not
  // changed for watchdog_ms; the controller faults the line when the PLC's heartbeat has not
  // changed for plc_heartbeat_timeout_ms.
  int watchdog_ms = 2000;
  int heartbeat_period_ms = 100;
  int plc_heartbeat_timeout_ms = 1000;
};

// Lens distortion from OpenCV's camera calibration (`coldsort calibrate camera`): a pinhole
// camera matrix and distortion coefficients (k1 k2 p1 p2 [k3]). Absent: no undistortion.
struct LensCalibration {
  bool present = false;
  std::vector<double> camera_matrix;  // 3x3, row major
  std::vector<double> distortion;     // 4, 5, 8, 12 or 14 coefficients
  int image_width_px = 0;             // the frame size the calibration was taken at
  int image_height_px = 0;
  double rms_error_px = 0;            // reprojection error of the fit
};

// Weight from shape: weight_g = g_per_cm3 * volume_cm3 + offset_g, the coefficients fitted
// from weighed samples by `coldsort calibrate weight`. Pomegranates run ~0.9-1.0 g/cm3.
struct WeightModel {
  double g_per_cm3 = 0.92;
  double offset_g = 0;
  int samples = 0;  // how many weighed fruit the fit used; 0 = default, not fitted
  double rms_error_g = 0;
};

struct CameraConfig {
  std::string source = "synthetic";  // "synthetic" | "folder" | "video" | "aravis"
  double px_per_mm = 2.0;
  int width_px = 320;
  int height_px = 280;
  std::uint64_t seed = 1;
  double empty_cup_share = 0.05;  // synthetic: share of cups that carry no fruit
  std::string folder;             // folder source: images replayed in name order
  // video: a V4L2 device index ("0"), a video file, or an RTSP/HTTP URL;
  // aravis: the camera id as Aravis lists it ("" = the first camera found).
  std::string uri;
  int views_per_fruit = 1;   // rollers turn the fruit: K views per cup are merged
  int lanes_per_frame = 1;   // one full-width frame may hold several lanes side by side
  int frame_timeout_ms = 500;
  LensCalibration lens;
  WeightModel weight;
};

enum class LinkType { tcp, rtu };

struct LinkConfig {
  std::string id;
  LinkType type = LinkType::tcp;
  std::string host = "127.0.0.1";
  int port = 502;
  std::string serial_device;
  int baud = 9600;
  char parity = 'N';
  int data_bits = 8;
  int stop_bits = 1;
  int response_timeout_ms = 200;
  // Reconnect back-off after a link error: doubles from min to max.
  int reconnect_min_ms = 100;
  int reconnect_max_ms = 5000;
};

enum class DeviceKind { sorter_plc, vfd, cold_room, th_sensor, scale };

struct DeviceConfig {
  std::string id;
  DeviceKind kind = DeviceKind::sorter_plc;
  std::string link;
  int unit_id = 1;
  int poll_period_ms = 100;
  // Values not refreshed for this long are stale (default: 3 poll periods, at least 1 s).
  int stale_after_ms = 1000;
  RegisterMap map;
};

struct StoreConfig {
  std::string path = "var/coldsort.db";
  int batch_rows = 500;
  int batch_ms = 250;
  int max_pending = 500000;  // records held in memory while the disk refuses writes
  int sensor_raw_days = 7;   // raw sensor samples older than this fold into minutes; 0: never
};

struct HmiConfig {
  std::string bind = "127.0.0.1";
  int port = 8080;
  std::string language = "zh-CN";
  int push_period_ms = 1000;
};

struct SimulatorConfig {
  std::string link = "sim";  // the link whose address the simulator serves
  double ambient_c = 22;     // outside the cold rooms
};

struct Config {
  std::string file;  // where it was loaded from; relative paths resolve beside it
  LineConfig line;
  CameraConfig camera;
  GradingStandard grading;
  bool doubtful_to_reject = false;  // doubtful fruit to the reject outlet, not recirculation
  std::vector<Product> products;
  std::vector<Outlet> outlets;
  std::vector<Station> stations;
  std::vector<ColdRoom> cold_rooms;
  std::vector<Lot> lots;
  std::string current_lot;
  std::vector<LinkConfig> links;
  std::vector<DeviceConfig> devices;
  StoreConfig store;
  HmiConfig hmi;
  SimulatorConfig simulator;
  ScadaConfig scada;

  const Product* find_product(std::string_view id) const;
  const Outlet* find_outlet(std::string_view id) const;
  const LinkConfig* find_link(std::string_view id) const;
  const DeviceConfig* find_device(std::string_view id) const;
  const DeviceConfig* first_device(DeviceKind kind) const;
  // The outlet of the given kind; validation guarantees one reject and one recirculation.
  const Outlet& outlet_of_kind(OutletKind kind) const;
};

struct LoadedConfig {
  std::optional<Config> config;  // set only when there are no errors
  ConfigErrors errors;
};

LoadedConfig load_config(const std::string& file);
// Parses from text; relative paths resolve against `base_dir`.
LoadedConfig load_config_text(std::string_view text, const std::string& base_dir,
                              const std::string& name = "<config>");

std::string_view to_string(DeviceKind kind);

}  // namespace coldsort::core
