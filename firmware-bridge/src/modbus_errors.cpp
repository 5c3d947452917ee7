#include "coldsort/bridge/modbus_errors.hpp"

#include <modbus/modbus.h>

#include <cerrno>

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

}  // namespace coldsort::bridge
