#pragma once
// Loopback sockets for link-fault tests: a port where nothing listens, and a listener that
// never answers. Ports are always chosen by the kernel (bind to port 0).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace coldsort::test {

// A socket bound to 127.0.0.1 on a kernel-chosen port; listening if asked.
class LoopbackSocket {
 public:
  explicit LoopbackSocket(bool listen) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ == -1 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) == -1 ||
        (listen && ::listen(fd_, 4) == -1) ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == -1)
      throw std::runtime_error("cannot set up a loopback socket");
    port_ = ntohs(addr.sin_port);
  }
  ~LoopbackSocket() {
    if (fd_ != -1) ::close(fd_);
  }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A port on which nothing listens: bound (so no one else gets it) but not listening, so a
// connect is refused.
inline LoopbackSocket unused_port() { return LoopbackSocket(false); }

}  // namespace coldsort::test
