#include "bench_bridge_support.hpp"

#include <arpa/inet.h>
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <numeric>
#include <stdexcept>
#include <thread>

namespace coldsort::bench {

struct LoopbackServer::Impl {
  modbus_t* ctx = nullptr;
  modbus_mapping_t* map = nullptr;
  int listen_fd = -1;
  int stop_pipe[2] = {-1, -1};
  int port = 0;
  std::atomic<std::uint64_t> requests{0};
  std::thread thread;

  void serve();
  // Answers one request waiting on `fd`; false when the client has gone.
  bool answer(int fd);
};

bool LoopbackServer::Impl::answer(int fd) {
  std::uint8_t request[MODBUS_TCP_MAX_ADU_LENGTH];
  modbus_set_socket(ctx, fd);
  const int n = modbus_receive(ctx, request);
  if (n == -1) return false;  // closed, or a broken frame: drop the client
  if (n == 0) return true;    // a frame for another unit (RTU only); nothing to answer
  if (modbus_reply(ctx, request, n, map) == -1) return false;
  requests.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void LoopbackServer::Impl::serve() {
  std::vector<pollfd> fds{{stop_pipe[0], POLLIN, 0}, {listen_fd, POLLIN, 0}};
  for (;;) {
    for (pollfd& p : fds) p.revents = 0;
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR
    if (fds[0].revents != 0) break;
    if (fds[1].revents & POLLIN) {
      const int client = ::accept(listen_fd, nullptr, nullptr);
      if (client != -1) fds.push_back({client, POLLIN, 0});
    }
    for (std::size_t i = 2; i < fds.size();) {
      if (fds[i].revents != 0 && !answer(fds[i].fd)) {
        ::close(fds[i].fd);
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      ++i;
    }
  }
  for (std::size_t i = 2; i < fds.size(); ++i) ::close(fds[i].fd);
}

LoopbackServer::LoopbackServer(int registers) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  const auto n = static_cast<unsigned>(registers);
  m.map = modbus_mapping_new_start_address(0, 0, 0, 0, 0, n, 0, n);
  m.ctx = modbus_new_tcp("127.0.0.1", 0);
  if (m.map == nullptr || m.ctx == nullptr || ::pipe(m.stop_pipe) != 0)
    throw std::runtime_error("cannot set up the loopback Modbus server");
  for (unsigned i = 0; i < n; ++i) {
    m.map->tab_registers[i] = static_cast<std::uint16_t>(1000 + i * 7);
    m.map->tab_input_registers[i] = static_cast<std::uint16_t>(2000 + i * 3);
  }
  m.listen_fd = modbus_tcp_listen(m.ctx, 16);
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (m.listen_fd == -1 || ::getsockname(m.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) == -1)
    throw std::runtime_error("cannot listen on 127.0.0.1");
  m.port = ntohs(addr.sin_port);
  m.thread = std::thread([&m] { m.serve(); });
}

LoopbackServer::~LoopbackServer() {
  Impl& m = *impl_;
  const char stop = 's';
  if (::write(m.stop_pipe[1], &stop, 1) != 1) std::terminate();
  m.thread.join();
  ::close(m.listen_fd);
  ::close(m.stop_pipe[0]);
  ::close(m.stop_pipe[1]);
  modbus_free(m.ctx);
  modbus_mapping_free(m.map);
}

int LoopbackServer::port() const { return impl_->port; }

std::uint64_t LoopbackServer::requests() const {
  return impl_->requests.load(std::memory_order_relaxed);
}

double LoopbackServer::cpu_seconds() const { return thread_cpu_seconds(impl_->thread); }

namespace {
double cpu_clock_seconds(clockid_t id) {
  timespec ts{};
  if (clock_gettime(id, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
}  // namespace

double thread_cpu_seconds(std::thread& thread) {
  clockid_t id{};
  if (pthread_getcpuclockid(thread.native_handle(), &id) != 0) return 0;
  return cpu_clock_seconds(id);
}

double this_thread_cpu_seconds() { return cpu_clock_seconds(CLOCK_THREAD_CPUTIME_ID); }

LatencySummary summarise(std::vector<double> samples_us) {
  LatencySummary s;
  s.n = samples_us.size();
  if (samples_us.empty()) return s;
  std::sort(samples_us.begin(), samples_us.end());
  auto rank = [&](double q) {
    return samples_us[static_cast<std::size_t>(q * static_cast<double>(samples_us.size() - 1) + 0.5)];
  };
  s.p50_us = rank(0.50);
  s.p90_us = rank(0.90);
  s.p99_us = rank(0.99);
  s.max_us = samples_us.back();
  s.mean_us = std::accumulate(samples_us.begin(), samples_us.end(), 0.0) /
              static_cast<double>(samples_us.size());
  return s;
}

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

core::DeviceConfig make_plain_device(std::string id, std::string link, int unit_id,
                                     int registers, int poll_period_ms) {
  core::DeviceConfig d;
  d.id = std::move(id);
  d.kind = core::DeviceKind::th_sensor;  // any kind: the bench reads raw points only
  d.link = std::move(link);
  d.unit_id = unit_id;
  d.poll_period_ms = poll_period_ms;
  d.stale_after_ms = std::max(1000, 3 * poll_period_ms);
  d.map.model = "bench-plain-" + std::to_string(registers);
  for (int i = 0; i < registers; ++i) {
    core::RegisterPoint p;
    p.name = "r" + std::to_string(i);
    p.table = core::RegisterTable::holding_register;
    p.address = static_cast<std::uint16_t>(i);
    p.type = core::ValueType::u16;
    d.map.points.push_back(std::move(p));
  }
  return d;
}

core::LinkConfig make_loopback_link(std::string id, int port, int response_timeout_ms) {
  core::LinkConfig l;
  l.id = std::move(id);
  l.type = core::LinkType::tcp;
  l.host = "127.0.0.1";
  l.port = port;
  l.response_timeout_ms = response_timeout_ms;
  return l;
}

}  // namespace coldsort::bench
