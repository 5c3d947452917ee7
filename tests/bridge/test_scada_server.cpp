// The SCADA Modbus TCP server, served on 127.0.0.1 (port 0) and read by real clients: the
// mbpoll program, libmodbus, and raw sockets for the connection rules.
#include <arpa/inet.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <map>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>

#include "catch_result.hpp"
#include "coldsort/bridge/scada_server.hpp"
#include "run_command.hpp"

using namespace coldsort;
using namespace std::chrono_literals;
using bridge::Quality;
namespace map = bridge::scada_map;

namespace {

// A server on 127.0.0.1, any free port, allowing 127.0.0.1 only.
struct ScadaFixture {
  explicit ScadaFixture(core::ScadaConfig c = config()) {
    auto bound = server.start(c);
    REQUIRE(bound);
    port = *bound;
  }
  static core::ScadaConfig config() {
    core::ScadaConfig c;
    c.enabled = true;
    c.port = 0;
    c.allow = {*core::parse_ipv4_block("127.0.0.1")};
    return c;
  }
  bridge::ScadaServer server;
  int port = 0;
};

// An image where every field holds a different, recognisable value.
bridge::ScadaImage sample_image() {
  bridge::ScadaImage image;
  image.run_state = bridge::ScadaRunState::running;
  image.belt_speed_cups_per_s = 8.25;
  image.fruit_per_s = 31.7;
  image.fruit_total = 4'123'456'789ull;
  image.fruit_per_lane = {1'000'001, 1'000'002, 1'000'003, 1'000'004};
  for (int n = 1; n <= 12; ++n)
    image.fruit_per_outlet.push_back(static_cast<std::uint64_t>(n) * 70001);
  image.fruit_per_grade = {100'000, 200'000, 300'000, 40'000, 5'000, 600};
  image.plc_link_up = true;
  image.heartbeat_ok = true;
  bridge::ScadaColdRoom raw;
  raw.control_temp_c = 5.8;
  raw.record_temp_c = 6.1;
  raw.humidity_pct = 91.5;
  raw.setpoint_c = 6.0;
  raw.quality = Quality::good;
  raw.door_open = true;
  bridge::ScadaColdRoom staging;
  staging.control_temp_c = -1.2;
  staging.setpoint_c = 7.0;
  staging.quality = Quality::stale;  // link lost: values hidden
  staging.defrost = true;
  staging.alarm_level = 2;
  image.cold_rooms = {raw, staging};
  image.alarms.active = 2;
  image.alarms.unacknowledged = 1;
  image.alarms.highest_active = core::AlarmPriority::medium;
  image.alarms.classes =
      bit(bridge::ScadaAlarmClass::door) | bit(bridge::ScadaAlarmClass::communication);
  return image;
}

test::CommandRun mbpoll(int port, const std::string& args) {
  return test::run_command(std::string(COLDSORT_MBPOLL) + " -m tcp -1 -o 2 -p " +
                           std::to_string(port) + " " + args);
}

// mbpoll prints one "[reference]: <tab>value" line per value, 1-based references; 16-bit
// values with bit 15 set also get "(signed)" after them, which this reads when `as_signed`.
std::map<int, std::int64_t> mbpoll_values(const std::string& output, bool as_signed = false) {
  // Parsed by hand: std::regex trips a false -Wmaybe-uninitialized in g++ 12 at -O2.
  std::map<int, std::int64_t> values;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    int reference = 0;
    long long value = 0, signed_value = 0;
    const int fields = std::sscanf(line.c_str(), "[%d]: %lld (%lld)", &reference, &value, &signed_value);
    if (fields < 2) continue;
    values[reference] = as_signed && fields == 3 ? signed_value : value;
  }
  return values;
}

int ref(int address) { return address + 1; }  // protocol address -> mbpoll reference

// A libmodbus client connected to the server.
struct ModbusClient {
  ModbusClient(int port, int unit) : ctx(modbus_new_tcp("127.0.0.1", port)) {
    REQUIRE(ctx != nullptr);
    modbus_set_slave(ctx, unit);
    modbus_set_response_timeout(ctx, 5, 0);  // generous: only a broken server waits this long
    REQUIRE(modbus_connect(ctx) == 0);
  }
  ~ModbusClient() {
    modbus_close(ctx);
    modbus_free(ctx);
  }
  ModbusClient(const ModbusClient&) = delete;
  ModbusClient& operator=(const ModbusClient&) = delete;

