#include "master/control_socket.h"

#include <sys/socket.h>
#include <unistd.h>

#include <utility>

#include "common/unix_socket.h"

namespace bazaar::host {

Result<ControlSocket> ControlSocket::listen(const std::string& path) {
  auto fd = listen_unix(path, 16, 0600);
  if (!fd.ok()) return fd.error();
  return ControlSocket(*fd);
}

ControlSocket::ControlSocket(ControlSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), waiters_(std::move(other.waiters_)) {}

ControlSocket::~ControlSocket() {
  if (fd_ >= 0) close(fd_);
}

std::optional<ControlSocket::Command> ControlSocket::accept() {
  int fd = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return std::nullopt;
  // Commands are one short line sent right after connecting; a silent client
  // cannot stall the master for more than this.
  timeval tv{0, 500'000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char buf[256];
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  if (n <= 0) {
    close(fd);
    return std::nullopt;
  }
  std::string line(buf, static_cast<size_t>(n));
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return Command{fd, std::move(line)};
}

void ControlSocket::answer(int fd, const std::string& json) {
  std::string line = json + "\n";
  ssize_t n = write(fd, line.data(), line.size());
  (void)n;
  close(fd);
}

void ControlSocket::answer_waiters(const std::string& json) {
  for (int fd : waiters_) answer(fd, json);
  waiters_.clear();
}

}  // namespace bazaar::host
