#pragma once
// An independent Modbus peer for integration tests: the npm package modbus-serial (pure
// JavaScript, no code shared with libmodbus or coldsort) run as a server by
// tests/peers/modbus_peer.js, one child process per test, spoken to over its stdin and stdout
// one JSON line each way; a socat pty pair for RTU; a line config that points the bridge at
// them; and a loop that steps a DeviceHub on the real clock until a condition holds.
// Thread safety: none; a test uses these from its own thread.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "coldsort/bridge/device_hub.hpp"
#include "coldsort/core/config.hpp"

extern char** environ;

namespace coldsort::test {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// Fails the test (it does not skip it) when the peer cannot run here.
inline void require_peer_installed() {
  const std::filesystem::path dir = COLDSORT_PEERS_DIR;
  INFO("node: " << COLDSORT_NODE << ", socat: " << COLDSORT_SOCAT);
  if (!std::filesystem::exists(COLDSORT_NODE)) FAIL("node (Debian package nodejs) is not installed");
  if (!std::filesystem::exists(COLDSORT_SOCAT)) FAIL("socat is not installed");
  if (!std::filesystem::exists(dir / "node_modules" / "modbus-serial" / "package.json"))
    FAIL("the modbus-serial peer is not installed: run `npm ci --no-audit --no-fund` in "
         << dir.string() << " (./dev test does it)");
}

// A child process started from an absolute path, ended by its pid (SIGTERM) and reaped.
// With `talk`, its stdin and stdout are pipes to this process; else both are /dev/null.
// Its stderr is this process's, so whatever it complains about lands in the test log.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, bool talk) {
    int to_child[2] = {-1, -1};
    int from_child[2] = {-1, -1};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (talk) {
      REQUIRE(::pipe2(to_child, O_CLOEXEC) == 0);
      REQUIRE(::pipe2(from_child, O_CLOEXEC) == 0);
      posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
      posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    } else {
      posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
      posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (talk) {
      ::close(to_child[0]);
      ::close(from_child[1]);
      in_fd_ = to_child[1];
      out_fd_ = from_child[0];
    }
    if (rc != 0) pid_ = -1;
    INFO("starting " << argv[0]);
    REQUIRE(rc == 0);
  }
  ~ChildProcess() {
    if (in_fd_ != -1) ::close(in_fd_);
    if (out_fd_ != -1) ::close(out_fd_);
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line the child prints, or nullopt when none comes before `deadline` (or the
  // child closed its stdout).
  std::optional<std::string> read_line(SteadyClock::time_point deadline) {
    for (;;) {
      if (auto end = buffer_.find('\n'); end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{out_fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return std::nullopt;
      char chunk[4096];
      const ssize_t n = ::read(out_fd_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  bool write_line(const std::string& line) {
    const std::string data = line + "\n";
    for (std::size_t done = 0; done < data.size();) {
      const ssize_t n = ::write(in_fd_, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

 private:
  pid_t pid_ = -1;
  int in_fd_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
};

// One write the peer received, as it reports it.
struct PeerWrite {
  int unit = 0;
  std::string table;  // "holding" or "coil"
  int address = 0;
  std::vector<int> values;
  std::string answer;  // "ok", "exception", "ignore", "drop"
};

// tests/peers/modbus_peer.js in a node process. Every command waits for the peer's answer.
class ModbusPeer {
 public:
  // `args` follow the script name: {"--tcp", "0", "--unit", "10"} or {"--rtu", path, ...}.
  explicit ModbusPeer(const std::vector<std::string>& args) : process_(argv_for(args), true) {
    // The peer starting up in node takes a few hundred ms; 20 s is for a loaded CI machine.
    auto line = process_.read_line(SteadyClock::now() + std::chrono::seconds(20));
    REQUIRE(line);
    INFO("peer said: " << *line);
    const auto ready = boost::json::parse(*line).as_object();
    REQUIRE(ready.at("ready").as_bool());
    if (const auto* port = ready.if_contains("port")) port_ = static_cast<int>(port->as_int64());
  }

  int port() const { return port_; }

  // Sends one command and returns the peer's answer; fails the test when the peer does not
  // answer within 10 s or refuses the command.
  boost::json::object command(const boost::json::object& cmd) {
    const std::string text = boost::json::serialize(cmd);
    INFO("peer command: " << text);
    REQUIRE(process_.write_line(text));
    auto line = process_.read_line(SteadyClock::now() + std::chrono::seconds(10));
    REQUIRE(line);
    auto answer = boost::json::parse(*line).as_object();
    INFO("peer answer: " << *line);
    REQUIRE(answer.at("ok").as_bool());
    return answer;
  }

  void set(int unit, std::string_view table, int address, const std::vector<int>& values) {
    boost::json::array v(values.begin(), values.end());
    command({{"cmd", "set"}, {"unit", unit}, {"table", table}, {"address", address}, {"values", v}});
  }
  void exception(int unit, int code, int count = 1) {
    command({{"cmd", "exception"}, {"unit", unit}, {"code", code}, {"count", count}});
  }
  void delay(int unit, int ms, int count = 1) {
    command({{"cmd", "delay"}, {"unit", unit}, {"ms", ms}, {"count", count}});
  }
  void drop(int count = 1) { command({{"cmd", "drop"}, {"count", count}}); }
  void silent(int unit, bool on) { command({{"cmd", "silent"}, {"unit", unit}, {"on", on}}); }
  // Returns once every late reply has been sent; how many have been sent so far.
  int settle() { return static_cast<int>(command({{"cmd", "settle"}}).at("sent_late").as_int64()); }

  std::vector<PeerWrite> writes() {
    std::vector<PeerWrite> out;
    const auto answer = command({{"cmd", "writes"}});
    for (const auto& w : answer.at("writes").as_array()) {
      const auto& o = w.as_object();
      PeerWrite p{static_cast<int>(o.at("unit").as_int64()), std::string(o.at("table").as_string()),
                  static_cast<int>(o.at("address").as_int64()), {},
                  std::string(o.at("answer").as_string())};
      for (const auto& v : o.at("values").as_array()) p.values.push_back(static_cast<int>(v.as_int64()));
      out.push_back(std::move(p));
    }
    return out;
  }
  // Requests the peer received for `unit`, answered or not.
  int requests(int unit) {
    const auto answer = command({{"cmd", "stats"}});
    const auto& per_unit = answer.at("requests").as_object();
    const auto* n = per_unit.if_contains(std::to_string(unit));
    return n == nullptr ? 0 : static_cast<int>(n->as_int64());
  }

 private:
  static std::vector<std::string> argv_for(const std::vector<std::string>& args) {
    require_peer_installed();
    std::vector<std::string> argv{COLDSORT_NODE, std::string(COLDSORT_PEERS_DIR) + "/modbus_peer.js"};
    argv.insert(argv.end(), args.begin(), args.end());
    // A peer that died must not kill the test with SIGPIPE on the next command.
    ::signal(SIGPIPE, SIG_IGN);
    return argv;
  }

  ChildProcess process_;
  int port_ = 0;
};

// Two pseudo-terminals joined by socat, like the two ends of an RS-485 cable: the peer opens
// one, the bridge's RTU link the other.
class PtyPair {
 public:
  explicit PtyPair(const std::filesystem::path& dir)
      : peer_side_((dir / "peer-tty").string()),
        bridge_side_((dir / "bridge-tty").string()),
        socat_({COLDSORT_SOCAT, "pty,raw,echo=0,link=" + peer_side_,
                "pty,raw,echo=0,link=" + bridge_side_},
               false) {
    // socat creates the links right after start; a bounded poll for them, not a fixed wait.
    const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
    while (!(std::filesystem::exists(peer_side_) && std::filesystem::exists(bridge_side_)) &&
           SteadyClock::now() < deadline)
      std::this_thread::sleep_for(milliseconds(10));
    REQUIRE(std::filesystem::exists(peer_side_));
    REQUIRE(std::filesystem::exists(bridge_side_));
  }
  const std::string& peer_side() const { return peer_side_; }
  const std::string& bridge_side() const { return bridge_side_; }

  // Whether bytes wait in the bridge side's input queue (looked at through a second
  // descriptor, without reading them): what the peer sent has crossed socat and sits where
  // the bridge's next read, or flush, finds it. A bounded poll; socat relays in well under
  // a millisecond.
  bool bytes_wait_at_bridge() const {
    const int fd = ::open(bridge_side_.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd == -1) return false;
    const auto deadline = SteadyClock::now() + std::chrono::seconds(5);
    int queued = 0;
    while (::ioctl(fd, FIONREAD, &queued) == 0 && queued == 0 && SteadyClock::now() < deadline)
      std::this_thread::sleep_for(milliseconds(1));
    ::close(fd);
    return queued > 0;
  }

 private:
  std::string peer_side_;
  std::string bridge_side_;
  ChildProcess socat_;
};

// A reading equal to `want` (values come from scaled integers, so not always bit-exact).
inline bool near(std::optional<double> got, double want) {
  return got && std::abs(*got - want) < 1e-9;
}

inline std::string map_file(const std::string& name) {
  return std::string(COLDSORT_CONFIG_DIR) + "/devices/" + name;
}

// Config entries. Short reconnect back-off so that recovery fits in a test.
inline boost::json::object tcp_link(const std::string& id, int port, int timeout_ms) {
  return {{"id", id}, {"type", "tcp"}, {"host", "127.0.0.1"}, {"port", port},
          {"response_timeout_ms", timeout_ms}, {"reconnect_min_ms", 50}, {"reconnect_max_ms", 400}};
}
inline boost::json::object rtu_link(const std::string& id, const std::string& device, int timeout_ms) {
  return {{"id", id}, {"type", "rtu"}, {"serial_device", device}, {"baud", 19200}, {"parity", "E"},
          {"response_timeout_ms", timeout_ms}, {"reconnect_min_ms", 50}, {"reconnect_max_ms", 400}};
}
// `map` is a file name in config/devices/ or an absolute path.
inline boost::json::object device(const std::string& id, const std::string& kind, const std::string& link,
                                  int unit, const std::string& map, int poll_ms) {
  const std::string file = map.front() == '/' ? map : map_file(map);
  return {{"id", id}, {"kind", kind}, {"link", link}, {"unit_id", unit},
          {"poll_period_ms", poll_ms}, {"register_map", file}};
}

// The default line config with its links and devices replaced by `links` and `devices` (and
// without its cold rooms and simulator section, which name the default line's devices). A
// line needs a sorter PLC: the default one stays, without a link, so the hub leaves it alone.
inline core::Config peer_config(const boost::json::array& links, boost::json::array devices) {
  std::ifstream in(std::string(COLDSORT_CONFIG_DIR) + "/default.json");
  std::stringstream text;
  text << in.rdbuf();
  auto doc = boost::json::parse(text.str()).as_object();
  devices.push_back({{"id", "sorter"}, {"kind", "sorter_plc"}, {"link", ""}, {"unit_id", 1},
                     {"register_map", map_file("sim-sorter-plc.json")}});
  doc["links"] = links;
  doc["devices"] = std::move(devices);
  doc["cold_rooms"] = boost::json::array{};
  doc.erase("simulator");
  auto loaded = core::load_config_text(boost::json::serialize(doc), COLDSORT_CONFIG_DIR, "peer.json");
  INFO(loaded.errors.joined());
  REQUIRE(loaded.config);
  return *loaded.config;
}

// A DeviceHub on the real clock, stepped inline the way the controller steps it, with every
// BridgeEvent kept.
class HubRunner {
 public:
  explicit HubRunner(const core::Config& config) : hub_(config, clock_) {}

  bridge::DeviceHub& hub() { return hub_; }
  const std::vector<bridge::BridgeEvent>& events() const { return events_; }

  bridge::DeviceValues values(std::string_view device) {
    auto v = hub_.values(device);
    REQUIRE(v);
    return *v;
  }

  // Steps the hub until `done()` holds (true) or `limit` has passed (false). Between steps it
  // waits for the time the hub says its next poll or reconnect is due, no longer.
  template <class Done>
  bool step_until(Done done, milliseconds limit = milliseconds(10000)) {
    const auto deadline = clock_.now() + limit;
    for (;;) {
      if (done()) return true;
      if (clock_.now() >= deadline) return false;
      const core::SteadyTime next = hub_.step(clock_.now());
      for (auto& e : hub_.take_events()) events_.push_back(std::move(e));
      if (done()) return true;
      std::this_thread::sleep_until(std::min(next, deadline));
    }
  }

  // Steps until `n` more read requests went out on the device's link.
  bool step_polls(std::string_view device, std::uint64_t n) {
    const std::uint64_t target = polls(device) + n;
    return step_until([&] { return polls(device) >= target; });
  }

  std::uint64_t polls(std::string_view device) const {
    const auto status = hub_.link_status_of(device);
    return status ? status->polls : 0;
  }

  bool saw(bridge::BridgeEvent::Kind kind, std::string_view device = {}) const {
    for (const auto& e : events_)
      if (e.kind == kind && (device.empty() || e.device == device)) return true;
    return false;
  }

 private:
  core::SystemClock clock_;
  bridge::DeviceHub hub_;
  std::vector<bridge::BridgeEvent> events_;
};

}  // namespace coldsort::test