  std::vector<std::uint16_t> input_registers(int address, int count) {
    std::vector<std::uint16_t> out(static_cast<std::size_t>(count));
    REQUIRE(modbus_read_input_registers(ctx, address, count, out.data()) == count);
    return out;
  }
  std::uint32_t input_u32(int address) {
    const auto words = input_registers(address, 2);
    return static_cast<std::uint32_t>(words[0]) << 16 | words[1];
  }
  int socket() const { return modbus_get_socket(ctx); }

  modbus_t* ctx;
};

// A raw TCP connection to 127.0.0.1:`port` from the local address `source`.
int connect_from(const char* source, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd != -1);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  REQUIRE(::inet_pton(AF_INET, source, &local.sin_addr) == 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0);
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(port));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) == 0);
  return fd;
}

// Waits (for the event, with a generous deadline) until the server closes `fd`'s connection.
bool closed_by_server(int fd, std::chrono::milliseconds deadline = 5s) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(deadline.count())) != 1) return false;
  char byte = 0;
  const auto n = ::recv(fd, &byte, 1, 0);
  return n == 0 || (n == -1 && errno == ECONNRESET);
}

}  // namespace

TEST_CASE("mbpoll reads line status, counters and cold rooms as the image says", "[integration]") {
  REQUIRE(std::string(COLDSORT_MBPOLL).find("NOTFOUND") == std::string::npos);  // ./dev installs it
  ScadaFixture f;
  const bridge::ScadaImage image = sample_image();
  f.server.update(image);

  auto run = mbpoll(f.port, "-t 3 -r 1 -c 12 127.0.0.1");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  auto v = mbpoll_values(run.output);
  CHECK(v[ref(map::ir_map_version)] == map::version);
  CHECK(v[ref(map::ir_update_counter)] == 0);  // high word
  CHECK(v[ref(map::ir_update_counter + 1)] == 1);
  CHECK(v[ref(map::ir_run_state)] == static_cast<int>(image.run_state));
  CHECK(v[ref(map::ir_belt_speed)] == std::lround(image.belt_speed_cups_per_s * 100));
  CHECK(v[ref(map::ir_fruit_rate)] == std::lround(image.fruit_per_s * 10));
  CHECK(v[ref(map::ir_lane_count)] == static_cast<int>(image.fruit_per_lane.size()));
  CHECK(v[ref(map::ir_outlet_count)] == static_cast<int>(image.fruit_per_outlet.size()));
  CHECK(v[ref(map::ir_cold_room_count)] == static_cast<int>(image.cold_rooms.size()));
  CHECK(v[ref(map::ir_alarms_active)] == image.alarms.active);
  CHECK(v[ref(map::ir_alarms_unacked)] == image.alarms.unacknowledged);
  CHECK(v[ref(map::ir_alarm_priority)] == static_cast<int>(*image.alarms.highest_active) + 1);

  // 32-bit counters, high word first: mbpoll's -B (big-endian word order).
  run = mbpoll(f.port,
               "-t 3:int -B -r " + std::to_string(ref(map::ir_fruit_total)) + " -c 7 127.0.0.1");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  v = mbpoll_values(run.output);
  // mbpoll prints signed 32-bit values; the counter is unsigned.
  CHECK(static_cast<std::uint32_t>(v[ref(map::ir_fruit_total)]) == image.fruit_total);
  for (int g = 0; g < bridge::kScadaGradeCount; ++g)
    CHECK(v[ref(map::ir_grade_first + 2 * g)] ==
          static_cast<std::int64_t>(image.fruit_per_grade[static_cast<std::size_t>(g)]));

  run = mbpoll(f.port,
               "-t 3:int -B -r " + std::to_string(ref(map::ir_outlet_first)) + " -c 12 127.0.0.1");
  REQUIRE(run.exit_code == 0);
  v = mbpoll_values(run.output);
  for (int n = 1; n <= 12; ++n)
    CHECK(v[ref(map::ir_outlet_first + 2 * (n - 1))] ==
          static_cast<std::int64_t>(image.fruit_per_outlet[static_cast<std::size_t>(n - 1)]));

  // Both rooms: temperatures as signed tenths, the stale room's as the sentinel.
  run = mbpoll(f.port, "-t 3 -r " + std::to_string(ref(map::ir_room_first)) + " -c " +
                           std::to_string(2 * map::room_stride) + " 127.0.0.1");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  v = mbpoll_values(run.output, true);
  const int raw = ref(map::ir_room_first);
  const int staging = raw + map::room_stride;
  CHECK(v[raw + map::room_control_temp] == 58);
  CHECK(v[raw + map::room_record_temp] == 61);
  CHECK(v[raw + map::room_humidity] == 915);
  CHECK(v[raw + map::room_setpoint] == 60);
  CHECK(v[raw + map::room_quality] == 0);
  CHECK(v[staging + map::room_control_temp] == -32768);
  CHECK(v[staging + map::room_record_temp] == -32768);
  CHECK(v[staging + map::room_setpoint] == 70);
  CHECK(v[staging + map::room_quality] == 1);
  CHECK(v[staging + map::room_alarm_level] == 2);

  // Flags as discrete inputs.
  run = mbpoll(f.port, "-t 1 -r 1 -c 64 127.0.0.1");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  v = mbpoll_values(run.output);
  CHECK(v[ref(map::di_image_valid)] == 1);
  CHECK(v[ref(map::di_line_running)] == 1);
  CHECK(v[ref(map::di_plc_link_up)] == 1);
  CHECK(v[ref(map::di_heartbeat_ok)] == 1);
  CHECK(v[ref(map::di_alarm_class_first + 3)] == 1);  // door
  CHECK(v[ref(map::di_alarm_class_first + 2)] == 0);  // temperature
  CHECK(v[ref(map::di_door_first)] == 1);
  CHECK(v[ref(map::di_door_first + 1)] == 0);
  CHECK(v[ref(map::di_defrost_first + 1)] == 1);
}

