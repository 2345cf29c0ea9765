// The control socket that bazaarctl talks to: one short command line per
// connection, answered with one JSON line, after which the connection closes.
// A reload's client is kept as a waiter and answered with the reload's outcome.
// Single-threaded: only the master's loop calls it.
#pragma once

#include <bazaar/result.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bazaar::host {

class ControlSocket {
 public:
  // A client's command; its connection is answered with answer() or kept by
  // wait_for_reload().
  struct Command {
    int fd = -1;
    std::string line;  // without the line end
  };

  // Listens on `path` (mode 0600: only the host's own user may command it).
  static Result<ControlSocket> listen(const std::string& path);

  ControlSocket(ControlSocket&& other) noexcept;
  ControlSocket& operator=(ControlSocket&&) = delete;
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;
  ~ControlSocket();

  int fd() const { return fd_; }  // to poll for a client

  // Accepts one client and reads its command. A client that sends nothing
  // costs the master at most half a second; nothing if no command came.
  std::optional<Command> accept();

  // Writes `json` and a line end to `fd`, then closes it.
  static void answer(int fd, const std::string& json);

  // Keeps `fd` to answer with the outcome of the reload under way.
  void wait_for_reload(int fd) { waiters_.push_back(fd); }
  // Answers every waiting client with `json`.
  void answer_waiters(const std::string& json);

 private:
  explicit ControlSocket(int fd) : fd_(fd) {}

  int fd_ = -1;
  std::vector<int> waiters_;
};

}  // namespace bazaar::host
