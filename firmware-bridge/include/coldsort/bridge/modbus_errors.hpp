#pragma once
// The one place where libmodbus failures become coldsort error codes.
// Thread safety: a pure function.
#include <string>

#include "coldsort/core/error.hpp"
#include "coldsort/core/register_map.hpp"

namespace coldsort::bridge {

// Maps an errno value as libmodbus leaves it after a failed call:
//   Modbus exception responses (EMBXILFUN .. EMBXGTAR)  -> modbus_exception
//   damaged or mismatched frames (EMBBADCRC, EMBBADDATA, EMBBADEXC, EMBUNKEXC, EMBMDATA,
//   EMBBADSLAVE)                                         -> crc_error
//   ETIMEDOUT                                            -> timeout
//   refused / reset / broken pipe / no such device ...   -> link_down
//   anything else                                        -> io_error
core::errc errc_from_modbus_errno(int errno_value);

// The exception code (1..11) an exception errno carries, or 0 for any other errno. libmodbus
// 3.1.6 passes codes 1..11 on as MODBUS_ENOBASE + code and reports any higher code as
// EMBBADEXC, without the code.
int modbus_exception_code(int errno_value);

// "exception 08 (parameter cannot be changed while running)": the raw code with what this
// device model means by it (its map's exception_codes), else the standard meaning.
std::string describe_exception(int code, const core::RegisterMap& map);

}  // namespace coldsort::bridge
