#include "coldsort/bridge/modbus_errors.hpp"

#include <modbus/modbus.h>

#include <cerrno>
#include <cstdio>

namespace coldsort::bridge {

core::errc errc_from_modbus_errno(int errno_value) {
  // libmodbus reports an exception response as MODBUS_ENOBASE + exception code; codes 0x01 to
  // 0x0B are defined by Modbus Application Protocol v1.1b3 §7.
  if (errno_value >= EMBXILFUN && errno_value <= EMBXGTAR) return core::errc::modbus_exception;
  switch (errno_value) {
    case EMBBADCRC:
    case EMBBADDATA:
    case EMBBADEXC:
    case EMBUNKEXC:
    case EMBMDATA:
    case EMBBADSLAVE:
      return core::errc::crc_error;
    case ETIMEDOUT:
      return core::errc::timeout;
    case ECONNREFUSED:
    case ECONNRESET:
    case ECONNABORTED:
    case EPIPE:
    case ENOTCONN:
    case EBADF:
    case ENOENT:
    case ENODEV:
    case ENXIO:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case ENETDOWN:
      return core::errc::link_down;
    default:
      return core::errc::io_error;
  }
}

int modbus_exception_code(int errno_value) {
  if (errno_value >= EMBXILFUN && errno_value <= EMBXGTAR) return errno_value - MODBUS_ENOBASE;
  return 0;
}

std::string describe_exception(int code, const core::RegisterMap& map) {
  // Standard meanings: Modbus Application Protocol v1.1b3 §7.
  static const char* const standard[] = {"",
                                         "illegal function",
                                         "illegal data address",
                                         "illegal data value",
                                         "server device failure",
                                         "acknowledge",
                                         "server device busy",
                                         "negative acknowledge",
                                         "memory parity error",
                                         "not defined",
                                         "gateway path unavailable",
                                         "gateway target device failed to respond"};
  char raw[16];
  std::snprintf(raw, sizeof raw, "%02d", code);
  std::string text = std::string("exception ") + raw;
  if (auto it = map.exception_codes.find(code); it != map.exception_codes.end())
    return text + " (" + map.model + ": " + it->second + ")";
  if (code >= 1 && code <= 11) return text + " (" + standard[code] + ")";
  return text;
}

}  // namespace coldsort::bridge
