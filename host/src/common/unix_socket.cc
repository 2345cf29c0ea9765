#include "common/unix_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bazaar::host {
namespace {

Result<sockaddr_un> address_of(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return invalid_argument("BAD_CONFIG", "socket path too long (max 107 bytes): " + path);
  }
  memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

}  // namespace

Result<int> connect_unix(const std::string& path, int timeout_ms) {
  auto addr = address_of(path);
  if (!addr.ok()) return addr.error();
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return internal_error(std::string("socket: ") + strerror(errno));
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  if (connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof(sockaddr_un)) != 0) {
    int err = errno;
    close(fd);
    return unavailable("NOT_RUNNING", "cannot connect to " + path + ": " + strerror(err));
  }
  return fd;
}

Result<int> listen_unix(const std::string& path, int backlog, int mode) {
  auto addr = address_of(path);
  if (!addr.ok()) return addr.error();
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return failed_precondition("SOCKET_PATH_TAKEN", path + " exists and is not a socket");
    }
    auto live = connect_unix(path, 200);
    if (live.ok()) {
      close(*live);
      return failed_precondition("ALREADY_RUNNING", "another process is listening on " + path);
    }
    unlink(path.c_str());
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return internal_error(std::string("socket: ") + strerror(errno));
  if (bind(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof(sockaddr_un)) != 0 ||
      chmod(path.c_str(), static_cast<mode_t>(mode)) != 0 || listen(fd, backlog) != 0) {
    int err = errno;
    close(fd);
    return internal_error("cannot listen on " + path + ": " + strerror(err));
  }
  return fd;
}

}  // namespace bazaar::host
