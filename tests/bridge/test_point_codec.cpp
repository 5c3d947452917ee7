#include <modbus/modbus.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <vector>

#include "catch_result.hpp"
#include "coldsort/bridge/modbus_errors.hpp"
#include "coldsort/bridge/point_codec.hpp"

using namespace coldsort;
using bridge::decode_raw;
using bridge::decode_value;
using bridge::decode_values;
using bridge::encode_value;
using bridge::encode_values;
using core::RegisterPoint;
using core::ValueType;
using core::WordOrder;

namespace {

RegisterPoint point(ValueType type, double scale = 1.0, WordOrder order = WordOrder::high_first) {
  RegisterPoint p;
  p.name = "p";
  p.type = type;
  p.scale = scale;
  p.word_order = order;
  return p;
}

std::vector<std::uint16_t> encode(const RegisterPoint& p, double value) {
  std::vector<std::uint16_t> words(static_cast<std::size_t>(p.words_per_value()), 0xDEAD);
  auto ok = encode_value(p, value, words);
  REQUIRE(ok);
  return words;
}

}  // namespace

TEST_CASE("u16 and s16 values travel as one word, s16 in two's complement", "[unit]") {
  CHECK(encode(point(ValueType::u16), 65535) == std::vector<std::uint16_t>{0xFFFF});
  CHECK(encode(point(ValueType::s16), -1) == std::vector<std::uint16_t>{0xFFFF});
  CHECK(encode(point(ValueType::s16), -32768) == std::vector<std::uint16_t>{0x8000});
  const std::vector<std::uint16_t> word{0xFFFF};
  CHECK(decode_value(point(ValueType::u16), word).value() == 65535);
  CHECK(decode_value(point(ValueType::s16), word).value() == -1);
}

TEST_CASE("32-bit values honour the configured word order", "[unit]") {
  const auto high = point(ValueType::u32, 1.0, WordOrder::high_first);
  const auto low = point(ValueType::u32, 1.0, WordOrder::low_first);
  CHECK(encode(high, 0x12345678) == std::vector<std::uint16_t>{0x1234, 0x5678});
  CHECK(encode(low, 0x12345678) == std::vector<std::uint16_t>{0x5678, 0x1234});
  const std::vector<std::uint16_t> words{0x0001, 0x0002};
  CHECK(decode_value(high, words).value() == 0x00010002);
  CHECK(decode_value(low, words).value() == 0x00020001);

  const auto s32 = point(ValueType::s32, 1.0, WordOrder::low_first);
  CHECK(encode(s32, -2) == std::vector<std::uint16_t>{0xFFFE, 0xFFFF});
  CHECK(decode_value(s32, encode(s32, -123456)).value() == -123456);
}

TEST_CASE("f32 values are IEEE 754 single precision in either word order", "[unit]") {
  for (auto order : {WordOrder::high_first, WordOrder::low_first}) {
    const auto p = point(ValueType::f32, 1.0, order);
    const auto words = encode(p, 1.5);  // 0x3FC00000
    CHECK(words == (order == WordOrder::high_first ? std::vector<std::uint16_t>{0x3FC0, 0x0000}
                                                   : std::vector<std::uint16_t>{0x0000, 0x3FC0}));
    CHECK(decode_value(p, encode(p, -273.15)).value() == Approx(-273.15).epsilon(1e-6));
  }
  const auto f = point(ValueType::f32);
  const std::vector<std::uint16_t> nan{0x7FC0, 0x0000};
  CHECK(decode_value(f, nan).error() == core::errc::bad_register_value);
  CHECK(std::isnan(decode_raw(f, nan)));
}

TEST_CASE("scale converts between raw steps and engineering units", "[unit]") {
  const auto temp = point(ValueType::s16, 0.1);
  CHECK(encode(temp, -18.5) == std::vector<std::uint16_t>{static_cast<std::uint16_t>(-185)});
  CHECK(encode(temp, 6.04) == std::vector<std::uint16_t>{60});  // rounded to the 0.1 step
  const std::vector<std::uint16_t> raw{static_cast<std::uint16_t>(-42)};
  CHECK(decode_value(temp, raw).value() == Approx(-4.2));
  CHECK(decode_raw(temp, raw) == -42);
}

