#include "common/config.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace bazaar::host {
namespace {

constexpr size_t kMinSecretBytes = 32;

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string resolve(const std::string& base_dir, std::string_view value) {
  if (value.empty() || value.front() == '/' || base_dir.empty()) return std::string(value);
  return base_dir + "/" + std::string(value);
}

std::optional<int64_t> to_int(std::string_view v) {
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || ptr != v.data() + v.size()) return std::nullopt;
  return out;
}

// One configuration key: how to apply a value, and its accepted range.
struct Directive {
  const char* name;
  std::function<std::optional<std::string>(HostConfig&, std::string_view)> apply;
};

auto integer(int64_t HostConfig::*field, int64_t lo, int64_t hi) {
  return [=](HostConfig& c, std::string_view v) -> std::optional<std::string> {
    auto n = to_int(v);
    if (!n || *n < lo || *n > hi) {
      return "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    }
    c.*field = *n;
    return std::nullopt;
  };
}

auto small_integer(int HostConfig::*field, int lo, int hi) {
  return [=](HostConfig& c, std::string_view v) -> std::optional<std::string> {
    auto n = to_int(v);
    if (!n || *n < lo || *n > hi) {
      return "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    }
    c.*field = static_cast<int>(*n);
    return std::nullopt;
  };
}

auto text(std::string HostConfig::*field) {
  return [=](HostConfig& c, std::string_view v) -> std::optional<std::string> {
    c.*field = std::string(v);
    return std::nullopt;
  };
}

auto boolean(bool HostConfig::*field) {
  return [=](HostConfig& c, std::string_view v) -> std::optional<std::string> {
    if (v == "on" || v == "true" || v == "yes") {
      c.*field = true;
    } else if (v == "off" || v == "false" || v == "no") {
      c.*field = false;
    } else {
      return "expected on or off";
    }
    return std::nullopt;
  };
}

std::optional<std::string> apply_log_level(HostConfig& c, std::string_view v) {
  if (v != "debug" && v != "info" && v != "warn" && v != "error") {
    return "expected debug, info, warn or error";
  }
  c.log_level = std::string(v);
  return std::nullopt;
}

auto sync_level(bool HostConfig::*field) {
  return [=](HostConfig& c, std::string_view v) -> std::optional<std::string> {
    if (v == "full") {
      c.*field = true;
    } else if (v == "normal") {
      c.*field = false;
    } else {
      return "expected full or normal";
    }
    return std::nullopt;
  };
}

std::optional<std::string> apply_mode(HostConfig& c, std::string_view v) {
  int mode = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), mode, 8);
  if (ec != std::errc() || ptr != v.data() + v.size() || mode < 0 || mode > 0777) {
    return "expected an octal file mode such as 0660";
  }
  c.listen_mode = mode;
  return std::nullopt;
}

// "host:port[,host:port...]" with ports 1..65535; empty means no cache.
std::optional<std::string> apply_memcached_servers(HostConfig& c, std::string_view v) {
  std::string normalized;
  std::string_view rest = v;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    size_t colon = item.rfind(':');
    std::optional<int64_t> port;
    if (colon != std::string_view::npos) port = to_int(item.substr(colon + 1));
    if (colon == std::string_view::npos || colon == 0 || !port || *port < 1 || *port > 65535 ||
        item.find_first_of(" \t") != std::string_view::npos) {
      return "expected host:port[,host:port...]";
    }
    if (!normalized.empty()) normalized += ',';
    normalized += item;
  }
  c.memcached_servers = normalized;
  return std::nullopt;
}