TEST_CASE("holding registers mirror the input registers for FC03-only SCADA", "[integration]") {
  ScadaFixture f;
  f.server.update(sample_image());
  const std::string range = "-r " + std::to_string(ref(map::ir_room_first)) + " -c 16 127.0.0.1";
  const auto input = mbpoll(f.port, "-t 3 " + range);
  const auto holding = mbpoll(f.port, "-t 4 " + range);
  REQUIRE(input.exit_code == 0);
  REQUIRE(holding.exit_code == 0);
  CHECK(mbpoll_values(input.output).size() == 16);
  CHECK(mbpoll_values(holding.output) == mbpoll_values(input.output));
}

TEST_CASE("a write by mbpoll is refused with illegal function and changes nothing",
          "[integration]") {
  ScadaFixture f;
  f.server.update(sample_image());
  auto run = mbpoll(f.port, "-t 4 -r 1 127.0.0.1 77");
  INFO(run.output);
  CHECK(run.exit_code != 0);
  CHECK(run.output.find("Illegal function") != std::string::npos);
  run = mbpoll(f.port, "-t 0 -r 1 127.0.0.1 1");  // write coil, FC05
  CHECK(run.output.find("Illegal function") != std::string::npos);
  run = mbpoll(f.port, "-t 4 -r 1 -c 1 127.0.0.1");
  REQUIRE(run.exit_code == 0);
  CHECK(mbpoll_values(run.output)[1] == map::version);
  CHECK(f.server.stats().exceptions == 2);
}

TEST_CASE("with writable set a write finds nothing writable: illegal data address",
          "[integration]") {
  core::ScadaConfig c = ScadaFixture::config();
  c.writable = true;
  ScadaFixture f(c);
  const auto run = mbpoll(f.port, "-t 4 -r 1 127.0.0.1 77");
  INFO(run.output);
  CHECK(run.exit_code != 0);
  CHECK(run.output.find("Illegal data address") != std::string::npos);
}

TEST_CASE("a request for another unit id gets gateway target failed to respond", "[integration]") {
  ScadaFixture f;
  const auto run = mbpoll(f.port, "-a 2 -t 3 -r 1 127.0.0.1");
  INFO(run.output);
  CHECK(run.exit_code != 0);
  CHECK(run.output.find("Target device failed to respond") != std::string::npos);
  const auto stats = f.server.stats();
  CHECK(stats.wrong_unit == 1);
  CHECK(stats.exceptions == 1);

  ModbusClient client(f.port, 9);
  std::uint16_t word = 0;
  CHECK(modbus_read_input_registers(client.ctx, 0, 1, &word) == -1);
  CHECK(errno == EMBXGTAR);
}

