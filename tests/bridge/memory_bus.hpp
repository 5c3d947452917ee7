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
    connected_ = true;
    return {};
  }
  void close() override { connected_ = false; }
  bool is_connected() const override { return connected_; }

  core::Result<std::vector<std::uint16_t>> read(int, core::RegisterTable table,
                                                std::uint16_t address,
                                                std::uint16_t count) override {
    requests.push_back({false, table, address, count});
    if (should_fail()) return fail_with;
    const auto& t = tables_[static_cast<std::size_t>(table)];
    return std::vector<std::uint16_t>(t.begin() + address, t.begin() + address + count);
  }

  core::Result<void> write(int, core::RegisterTable table, std::uint16_t address,
                           std::span<const std::uint16_t> values) override {
    requests.push_back({true, table, address, values.size()});
    if (should_fail()) return fail_with;
    auto& t = tables_[static_cast<std::size_t>(table)];
    std::copy(values.begin(), values.end(), t.begin() + address);
    return {};
  }

  std::uint16_t& word(core::RegisterTable table, std::uint16_t address) {
    return tables_[static_cast<std::size_t>(table)][address];
  }

  std::vector<Request> requests;
  int fail_request = -1;  // index into `requests` of the request that fails
  core::errc fail_with = core::errc::timeout;

 private:
  bool should_fail() const { return static_cast<int>(requests.size()) - 1 == fail_request; }

  bool connected_ = true;
  std::array<std::vector<std::uint16_t>, 4> tables_{
      std::vector<std::uint16_t>(65536), std::vector<std::uint16_t>(65536),
      std::vector<std::uint16_t>(65536), std::vector<std::uint16_t>(65536)};
};

}  // namespace coldsort::test
