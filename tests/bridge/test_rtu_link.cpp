// ModbusFieldBus over RTU, on a pseudo-terminal pair: the bus opens the pty's slave side as
// its serial port; a tiny libmodbus RTU responder in this test serves the master side.
#include <fcntl.h>
#include <modbus/modbus.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <thread>

#include "catch_result.hpp"
#include "coldsort/bridge/field_bus.hpp"

using namespace coldsort;
using core::RegisterTable;

namespace {

// Reading this input register makes the responder answer with a damaged CRC.
constexpr int bad_crc_address = 99;

class RtuResponder {
 public:
  explicit RtuResponder(int unit_id) : unit_id_(unit_id) {
    master_fd_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    REQUIRE(master_fd_ != -1);
    REQUIRE(::grantpt(master_fd_) == 0);
    REQUIRE(::unlockpt(master_fd_) == 0);
    slave_path_ = ::ptsname(master_fd_);
    // Hold the slave side open in raw mode so the master never sees a hang-up before the bus
    // opens it (a pty master polls as POLLHUP while no slave is open).
    keep_slave_fd_ = ::open(slave_path_.c_str(), O_RDWR | O_NOCTTY);
    REQUIRE(keep_slave_fd_ != -1);
    termios raw{};
    REQUIRE(::tcgetattr(keep_slave_fd_, &raw) == 0);
    ::cfmakeraw(&raw);
    REQUIRE(::tcsetattr(keep_slave_fd_, TCSANOW, &raw) == 0);

    REQUIRE(new_context());
    mapping_ = modbus_mapping_new(8, 0, 200, 200);
    REQUIRE(mapping_ != nullptr);
    for (int i = 0; i < 200; ++i)
      mapping_->tab_input_registers[i] = static_cast<std::uint16_t>(i * 3);
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
    REQUIRE(stop_fd_ != -1);
    thread_ = std::thread([this] { run(); });
  }

  ~RtuResponder() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
    modbus_set_socket(ctx_, -1);
    modbus_free(ctx_);
    modbus_mapping_free(mapping_);
    ::close(stop_fd_);
    ::close(keep_slave_fd_);
    ::close(master_fd_);
  }

  RtuResponder(const RtuResponder&) = delete;
  RtuResponder& operator=(const RtuResponder&) = delete;

  const std::string& serial_device() const { return slave_path_; }

 private:
  void run() {
    std::uint8_t req[MODBUS_RTU_MAX_ADU_LENGTH];
    for (;;) {
      pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {master_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) == -1 || fds[0].revents != 0) return;
      const int len = modbus_receive(ctx_, req);
      if (len == 0) {
        // Another unit's request. libmodbus 3.1.6 then swallows the next frame as that
        // unit's answer; here the other unit is silent, so start afresh instead.
        modbus_set_socket(ctx_, -1);
        modbus_free(ctx_);
        if (!new_context()) return;
        continue;
      }
      if (len < 0) continue;  // noise
      const int address = (req[2] << 8) | req[3];
      if (req[1] == 0x04 && address == bad_crc_address) {
        // A one-register answer whose CRC (last two bytes) is wrong.
        const std::uint8_t damaged[] = {req[0], 0x04, 0x02, 0x00, 0x01, 0x00, 0x00};
        [[maybe_unused]] auto n = ::write(master_fd_, damaged, sizeof damaged);
        continue;
      }
      modbus_reply(ctx_, req, len, mapping_);
    }
  }

  // An RTU context that is never connected: it reads and writes the pty master directly.
  bool new_context() {
    ctx_ = modbus_new_rtu(slave_path_.c_str(), 9600, 'N', 8, 1);
    if (ctx_ == nullptr) return false;
    modbus_set_slave(ctx_, unit_id_);
    modbus_set_socket(ctx_, master_fd_);
    return true;
  }

  int unit_id_;
  int master_fd_ = -1;
  int keep_slave_fd_ = -1;
  int stop_fd_ = -1;
  std::string slave_path_;
  modbus_t* ctx_ = nullptr;
  modbus_mapping_t* mapping_ = nullptr;
  std::thread thread_;
};

core::LinkConfig rtu_link(const std::string& device) {
  core::LinkConfig link;
  link.id = "rs485";
  link.type = core::LinkType::rtu;
  link.serial_device = device;
  link.baud = 19200;
  link.parity = 'E';
  link.response_timeout_ms = 100;
  return link;
}

}  // namespace

TEST_CASE("RTU: reads and writes reach the addressed unit over a serial line", "[integration]") {
  RtuResponder responder(7);
  auto bus = bridge::make_modbus_bus(rtu_link(responder.serial_device()));
  REQUIRE(bus->connect());
  auto words = bus->read(7, RegisterTable::input_register, 10, 3);
  REQUIRE(words);
  CHECK(*words == std::vector<std::uint16_t>{30, 33, 36});
  // 200 registers take two requests (125 + 75).
  auto many = bus->read(7, RegisterTable::input_register, 0, 200);
  REQUIRE(many);
  CHECK(many->at(199) == 597);
  const std::vector<std::uint16_t> coils{1, 0, 1};
  REQUIRE(bus->write(7, RegisterTable::coil, 2, coils));
  CHECK(bus->read(7, RegisterTable::coil, 2, 3).value() == coils);
}

TEST_CASE("RTU: a damaged frame is a crc_error and the next request still works", "[integration]") {
  RtuResponder responder(7);
  auto bus = bridge::make_modbus_bus(rtu_link(responder.serial_device()));
  REQUIRE(bus->connect());
  auto damaged = bus->read(7, RegisterTable::input_register, bad_crc_address, 1);
  REQUIRE_FALSE(damaged);
  CHECK(damaged.error() == core::errc::crc_error);
  CHECK(bus->read(7, RegisterTable::input_register, 1, 1).value().at(0) == 3);
}

TEST_CASE("RTU: a unit that stays silent times out while others on the bus still answer",
          "[integration]") {
  RtuResponder responder(7);
  auto bus = bridge::make_modbus_bus(rtu_link(responder.serial_device()));
  REQUIRE(bus->connect());
  auto silent = bus->read(8, RegisterTable::input_register, 0, 1);
  REQUIRE_FALSE(silent);
  CHECK(silent.error() == core::errc::timeout);
  CHECK(bus->read(7, RegisterTable::input_register, 2, 1).value().at(0) == 6);
}

TEST_CASE("RTU: a serial device that does not exist is link_down", "[integration]") {
  auto bus = bridge::make_modbus_bus(rtu_link("/dev/coldsort-no-such-tty"));
  auto r = bus->connect();
  REQUIRE_FALSE(r);
  CHECK(r.error() == core::errc::link_down);
}
