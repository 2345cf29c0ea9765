// A real stack for one test: bazaar-host and nginx started by scripts/stack.sh
// in a fresh temporary folder on a free loopback port, stopped (by PID) when
// the Stack is destroyed.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http_client.h"

namespace bazaar::testing {

struct StackOptions {
  std::vector<std::string> plugins = {"fx_v1"};  // fixture .so names to install
  // Product plugins (build_dir()/plugins/<name>.so) to install as well, with
  // their migrations (source_dir()/schema/<name>), e.g. {"orders"}.
  std::vector<std::string> product_plugins = {};
  int workers = 2;
  int threads = 8;
  bool test_clock = false;
  bool memcached = false;  // start a memcached for the stack (MEMCACHED=on) and use it
  bool shard_sync_normal = false;  // faster commits where durability is not under test
  int payment_timeout_s = 900;     // plugin.orders.payment_timeout_s
  std::string keep_conn = {};      // FASTCGI_KEEP_CONN (on|off); empty: stack.sh's default
  int nginx_workers = 0;           // NGINX_WORKERS; 0: stack.sh's default (2)
  // Lines appended to the host's configuration (later lines win), e.g.
  // "plugin.orders.participants = promo=fxpart:discount".
  std::vector<std::string> config_lines = {};
};

class Stack {
 public:
  // Starts the stack; fails the current test (ADD_FAILURE) and returns null if it cannot.
  static std::unique_ptr<Stack> start(const StackOptions& options = {});
  ~Stack();

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string fcgi_socket() const { return dir_ + "/run/bazaar.sock"; }  // where nginx connects
  pid_t host_pid() const;
  pid_t nginx_pid() const;

  HttpResult get(const std::string& path,
                 const std::vector<std::pair<std::string, std::string>>& headers = {}) const;
  HttpResult post(const std::string& path, const std::string& body,
                  const std::vector<std::pair<std::string, std::string>>& headers = {}) const;

  // Runs bazaarctl against this stack; returns its exit code and stdout.
  int ctl(const std::string& args, std::string* out = nullptr) const;
  std::string token(const std::string& role, long long subject) const;
  // The active generation reported by `bazaarctl status` (0 if unknown).
  long long generation() const;
  // The serving background worker's pid per `bazaarctl status` (0: none ready).
  pid_t background_pid() const;

  void install_plugin(const std::string& fixture_name) const;  // copy into plugin_dir
  void remove_plugin(const std::string& fixture_name) const;
  // File names in a folder of the host's state, sorted: "plugins" (staged
  // copies), "generations" (manifests).
  std::vector<std::string> state_files(const std::string& folder) const;
  std::string read_log() const;  // the host's JSON log
  // The node's payment callback secret (plugin.orders.payment_secret_file).
  std::string payment_secret() const;
  // Stops nginx and the host, runs `between` (e.g. to edit state), starts them
  // again on the same folder and port. False (with a test failure) if it cannot.
  bool restart(const std::function<void()>& between = {});

  // The stack's memcached (StackOptions::memcached): its PID (0 if none),
  // stop (SIGKILL), start again on the same port, flush everything.
  pid_t memcached_pid() const;
  bool stop_memcached() const;
  bool start_memcached() const;
  bool flush_memcached() const;

 private:
  Stack() = default;
  std::string start_command_;
  std::string dir_;
  int port_ = 0;
};

// Runs a shell command, capturing its standard output; returns its exit code.
int run_shell(const std::string& command, std::string* out = nullptr);

// Polls `condition` every 20 ms until it holds or `timeout_ms` passes.
bool eventually(const std::function<bool()>& condition, int timeout_ms = 10000);

// True while `pid` runs (a zombie waiting to be reaped counts as gone).
bool process_alive(pid_t pid);

// Free loopback TCP port (bound, then released).
int free_port();

// Fixture and build locations: built in by CMake, overridable by environment variables
// of the same names.
std::string fixture_dir();
std::string build_dir();
std::string source_dir();

}  // namespace bazaar::testing
