#include "coldsort/core/error.hpp"

namespace coldsort::core {
namespace {

// Boost declares error_category with a protected non-virtual destructor by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "coldsort"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::ok: return "success";
      case errc::timeout: return "device did not answer in time";
      case errc::link_down: return "link is down";
      case errc::crc_error: return "damaged frame (CRC error)";
      case errc::modbus_exception: return "device answered with a Modbus exception";
      case errc::bad_register_value: return "register value outside its valid range";
      case errc::camera_drop: return "camera frame lost or incomplete";
      case errc::no_fruit: return "no fruit in the cup";
      case errc::low_confidence: return "measurement not trusted";
      case errc::store_busy: return "database busy";
      case errc::store_io: return "database I/O failure";
      case errc::bad_request: return "bad request";
      case errc::config_invalid: return "invalid configuration";
      case errc::not_found: return "not found";
      case errc::address_in_use: return "address already in use";
      case errc::io_error: return "I/O error";
    }
    return "unknown coldsort error";
  }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace coldsort::core
