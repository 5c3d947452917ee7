// coldsort-sim: serves the simulated line (sorter PLC, cold rooms, drive, sensors, scale)
// over Modbus TCP, and optionally Modbus RTU on a serial device, in real time, for running
// coldsortd or a Modbus tool against it.
//   coldsort-sim --config config/default.json [--host 127.0.0.1] [--port 15020]
//                [--rtu /dev/ttyUSB0 [--baud 19200] [--parity E]]
// Exit codes: 0 stopped by SIGINT/SIGTERM, 1 cannot listen or open the serial device,
// 2 bad arguments or config.
#include <arpa/inet.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <ctime>
#include <iostream>
#include <string>

#include "coldsort/bridge/line_simulator.hpp"
#include "coldsort/core/clock.hpp"
#include "coldsort/core/config.hpp"

namespace {

namespace po = boost::program_options;
using namespace coldsort;

struct Options {
  std::string config_file;
  std::string host;
  int port = -1;
  std::string rtu_device;  // empty: no RTU
  int baud = 19200;
  char parity = 'E';
};

// Returns false (after printing why) when the arguments are unusable.
bool parse_options(int argc, char** argv, Options& out, bool& help) {
  po::options_description options("coldsort-sim options");
  options.add_options()("help,h", "show this help")(
      "config", po::value(&out.config_file)->required(), "line config file (JSON)")(
      "host", po::value(&out.host), "IPv4 address to listen on (default: the simulator link's)")(
      "port", po::value(&out.port), "TCP port (default: the simulator link's; 0 = any free port)")(
      "rtu", po::value(&out.rtu_device), "also serve Modbus RTU on this serial device")(
      "baud", po::value(&out.baud), "RTU baud rate (default 19200)")(
      "parity", po::value(&out.parity), "RTU parity N, E or O (default E, 8E1)");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    help = vm.count("help") != 0;
    if (help) {
      std::cout << options << '\n';
      return true;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "coldsort-sim: " << e.what() << '\n' << options << '\n';
    return false;
  }
  if (out.port > 65535) {
    std::cerr << "coldsort-sim: --port must be between 0 and 65535\n";
    return false;
  }
  if (out.parity != 'N' && out.parity != 'E' && out.parity != 'O') {
    std::cerr << "coldsort-sim: --parity must be N, E or O\n";
    return false;
  }
  if (out.baud <= 0) {
    std::cerr << "coldsort-sim: --baud must be positive\n";
    return false;
  }
  return true;
}

// Steps the simulation in real time until SIGINT or SIGTERM. The signals are blocked in
// every thread and taken synchronously here, so no handler runs at an arbitrary point.
void run_until_signal(bridge::LineSimulator& sim, const core::Clock& clock,
                      const sigset_t& signals) {
  // 5 ms steps: at 10 cups/s a cup passes every 100 ms, so the encoder moves smoothly.
  const timespec period{0, 5'000'000};
  for (;;) {
    const int sig = ::sigtimedwait(&signals, nullptr, &period);
    if (sig == SIGINT || sig == SIGTERM) return;
    sim.step(clock.now());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  bool help = false;
  if (!parse_options(argc, argv, opt, help)) return 2;
  if (help) return 0;

  core::LoadedConfig loaded = core::load_config(opt.config_file);
  if (!loaded.config) {
    for (const core::ConfigError& e : loaded.errors.list())
      std::cerr << "coldsort-sim: " << e.to_string() << '\n';
    return 2;
  }
  const core::Config& config = *loaded.config;
  const core::LinkConfig* link = config.find_link(config.simulator.link);
  if (link == nullptr) {
    std::cerr << "coldsort-sim: simulator.link: no link \"" << config.simulator.link << "\"\n";
    return 2;
  }
  const std::string host = opt.host.empty() ? link->host : opt.host;
  const int port = opt.port < 0 ? link->port : opt.port;
  in_addr parsed{};
  if (::inet_pton(AF_INET, host.c_str(), &parsed) != 1) {
    std::cerr << "coldsort-sim: host \"" << host << "\" is not an IPv4 address like 127.0.0.1\n";
    return 2;
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the server thread exists

  core::SystemClock clock;
  bridge::LineSimulator sim(config, clock);
  auto bound = sim.start(host, port);
  if (!bound) {
    std::cerr << "coldsort-sim: cannot listen on " << host << ":" << port << ": "
              << bound.error().message() << '\n';
    return 1;
  }
  std::cout << "coldsort-sim: listening on " << host << ":" << *bound << std::endl;
  if (!opt.rtu_device.empty()) {
    auto rtu = sim.start_rtu(opt.rtu_device, opt.baud, opt.parity);
    if (!rtu) {
      std::cerr << "coldsort-sim: cannot serve RTU on " << opt.rtu_device << ": "
                << rtu.error().message() << '\n';
      return 1;
    }
    std::cout << "coldsort-sim: serving RTU on " << opt.rtu_device << " at " << opt.baud << " 8"
              << opt.parity << "1" << std::endl;
  }
  run_until_signal(sim, clock, signals);
  sim.stop();
  std::cout << "coldsort-sim: stopped" << std::endl;
  return 0;
}