TEST_CASE("a peer outside the allow-list is closed at once and counted", "[integration]") {
  ScadaFixture f;  // allows 127.0.0.1 only; all of 127/8 is loopback on Linux
  const int outsider = connect_from("127.0.0.2", f.port);
  CHECK(closed_by_server(outsider));
  ::close(outsider);
  CHECK(f.server.stats().refused_not_allowed == 1);
  CHECK(f.server.stats().connections_accepted == 0);

  ModbusClient insider(f.port, 1);
  CHECK(insider.input_registers(map::ir_map_version, 1)[0] == map::version);
  CHECK(f.server.stats().connections_accepted == 1);
}

TEST_CASE("a connection beyond max_connections is closed and the others keep working",
          "[integration]") {
  core::ScadaConfig c = ScadaFixture::config();
  c.max_connections = 2;
  ScadaFixture f(c);
  ModbusClient a(f.port, 1);
  ModbusClient b(f.port, 1);
  // A request answered means the server has accepted the connection.
  a.input_registers(0, 1);
  b.input_registers(0, 1);
  const int third = connect_from("127.0.0.1", f.port);
  CHECK(closed_by_server(third));
  ::close(third);
  const auto stats = f.server.stats();
  CHECK(stats.refused_full == 1);
  CHECK(stats.connections_accepted == 2);
  CHECK(stats.open_connections == 2);
  CHECK(a.input_registers(0, 1)[0] == map::version);
  CHECK(b.input_registers(0, 1)[0] == map::version);
}

TEST_CASE("a client silent for idle_timeout_ms is closed", "[integration]") {
  core::ScadaConfig c = ScadaFixture::config();
  c.idle_timeout_ms = 150;
  ScadaFixture f(c);
  ModbusClient client(f.port, 1);
  client.input_registers(0, 1);
  const auto answered = std::chrono::steady_clock::now();
  REQUIRE(closed_by_server(client.socket()));
  // The server's clock starts a little before the client has its answer.
  CHECK(std::chrono::steady_clock::now() - answered > 100ms);
  CHECK(f.server.stats().closed_idle == 1);
  CHECK(f.server.stats().open_connections == 0);
}

TEST_CASE("a client that keeps asking is never idle", "[integration]") {
  core::ScadaConfig c = ScadaFixture::config();
  c.idle_timeout_ms = 400;
  ScadaFixture f(c);
  ModbusClient client(f.port, 1);
  const auto start = std::chrono::steady_clock::now();
  // Back-to-back requests for well over the timeout: each answer is the event we wait for.
  while (std::chrono::steady_clock::now() - start < 1s) client.input_registers(0, 1);
  CHECK(f.server.stats().closed_idle == 0);
  CHECK(f.server.stats().open_connections == 1);
}

TEST_CASE("libmodbus reads 32-bit counters high word first and the no-value sentinel",
          "[integration]") {
  ScadaFixture f;
  ModbusClient client(f.port, 1);
  // Before the first image: nothing valid yet, temperatures have no value.
  CHECK(client.input_u32(map::ir_update_counter) == 0);
  CHECK(client.input_registers(map::ir_room_first + map::room_control_temp, 1)[0] == map::no_value);
  std::uint8_t valid = 1;
  REQUIRE(modbus_read_input_bits(client.ctx, map::di_image_valid, 1, &valid) == 1);
  CHECK(valid == 0);

  bridge::ScadaImage image = sample_image();
  f.server.update(image);
  image.fruit_total += 70'000;
  image.fruit_per_lane[3] = 0xFFFF'FFFFull + 6;  // wraps to 5
  f.server.update(image);
  CHECK(client.input_u32(map::ir_update_counter) == 2);
  CHECK(client.input_u32(map::ir_fruit_total) == static_cast<std::uint32_t>(image.fruit_total));
  CHECK(client.input_u32(map::ir_lane_first) == image.fruit_per_lane[0]);
  CHECK(client.input_u32(map::ir_lane_first + 6) == 5);
  const auto staging =
      client.input_registers(map::ir_room_first + map::room_stride, map::room_stride);
  CHECK(staging[map::room_control_temp] == map::no_value);
  CHECK(static_cast<std::int16_t>(staging[map::room_setpoint]) == 70);
  const auto raw = client.input_registers(map::ir_room_first, 1);
  CHECK(static_cast<std::int16_t>(raw[0]) == 58);

  image.cold_rooms[1].quality = Quality::good;  // the link is back
  f.server.update(image);
  const auto back = client.input_registers(map::ir_room_first + map::room_stride, 1);
  CHECK(static_cast<std::int16_t>(back[0]) == -12);
}

