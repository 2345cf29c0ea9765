// Test helper: a real memcached on a free 127.0.0.1 port, started by the test
// and killed by PID. Header-only; only the unit tests include it.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace bazaar::host::testing {

class MemcachedServer {
 public:
  MemcachedServer() : port_(free_port()) {}
  ~MemcachedServer() { stop(); }
  MemcachedServer(const MemcachedServer&) = delete;
  MemcachedServer& operator=(const MemcachedServer&) = delete;

  // Starts memcached (again, on the same port) and waits until it accepts.
  bool start() {
    std::string port = std::to_string(port_);
    std::vector<std::string> args = {"memcached", "-l", "127.0.0.1", "-p", port, "-U", "0", "-m", "16"};
    if (geteuid() == 0) {
      args.emplace_back("-u");
      args.emplace_back("root");
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&pid_, "memcached", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = 0;
      return false;
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (accepts()) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited (port taken?)
        pid_ = 0;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  // Kills memcached (SIGKILL: no goodbye to clients) and reaps it.
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Sends one text-protocol command and returns the first reply line ("" on failure).
  std::string command(const std::string& line) const {
    int fd = connect_fd();
    if (fd < 0) return "";
    std::string request = line + "\r\n";
    std::string reply;
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[256];
      ssize_t n = 0;
      while (reply.find("\r\n") == std::string::npos && (n = read(fd, buf, sizeof(buf))) > 0) {
        reply.append(buf, static_cast<size_t>(n));
      }
    }
    close(fd);
    return reply.substr(0, reply.find("\r\n"));
  }

 private:
  static int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
  }

  int connect_fd() const {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }

  bool accepts() const { return command("version").starts_with("VERSION"); }

  int port_;
  pid_t pid_ = 0;
};

}  // namespace bazaar::host::testing
