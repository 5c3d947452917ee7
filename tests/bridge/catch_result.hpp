#pragma once
// Lets Catch2 print a core::Result in a failed assertion ("value: ..." or "error: ...").
// boost::system's own operator<< needs the value to be printable, which vectors are not.
#include <catch2/catch.hpp>
#include <string>
#include <type_traits>

#include "coldsort/core/error.hpp"

namespace Catch {

template <class T>
struct StringMaker<boost::system::result<T, boost::system::error_code>> {
  static std::string convert(const boost::system::result<T, boost::system::error_code>& r) {
    if (!r) return "error: " + r.error().message();
    if constexpr (std::is_void_v<T>) {
      return "ok";
    } else {
      return "value: " + Catch::Detail::stringify(*r);
    }
  }
};

}  // namespace Catch
