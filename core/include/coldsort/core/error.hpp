#pragma once
// The coldsort error space: every expected failure (device timeout, Modbus exception,
// camera drop, SQLITE_BUSY, bad request, ...) is a value in this one category, so that
// callers can test `ec == errc::timeout` whatever module produced it.
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <type_traits>

namespace coldsort::core {

enum class errc {
  ok = 0,
  timeout,            // a device or peer did not answer in time
  link_down,          // the link (socket, serial port) is closed or cannot be opened
  crc_error,          // a frame arrived damaged
  modbus_exception,   // the device answered with a Modbus exception code
  bad_register_value, // a register value outside its configured valid range
  camera_drop,        // a frame was lost or incomplete
  no_fruit,           // the cup was empty
  low_confidence,     // a measurement exists but cannot be trusted
  store_busy,         // SQLITE_BUSY and friends: retry later
  store_io,           // disk full, read-only disk, I/O error
  bad_request,        // a malformed HTTP/API request
  config_invalid,     // a config file failed validation
  not_found,          // a named thing does not exist
  address_in_use,     // a listening port is taken
  io_error,           // any other operating-system I/O failure
};

const boost::system::error_category& error_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

template <class T>
using Result = boost::system::result<T>;

}  // namespace coldsort::core

namespace boost::system {
template <>
struct is_error_code_enum<coldsort::core::errc> : std::true_type {};
}  // namespace boost::system