TEST_CASE("reads outside the map, too long, or of unknown functions get exceptions",
          "[integration]") {
  ScadaFixture f;
  ModbusClient client(f.port, 1);
  std::uint16_t words[126] = {};
  std::uint8_t bits[8] = {};
  CHECK(modbus_read_input_registers(client.ctx, map::ir_count - 1, 2, words) == -1);
  CHECK(errno == EMBXILADD);
  CHECK(modbus_read_registers(client.ctx, map::ir_count, 1, words) == -1);
  CHECK(errno == EMBXILADD);
  CHECK(modbus_read_bits(client.ctx, 0, 1, bits) == -1);  // no coils
  CHECK(errno == EMBXILADD);
  CHECK(modbus_read_input_bits(client.ctx, map::di_count, 1, bits) == -1);
  CHECK(errno == EMBXILADD);
  // 125 registers is the most one request may ask for (Modbus Application Protocol §6.4).
  CHECK(modbus_read_input_registers(client.ctx, 0, 125, words) == 125);
  // The libmodbus client refuses to ask for 126 itself, so send the frame raw.
  std::uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
  const std::uint8_t too_many[] = {1, 0x04, 0x00, 0x00, 0x00, 126};
  REQUIRE(modbus_send_raw_request(client.ctx, too_many, sizeof too_many) != -1);
  CHECK(modbus_receive_confirmation(client.ctx, rsp) == 9);  // MBAP 7 + function + code
  CHECK(rsp[7] == (0x04 | 0x80));
  CHECK(rsp[8] == MODBUS_EXCEPTION_ILLEGAL_DATA_VALUE);

  // FC08 diagnostics, sub-function 0 (return query data): the server answers 01 and the
  // connection stays in step for the next request.
  const std::uint8_t diagnostics[] = {1, 0x08, 0x00, 0x00, 0x12, 0x34};
  REQUIRE(modbus_send_raw_request(client.ctx, diagnostics, sizeof diagnostics) != -1);
  CHECK(modbus_receive_confirmation(client.ctx, rsp) == 9);
  CHECK(rsp[7] == (0x08 | 0x80));
  CHECK(rsp[8] == MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
  CHECK(client.input_registers(map::ir_map_version, 1)[0] == map::version);
  CHECK(f.server.stats().exceptions == 6);
  CHECK(f.server.stats().requests == 8);
}

TEST_CASE("images published from another thread are served whole, counter never backwards",
          "[integration]") {
  ScadaFixture f;
  std::atomic<bool> done{false};
  std::thread controller([&] {
    bridge::ScadaImage image = sample_image();
    for (std::uint64_t i = 1; i <= 300; ++i) {
      image.fruit_total = i;
      image.fruit_per_grade[0] = i;  // equal to fruit_total in every whole image
      f.server.update(image);
    }
    done = true;
  });
  ModbusClient client(f.port, 1);
  std::uint32_t last = 0;
  bool finished = false;
  while (!finished) {
    finished = done;  // one more read after the last update
    const auto words = client.input_registers(0, map::ir_grade_first + 2);
    const std::uint32_t counter = static_cast<std::uint32_t>(words[1]) << 16 | words[2];
    const std::uint32_t total = static_cast<std::uint32_t>(words[14]) << 16 | words[15];
    const std::uint32_t extra = static_cast<std::uint32_t>(words[16]) << 16 | words[17];
    CHECK(counter >= last);
    CHECK(total == extra);
    last = counter;
  }
  controller.join();
  CHECK(last == 300);
  CHECK(f.server.stats().image_updates == 300);
}

TEST_CASE("a taken port is address_in_use, and after stop closes the clients a restart serves",
          "[integration]") {
  ScadaFixture f;
  bridge::ScadaServer second;
  core::ScadaConfig c = ScadaFixture::config();
  c.port = f.port;
  const auto taken = second.start(c);
  REQUIRE_FALSE(taken);
  CHECK(taken.error() == core::errc::address_in_use);
  c.bind = "not-an-address";
  c.port = 0;
  const auto bad = second.start(c);
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == core::errc::io_error);

  ModbusClient client(f.port, 1);
  client.input_registers(0, 1);
  f.server.stop();
  CHECK(closed_by_server(client.socket()));
  f.server.stop();  // idempotent

  const auto again = f.server.start(ScadaFixture::config());
  REQUIRE(again);
  ModbusClient fresh(*again, 1);
  CHECK(fresh.input_registers(map::ir_map_version, 1)[0] == map::version);
}
