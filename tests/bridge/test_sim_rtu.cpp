// The simulator as Modbus RTU slaves on a serial line: a socat pty pair, the simulator on
// one end and the bridge's libmodbus RTU master on the other. socat runs as a child
// process, is waited for by reading its own log (no sleeps) and is stopped by pid.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>

#include "catch_result.hpp"
#include "coldsort/bridge/point_group.hpp"
#include "sim_fixture.hpp"
#include "temp_dir.hpp"

extern char** environ;

using namespace coldsort;
using namespace std::chrono_literals;
using bridge::SimFault;
using core::RegisterTable;

namespace {

// `socat -d -d pty,raw,echo=0,link=<dir>/a pty,raw,echo=0,link=<dir>/b`: two linked ptys.
class SocatPtyPair {
 public:
  explicit SocatPtyPair(const std::filesystem::path& dir) : a_(dir / "a"), b_(dir / "b") {
    int err[2];
    REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
    err_fd_ = err[0];
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    std::string arg_a = "pty,raw,echo=0,link=" + a_.string();
    std::string arg_b = "pty,raw,echo=0,link=" + b_.string();
    std::string name = "socat", debug = "-d";
    char* argv[] = {name.data(), debug.data(), debug.data(), arg_a.data(), arg_b.data(), nullptr};
    const int rc = ::posix_spawnp(&pid_, "socat", &actions, nullptr, argv, environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(err[1]);
    REQUIRE(rc == 0);
    REQUIRE(wait_until_ready());
    REQUIRE(std::filesystem::exists(a_));
    REQUIRE(std::filesystem::exists(b_));
  }
  ~SocatPtyPair() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(err_fd_);
  }
  SocatPtyPair(const SocatPtyPair&) = delete;
  SocatPtyPair& operator=(const SocatPtyPair&) = delete;

  std::string a() const { return a_.string(); }
  std::string b() const { return b_.string(); }

 private:
  // socat logs this notice once both ptys (and their links) exist. Bounded: 10 s.
  bool wait_until_ready() {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::string log;
    while (log.find("starting data transfer loop") == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{err_fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buffer[512];
      const auto n = ::read(err_fd_, buffer, sizeof buffer);
      if (n <= 0) return false;  // socat exited
      log.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
  }

  std::filesystem::path a_;
  std::filesystem::path b_;
  pid_t pid_ = -1;
  int err_fd_ = -1;
};

// The simulator on TCP (the fixture) and on RTU (end a of the pair); an RTU master on end b.
struct RtuFixture {
  test::TempDir dir;
  SocatPtyPair pair{dir.path()};
  test::SimFixture f;
  std::unique_ptr<bridge::FieldBus> rtu;

  RtuFixture() {
    REQUIRE(f.sim.start_rtu(pair.a(), 19200, 'E'));
    core::LinkConfig link;
    link.id = "rs485";
    link.type = core::LinkType::rtu;
    link.serial_device = pair.b();
    link.baud = 19200;
    link.parity = 'E';
    link.response_timeout_ms = 200;
    rtu = bridge::make_modbus_bus(link);
    REQUIRE(rtu->connect());
  }
};

}  // namespace

TEST_CASE("RTU over a socat pty pair reads the same registers as TCP", "[integration]") {
  RtuFixture x;
  x.f.advance(3s);
  for (const char* id : {"sorter", "cold-raw", "infeed-vfd", "packhall-th", "pack-scale"}) {
    const core::DeviceConfig& d = x.f.device(id);
    for (const core::RegisterPoint& p : d.map.points) {
      if (p.total_words() > 16) continue;  // the big tables are covered by the sorter tests
      INFO(id << "." << p.name);
      auto over_rtu =
          x.rtu->read(d.unit_id, p.table, p.address, static_cast<std::uint16_t>(p.total_words()));
      auto over_tcp =
          x.f.bus->read(d.unit_id, p.table, p.address, static_cast<std::uint16_t>(p.total_words()));
      REQUIRE(over_rtu);
      CHECK(over_rtu.value() == over_tcp.value());
    }
  }
  // A write over RTU is seen over TCP.
  const core::DeviceConfig& room = x.f.device("cold-staging");
  const auto& setpoint = *room.map.find("setpoint_c");
  REQUIRE(bridge::write_point(*x.rtu, room.unit_id, setpoint, 4.5));
  CHECK(bridge::read_point(*x.f.bus, room.unit_id, setpoint).value().at(0) == Approx(4.5));
}

TEST_CASE("RTU: damaged CRCs are crc_errors, then the line recovers", "[integration]") {
  RtuFixture x;
  const int th = x.f.device("packhall-th").unit_id;
  x.f.sim.inject(th, SimFault::corrupt_crc(2));
  // TCP has no CRC: its answers are unaffected and do not use the fault up.
  CHECK(x.f.bus->read(th, RegisterTable::input_register, 1, 2));
  for (int i = 0; i < 2; ++i) {
    auto damaged = x.rtu->read(th, RegisterTable::input_register, 1, 2);
    REQUIRE_FALSE(damaged);
    CHECK(damaged.error() == core::errc::crc_error);
  }
  CHECK(x.rtu->read(th, RegisterTable::input_register, 1, 2).value() ==
        x.f.bus->read(th, RegisterTable::input_register, 1, 2).value());
}

TEST_CASE("RTU: exceptions, silent units and dropped answers", "[integration]") {
  RtuFixture x;
  const int th = x.f.device("packhall-th").unit_id;
  x.f.sim.inject(th, SimFault::exception(6));
  CHECK(x.rtu->read(th, RegisterTable::input_register, 1, 1).error() ==
        core::errc::modbus_exception);
  // No such slave on the line: silence.
  CHECK(x.rtu->read(99, RegisterTable::input_register, 0, 1).error() == core::errc::timeout);
  // A serial line cannot be dropped: the answer just never comes.
  x.f.sim.inject(th, SimFault::drop_connection());
  CHECK(x.rtu->read(th, RegisterTable::input_register, 1, 1).error() == core::errc::timeout);
  CHECK(x.rtu->read(th, RegisterTable::input_register, 1, 1));
}
