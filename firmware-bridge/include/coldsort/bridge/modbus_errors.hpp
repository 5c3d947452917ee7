#pragma once
// The one place where libmodbus failures become coldsort error codes.
// Thread safety: a pure function.
#include "coldsort/core/error.hpp"

namespace coldsort::bridge {

// Maps an errno value as libmodbus leaves it after a failed call:
//   Modbus exception responses (EMBXILFUN .. EMBXGTAR)  -> modbus_exception
//   damaged or mismatched frames (EMBBADCRC, EMBBADDATA, EMBBADEXC, EMBUNKEXC, EMBMDATA,
//   EMBBADSLAVE)                                         -> crc_error
//   ETIMEDOUT                                            -> timeout
//   refused / reset / broken pipe / no such device ...   -> link_down
//   anything else                                        -> io_error
core::errc errc_from_modbus_errno(int errno_value);

}  // namespace coldsort::bridge
