#pragma once
#include <string>

namespace coldsort::core {

// Raw-fruit store before grading, or packed-parcel staging before the courier.
enum class ColdRoomRole { raw_store, parcel_staging };

struct ColdRoom {
  std::string id;
  std::string name;
  ColdRoomRole role = ColdRoomRole::raw_store;
  double setpoint_c = 5.0;
  double min_c = 3.0;  // compliance band: below is chilling injury risk
  double max_c = 8.0;  // above is an excursion
  std::string device;  // the cold-room controller device that reports it
};

}  // namespace coldsort::core
