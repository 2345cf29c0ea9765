#include "stack.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace bazaar::testing {
namespace {

std::string env_or(const char* name, const char* built_in) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : built_in;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command, capturing stdout; returns the exit code.
int run(const std::string& command, std::string* out) {
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return -1;
  std::string text;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) text.append(buf, n);
  int status = pclose(p);
  if (out != nullptr) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

pid_t read_pid(const std::string& path) {
  std::ifstream in(path);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

}  // namespace

int run_shell(const std::string& command, std::string* out) { return run(command, out); }

std::string fixture_dir() { return env_or("BAZAAR_FIXTURE_DIR", BAZAAR_FIXTURE_DIR); }
std::string build_dir() { return env_or("BAZAAR_BUILD_DIR", BAZAAR_BUILD_DIR); }
std::string source_dir() { return env_or("BAZAAR_SOURCE_DIR", BAZAAR_SOURCE_DIR); }

bool eventually(const std::function<bool()>& condition, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

bool process_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

int free_port() {
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

std::unique_ptr<Stack> Stack::start(const StackOptions& options) {
  std::unique_ptr<Stack> stack(new Stack());
  char tmpl[] = "/tmp/bazaar-it-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return nullptr;
  }
  stack->dir_ = tmpl;
  stack->port_ = free_port();
  // A private copy of the fixture schema, so a test may add a migration to it.
  if (run("cp -r " + shell_quote(source_dir() + "/tests/fixtures/schema") + " " +
              shell_quote(stack->dir_ + "/schema"),
          nullptr) != 0) {
    ADD_FAILURE() << "cannot copy the fixture schema";
    return nullptr;
  }
  // Product plugins: copied into the plugin folder before stack.sh (which only
  // adds the fixtures to it), their migrations beside the fixtures' schema.
  for (const auto& p : options.product_plugins) {
    if (run("mkdir -p " + shell_quote(stack->dir_ + "/plugins") + " && cp " +
                shell_quote(build_dir() + "/plugins/" + p + ".so") + " " +
                shell_quote(stack->dir_ + "/plugins/") + " && cp -r " +
                shell_quote(source_dir() + "/schema/" + p) + " " +
                shell_quote(stack->dir_ + "/schema/" + p),
            nullptr) != 0) {
      ADD_FAILURE() << "cannot install the product plugin " << p;
      return nullptr;
    }
  }
  // A blank list, not an empty one: stack.sh installs `hello` when PLUGINS is empty.
  std::string plugins = " ";
  for (const auto& p : options.plugins) plugins += p + " ";
  std::string extra_conf;
  for (const auto& line : options.config_lines) extra_conf += line + "\n";
  std::string cmd = "BUILD_DIR=" + shell_quote(build_dir()) +
                    " PLUGIN_SOURCE_DIR=" + shell_quote(fixture_dir()) +
                    " PLUGINS=" + shell_quote(plugins) +
                    " WORKERS=" + std::to_string(options.workers) +
                    " THREADS=" + std::to_string(options.threads) +
                    " TEST_CLOCK=" + (options.test_clock ? "on" : "off") +
                    " MEMCACHED=" + (options.memcached ? "on" : "off") +
                    " SHARD_SYNC=" + (options.shard_sync_normal ? "normal" : "full") +
                    " PAYMENT_TIMEOUT_S=" + std::to_string(options.payment_timeout_s) +
                    (options.keep_conn.empty() ? "" : " FASTCGI_KEEP_CONN=" + options.keep_conn) +
                    (options.nginx_workers > 0
                         ? " NGINX_WORKERS=" + std::to_string(options.nginx_workers)
                         : "") +
                    " SCHEMA_DIR=" + shell_quote(stack->dir_ + "/schema") +
                    " EXTRA_CONF=" + shell_quote(extra_conf) + " " +
                    shell_quote(source_dir() + "/scripts/stack.sh") + " start " +
                    shell_quote(stack->dir_) + " " + std::to_string(stack->port_) + " 2>&1";
  std::string out;
  stack->start_command_ = cmd;
  if (run(cmd, &out) != 0) {
    ADD_FAILURE() << "stack.sh start failed:\n" << out;
    return nullptr;
  }
  return stack;
}

Stack::~Stack() {
  std::string out;
  run(shell_quote(source_dir() + "/scripts/stack.sh") + " stop " + shell_quote(dir_) + " 2>&1", &out);
  if (!::testing::Test::HasFailure()) {
    run("rm -rf " + shell_quote(dir_), nullptr);
  } else {
    fprintf(stderr, "stack state kept for inspection in %s\n", dir_.c_str());
  }
}

bool Stack::restart(const std::function<void()>& between) {
  std::string out;
  run(shell_quote(source_dir() + "/scripts/stack.sh") + " stop " + shell_quote(dir_) + " 2>&1", &out);
  if (between) between();
  if (run(start_command_, &out) != 0) {
    ADD_FAILURE() << "stack.sh start (restart) failed:\n" << out;
    return false;
  }
  return true;
}

pid_t Stack::host_pid() const { return read_pid(dir_ + "/run/host.pid"); }
pid_t Stack::nginx_pid() const { return read_pid(dir_ + "/run/nginx.pid"); }

HttpResult Stack::get(const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& headers) const {
  return http_request(port_, "GET", path, "", headers);
}

HttpResult Stack::post(const std::string& path, const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers) const {
  return http_request(port_, "POST", path, body, headers);
}

int Stack::ctl(const std::string& args, std::string* out) const {
  return run(shell_quote(build_dir() + "/bin/bazaarctl") + " --config " +
                 shell_quote(dir_ + "/bazaar.conf") + " " + args,
             out);
}

std::string Stack::token(const std::string& role, long long subject) const {
  std::string out;
  ctl("token --role " + role + " --sub " + std::to_string(subject), &out);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

long long Stack::generation() const {
  std::string out;
  if (ctl("status", &out) != 0) return 0;
  auto doc = nlohmann::json::parse(out, nullptr, false);
  return doc.is_object() ? doc.value("generation", 0LL) : 0;
}

pid_t Stack::background_pid() const {
  std::string out;
  if (ctl("status", &out) != 0) return 0;
  auto doc = nlohmann::json::parse(out, nullptr, false);
  if (!doc.is_object() || !doc.contains("workers")) return 0;
  for (const auto& w : doc["workers"]) {
    if (w.value("role", "") == "background" && w.value("ready", false) && !w.value("draining", false)) {
      return w.value("pid", 0);
    }
  }
  return 0;
}

void Stack::install_plugin(const std::string& fixture_name) const {
  ASSERT_EQ(run("cp " + shell_quote(fixture_dir() + "/" + fixture_name + ".so") + " " +
                    shell_quote(dir_ + "/plugins/"),
                nullptr),
            0);
}

void Stack::remove_plugin(const std::string& fixture_name) const {
  ASSERT_EQ(unlink((dir_ + "/plugins/" + fixture_name + ".so").c_str()), 0);
}

std::vector<std::string> Stack::state_files(const std::string& folder) const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/state/" + folder, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

pid_t Stack::memcached_pid() const { return read_pid(dir_ + "/run/memcached.pid"); }

bool Stack::stop_memcached() const {
  return run(shell_quote(source_dir() + "/scripts/stack.sh") + " memcached-stop " +
                 shell_quote(dir_) + " 2>&1",
             nullptr) == 0;
}

bool Stack::start_memcached() const {
  return run(shell_quote(source_dir() + "/scripts/stack.sh") + " memcached-start " +
                 shell_quote(dir_) + " 2>&1",
             nullptr) == 0;
}

bool Stack::flush_memcached() const {
  std::ifstream in(dir_ + "/run/memcached.port");
  int port = 0;
  if (!(in >> port) || port <= 0) return false;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const char request[] = "flush_all\r\n";
    char reply[16] = {0};
    ok = write(fd, request, sizeof(request) - 1) == static_cast<ssize_t>(sizeof(request) - 1) &&
         read(fd, reply, sizeof(reply) - 1) >= 2 && std::string(reply).starts_with("OK");
  }
  close(fd);
  return ok;
}

std::string Stack::payment_secret() const {
  std::ifstream in(dir_ + "/payment.secret");
  std::string secret;
  std::getline(in, secret);
  return secret;
}

std::string Stack::read_log() const {
  std::ifstream in(dir_ + "/log/bazaar.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace bazaar::testing
