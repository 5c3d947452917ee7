#pragma once
// The factories make_camera dispatches to, one per source file. Each opens its source and on
// failure returns the error code with the reason (naming the URI or camera) in `why`.
#include <memory>
#include <string>

#include "coldsort/vision/camera_source.hpp"

namespace coldsort::vision {

// video_camera.cpp: OpenCV VideoCapture (V4L2 device index, video file, RTSP/HTTP URL).
core::Result<std::unique_ptr<CameraSource>> make_video_camera(const core::CameraConfig& camera,
                                                              std::string& why);

// aravis_camera.cpp: GigE Vision / USB3 Vision through Aravis 0.8; config_invalid and
// "built without Aravis" when the build did not find it.
core::Result<std::unique_ptr<CameraSource>> make_aravis_camera(const core::CameraConfig& camera,
                                                               std::string& why);

}  // namespace coldsort::vision