const std::vector<Directive>& directives() {
  static const std::vector<Directive> kDirectives = {
      {"listen_socket", text(&HostConfig::listen_socket)},
      {"listen_backlog", small_integer(&HostConfig::listen_backlog, 16, 65535)},
      {"listen_mode", apply_mode},
      {"state_dir", text(&HostConfig::state_dir)},
      {"plugin_dir", text(&HostConfig::plugin_dir)},
      {"log_file", text(&HostConfig::log_file)},
      {"log_level", apply_log_level},
      {"access_log", boolean(&HostConfig::access_log)},
      {"workers", small_integer(&HostConfig::workers, 1, 15)},  // id layout: 16 slots a generation
      {"threads", small_integer(&HostConfig::threads, 1, 512)},
      {"fastcgi_kept_connections", small_integer(&HostConfig::fastcgi_kept_connections, 0, 65535)},
      {"request_deadline_ms", integer(&HostConfig::request_deadline_ms, 100, 600'000)},
      {"drain_timeout_ms", integer(&HostConfig::drain_timeout_ms, 0, 600'000)},
      {"ready_timeout_ms", integer(&HostConfig::ready_timeout_ms, 100, 600'000)},
      {"restart_backoff_min_ms", integer(&HostConfig::restart_backoff_min_ms, 0, 60'000)},
      {"restart_backoff_max_ms", integer(&HostConfig::restart_backoff_max_ms, 0, 600'000)},
      {"crash_loop_threshold", small_integer(&HostConfig::crash_loop_threshold, 1, 1000)},
      {"max_body_bytes", integer(&HostConfig::max_body_bytes, 1024, 64 << 20)},
      {"jwt_issuer", text(&HostConfig::jwt_issuer)},
      {"control_socket", text(&HostConfig::control_socket)},
      {"node_id", small_integer(&HostConfig::node_id, 0, 255)},  // 8 bits of every id
      {"test_clock", boolean(&HostConfig::test_clock)},
      {"data_dir", text(&HostConfig::data_dir)},
      {"schema_dir", text(&HostConfig::schema_dir)},
      {"shards", small_integer(&HostConfig::shards, 1, 32)},
      {"shard_synchronous", sync_level(&HostConfig::shard_sync_full)},
      {"meta_synchronous", sync_level(&HostConfig::meta_sync_full)},
      {"db_busy_limit_ms", integer(&HostConfig::db_busy_limit_ms, 1, 60'000)},
      {"shard_write_batch", small_integer(&HostConfig::shard_write_batch, 0, 256)},
      {"timer_poll_ms", integer(&HostConfig::timer_poll_ms, 10, 60'000)},
      {"timer_lease_ms", integer(&HostConfig::timer_lease_ms, 100, 3'600'000)},
      {"timer_backoff_min_ms", integer(&HostConfig::timer_backoff_min_ms, 1, 3'600'000)},
      {"timer_backoff_max_ms", integer(&HostConfig::timer_backoff_max_ms, 1, 86'400'000)},
      {"event_retention_s", integer(&HostConfig::event_retention_s, 3600, 366LL * 86'400)},
      {"event_retention_poll_ms", integer(&HostConfig::event_retention_poll_ms, 10, 3'600'000)},
      {"memcached_servers", apply_memcached_servers},
      {"cache_timeout_ms", integer(&HostConfig::cache_timeout_ms, 1, 1000)},
      {"cache_pool_size", small_integer(&HostConfig::cache_pool_size, 1, 1024)},
      {"cache_near_bytes", integer(&HostConfig::cache_near_bytes, 0, int64_t{1} << 34)},
  };
  return kDirectives;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool valid_plugin_key(std::string_view name) {
  if (name.empty()) return false;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace

EnvLookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<HostConfig> parse_config(std::string_view text, std::string_view origin,
                                const std::string& base_dir, const EnvLookup& env) {
  HostConfig config;
  std::string secret_file;
  auto fail = [&](size_t line, const std::string& message) {
    return invalid_argument("BAD_CONFIG",
                            std::string(origin) + ":" + std::to_string(line) + ": " + message);
  };

  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;

    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return fail(line_no, "expected 'key = value'");
    std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    if (key.empty()) return fail(line_no, "missing key before '='");

    if (key == "jwt_secret") {
      return fail(line_no, "secrets never go in the config file: use jwt_secret_file or "
                           "the BAZAAR_JWT_SECRET environment variable");
    }
    if (key == "jwt_secret_file") {
      secret_file = resolve(base_dir, value);
      continue;
    }
    if (key.starts_with("plugin.")) {
      std::string_view rest = key.substr(7);
      size_t dot = rest.find('.');
      if (dot == std::string_view::npos || dot == 0 || dot + 1 == rest.size() ||
          !valid_plugin_key(rest)) {
        return fail(line_no, "plugin settings are written plugin.<name>.<key> in lower case");
      }
      config.plugin_settings[std::string(rest.substr(0, dot))][std::string(rest.substr(dot + 1))] =
          std::string(value);
      continue;
    }
    const Directive* found = nullptr;
    for (const auto& d : directives()) {
      if (key == d.name) found = &d;
    }
    if (found == nullptr) return fail(line_no, "unknown key '" + std::string(key) + "'");
    if (auto err = found->apply(config, value)) {
      return fail(line_no, std::string(key) + ": " + *err + ", got '" + std::string(value) + "'");
    }
  }

  if (config.restart_backoff_max_ms < config.restart_backoff_min_ms) {
    return invalid_argument("BAD_CONFIG", std::string(origin) +
                                              ": restart_backoff_max_ms is below "
                                              "restart_backoff_min_ms");
  }

  if (config.cache_pool_size == 0) config.cache_pool_size = config.threads;  // one per thread

  // Every connection nginx keeps must find a request thread of one generation
  // when they all carry a request at once (docs/ARCHITECTURE.md, "FastCGI keep-alive").
  if (int threads = config.workers * config.threads; config.fastcgi_kept_connections > threads) {
    return invalid_argument(
        "BAD_CONFIG",
        std::string(origin) + ": fastcgi_kept_connections = " +
            std::to_string(config.fastcgi_kept_connections) +
            " (nginx worker_processes x upstream keepalive) is more than workers x threads = " +
            std::to_string(threads) +
            ": lower keepalive in nginx's upstream block, raise workers or threads, or turn "
            "keep-alive off (nginx fastcgi_keep_conn off, fastcgi_kept_connections = 0)");
  }

  if (config.timer_backoff_max_ms < config.timer_backoff_min_ms) {
    return invalid_argument("BAD_CONFIG", std::string(origin) +
                                              ": timer_backoff_max_ms is below "
                                              "timer_backoff_min_ms");
  }

  if (auto from_env = env("BAZAAR_JWT_SECRET"); from_env && !from_env->empty()) {
    config.jwt_secret = *from_env;
  } else if (!secret_file.empty()) {
    auto content = read_file(secret_file);
    if (!content) {
      return invalid_argument("BAD_CONFIG", std::string(origin) + ": cannot read jwt_secret_file " +
                                                secret_file);
    }
    config.jwt_secret = std::string(trim(*content));
  }
  if (config.jwt_secret.size() < kMinSecretBytes) {
    return invalid_argument("BAD_CONFIG",
                            std::string(origin) +
                                ": a JWT secret of at least 32 bytes is required (set "
                                "BAZAAR_JWT_SECRET or jwt_secret_file)");
  }

  config.listen_socket = resolve(base_dir, config.listen_socket);
  config.state_dir = resolve(base_dir, config.state_dir);
  config.plugin_dir = resolve(base_dir, config.plugin_dir);
  config.data_dir = resolve(base_dir, config.data_dir);
  config.schema_dir = resolve(base_dir, config.schema_dir);
  if (!config.log_file.empty()) config.log_file = resolve(base_dir, config.log_file);
  config.control_socket = config.control_socket.empty()
                              ? config.state_dir + "/control.sock"
                              : resolve(base_dir, config.control_socket);
  return config;
}

Result<HostConfig> load_config(const std::string& path, const EnvLookup& env) {
  auto text = read_file(path);
  if (!text) return invalid_argument("BAD_CONFIG", "cannot read configuration file " + path);
  std::string base = std::filesystem::path(path).parent_path().string();
  return parse_config(*text, path, base.empty() ? std::string(".") : base, env);
}

}  // namespace bazaar::host