TEST_CASE("values outside the configured range or the type are bad_register_value", "[unit]") {
  auto speed = point(ValueType::u16, 0.01);
  speed.min = 0;
  speed.max = 30;
  std::vector<std::uint16_t> out{7};
  CHECK(encode_value(speed, 30.01, out).error() == core::errc::bad_register_value);
  CHECK(encode_value(speed, -0.5, out).error() == core::errc::bad_register_value);
  CHECK(out[0] == 7);                   // untouched on error
  CHECK(encode_value(speed, 30, out));  // the limit itself passes despite 0.01 not being exact
  CHECK(out[0] == 3000);
  const std::vector<std::uint16_t> too_fast{3001};
  CHECK(decode_value(speed, too_fast).error() == core::errc::bad_register_value);

  CHECK(encode_value(point(ValueType::u16), 65536, out).error() == core::errc::bad_register_value);
  CHECK(encode_value(point(ValueType::u16), -1, out).error() == core::errc::bad_register_value);
  CHECK(encode_value(point(ValueType::s16), 32768, out).error() == core::errc::bad_register_value);
  CHECK(encode_value(point(ValueType::boolean), 2, out).error() == core::errc::bad_register_value);
  std::vector<std::uint16_t> two(2);
  CHECK(encode_value(point(ValueType::u32), 4294967296.0, two).error() ==
        core::errc::bad_register_value);
  CHECK(encode_value(point(ValueType::f32), 1e39, two).error() == core::errc::bad_register_value);
}

TEST_CASE("array elements sit at address + i * words_per_value", "[unit]") {
  auto counters = point(ValueType::u32);
  counters.count = 3;
  CHECK(bridge::element_offset(counters, 2) == 4);
  const std::vector<double> values{1, 70000, 3};
  auto words = encode_values(counters, values);
  REQUIRE(words);
  CHECK(*words == std::vector<std::uint16_t>{0, 1, 0x0001, 0x1170, 0, 3});
  CHECK(decode_values(counters, *words).value() == values);
  CHECK(decode_value(counters, std::span(*words).subspan(2)).value() == 70000);

  auto limited = counters;
  limited.max = 10;
  CHECK(decode_values(limited, *words).error() == core::errc::bad_register_value);
  CHECK_THROWS_AS(encode_values(counters, std::vector<double>{1, 2}), std::invalid_argument);
  CHECK_THROWS_AS(decode_values(counters, std::span(*words).first(5)), std::invalid_argument);
}

TEST_CASE("libmodbus errors map into the coldsort error space", "[unit]") {
  using core::errc;
  CHECK(bridge::errc_from_modbus_errno(EMBXILFUN) == errc::modbus_exception);
  CHECK(bridge::errc_from_modbus_errno(EMBXILADD) == errc::modbus_exception);
  CHECK(bridge::errc_from_modbus_errno(EMBXGTAR) == errc::modbus_exception);
  CHECK(bridge::errc_from_modbus_errno(EMBBADCRC) == errc::crc_error);
  CHECK(bridge::errc_from_modbus_errno(EMBBADSLAVE) == errc::crc_error);
  CHECK(bridge::errc_from_modbus_errno(ETIMEDOUT) == errc::timeout);
  CHECK(bridge::errc_from_modbus_errno(ECONNREFUSED) == errc::link_down);
  CHECK(bridge::errc_from_modbus_errno(ECONNRESET) == errc::link_down);
  CHECK(bridge::errc_from_modbus_errno(EPIPE) == errc::link_down);
  CHECK(bridge::errc_from_modbus_errno(ENOENT) == errc::link_down);
  CHECK(bridge::errc_from_modbus_errno(ENOMEM) == errc::io_error);
}
