#pragma once
// A FieldBus over plain memory: one unit, 65536 words per table. Records every request so
// tests can count round trips, and can fail the Nth request to sweep error paths.
#include <array>
#include <cstdint>
#include <vector>

#include "coldsort/bridge/field_bus.hpp"

namespace coldsort::test {

class MemoryBus final : public bridge::FieldBus {
 public:
  struct Request {
    bool write = false;
    core::RegisterTable table = core::RegisterTable::holding_register;
    std::uint16_t address = 0;
    std::size_t count = 0;
  };

  core::Result<void> connect() override {
    ++connect_calls;
    if (refuse_connects > 0) {
      --refuse_connects;
      return core::errc::link_down;
    }
    connected_ = true;
    return {};
  }
  void close() override { connected_ = false; }
  bool is_connected() const override { return connected_; }

  core::Result<std::vector<std::uint16_t>> read(int, core::RegisterTable table,
                                                std::uint16_t address,
                                                std::uint16_t count) override {
    if (!connected_) return core::errc::link_down;
    requests.push_back({false, table, address, count});
    if (should_fail()) return failed();
    const auto& t = tables_[static_cast<std::size_t>(table)];
    return std::vector<std::uint16_t>(t.begin() + address, t.begin() + address + count);
  }

  core::Result<void> write(int, core::RegisterTable table, std::uint16_t address,
                           std::span<const std::uint16_t> values) override {
    if (!connected_) return core::errc::link_down;
    requests.push_back({true, table, address, values.size()});
    if (should_fail()) return failed();
    auto& t = tables_[static_cast<std::size_t>(table)];
    std::copy(values.begin(), values.end(), t.begin() + address);
    return {};
  }

  std::uint16_t& word(core::RegisterTable table, std::uint16_t address) {
    return tables_[static_cast<std::size_t>(table)][address];
  }

  std::vector<Request> requests;
  int fail_request = -1;  // index into `requests` of the first request that fails
  int fail_count = 1;     // how many requests in a row fail from there
  core::errc fail_with = core::errc::timeout;
  int exception_code = 4;  // reported when failing with modbus_exception
  int refuse_connects = 0;  // the next N connect() calls fail
  int connect_calls = 0;

  int last_exception_code() const override { return last_exception_; }

 private:
  bool should_fail() const {
    const int i = static_cast<int>(requests.size()) - 1;
    return fail_request >= 0 && i >= fail_request && i < fail_request + fail_count;
  }
  // Like the libmodbus bus: a link error closes the link.
  core::errc failed() {
    if (fail_with == core::errc::link_down || fail_with == core::errc::io_error) connected_ = false;
    last_exception_ = fail_with == core::errc::modbus_exception ? exception_code : 0;
    return fail_with;
  }

  int last_exception_ = 0;

  bool connected_ = true;
  std::array<std::vector<std::uint16_t>, 4> tables_{
      std::vector<std::uint16_t>(65536), std::vector<std::uint16_t>(65536),
      std::vector<std::uint16_t>(65536), std::vector<std::uint16_t>(65536)};
};

}  // namespace coldsort::test
