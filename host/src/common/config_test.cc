#include "common/config.h"
#include "test_support/temp_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace bazaar::host {
namespace {

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";  // exactly 32 bytes

// An environment made of a map: tests never read or change the real one.
EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

EnvLookup env_with_secret() { return fake_env({{"BAZAAR_JWT_SECRET", kSecret}}); }

Result<HostConfig> parse(std::string_view text, const std::string& base_dir = "/etc/bazaar") {
  return parse_config(text, "bazaar.conf", base_dir, env_with_secret());
}

// Expects a BAD_CONFIG error whose message contains every fragment.
void expect_error(const Result<HostConfig>& r, std::initializer_list<std::string_view> fragments) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status(), BZ_INVALID_ARGUMENT);
  EXPECT_EQ(r.error().code(), "BAD_CONFIG");
  for (std::string_view f : fragments) {
    EXPECT_NE(r.error().message().find(f), std::string::npos)
        << "'" << f << "' not in: " << r.error().message();
  }
}

// A scratch folder removed at the end of the test.
using test_support::TempDir;

TEST(ConfigTest, EmptyTextGivesDefaultsWithPathsResolved) {
  auto r = parse("");
  ASSERT_TRUE(r.ok()) << r.error().message();
  const HostConfig& c = *r;
  HostConfig d;  // the documented defaults
  EXPECT_EQ(c.listen_socket, "/etc/bazaar/bazaar.sock");
  EXPECT_EQ(c.state_dir, "/etc/bazaar/state");
  EXPECT_EQ(c.plugin_dir, "/etc/bazaar/plugins");
  EXPECT_EQ(c.control_socket, "/etc/bazaar/state/control.sock");
  EXPECT_EQ(c.log_file, "");
  EXPECT_EQ(c.listen_backlog, d.listen_backlog);
  EXPECT_EQ(c.listen_mode, 0660);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_TRUE(c.access_log);
  EXPECT_EQ(c.workers, d.workers);
  EXPECT_EQ(c.threads, d.threads);
  EXPECT_EQ(c.fastcgi_kept_connections, 0);
  EXPECT_EQ(c.request_deadline_ms, d.request_deadline_ms);
  EXPECT_EQ(c.drain_timeout_ms, d.drain_timeout_ms);
  EXPECT_EQ(c.ready_timeout_ms, d.ready_timeout_ms);
  EXPECT_EQ(c.restart_backoff_min_ms, d.restart_backoff_min_ms);
  EXPECT_EQ(c.restart_backoff_max_ms, d.restart_backoff_max_ms);
  EXPECT_EQ(c.crash_loop_threshold, d.crash_loop_threshold);
  EXPECT_EQ(c.max_body_bytes, d.max_body_bytes);
  EXPECT_EQ(c.jwt_issuer, "bazaar");
  EXPECT_EQ(c.jwt_secret, kSecret);
  EXPECT_EQ(c.node_id, d.node_id);
  EXPECT_FALSE(c.test_clock);
  EXPECT_TRUE(c.plugin_settings.empty());
}

TEST(ConfigTest, EveryKeyParses) {
  auto r = parse(
      "listen_socket = /run/bazaar/fcgi.sock\n"
      "listen_backlog = 4096\n"
      "listen_mode = 0600\n"
      "state_dir = /var/lib/bazaar\n"
      "plugin_dir = /opt/bazaar/plugins\n"
      "log_file = /var/log/bazaar.log\n"
      "log_level = debug\n"
      "access_log = off\n"
      "workers = 8\n"
      "threads = 64\n"
      "fastcgi_kept_connections = 512\n"
      "request_deadline_ms = 2500\n"
      "drain_timeout_ms = 0\n"
      "ready_timeout_ms = 3000\n"
      "restart_backoff_min_ms = 50\n"
      "restart_backoff_max_ms = 5000\n"
      "crash_loop_threshold = 3\n"
      "max_body_bytes = 65536\n"
      "jwt_issuer = shop.example\n"
      "control_socket = /run/bazaar/control.sock\n"
      "node_id = 255\n"
      "test_clock = yes\n");
  ASSERT_TRUE(r.ok()) << r.error().message();
  const HostConfig& c = *r;
  EXPECT_EQ(c.listen_socket, "/run/bazaar/fcgi.sock");
  EXPECT_EQ(c.listen_backlog, 4096);
  EXPECT_EQ(c.listen_mode, 0600);
  EXPECT_EQ(c.state_dir, "/var/lib/bazaar");
  EXPECT_EQ(c.plugin_dir, "/opt/bazaar/plugins");
  EXPECT_EQ(c.log_file, "/var/log/bazaar.log");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_FALSE(c.access_log);
  EXPECT_EQ(c.workers, 8);
  EXPECT_EQ(c.threads, 64);
  EXPECT_EQ(c.fastcgi_kept_connections, 512);
  EXPECT_EQ(c.request_deadline_ms, 2500);
  EXPECT_EQ(c.drain_timeout_ms, 0);
  EXPECT_EQ(c.ready_timeout_ms, 3000);
  EXPECT_EQ(c.restart_backoff_min_ms, 50);
  EXPECT_EQ(c.restart_backoff_max_ms, 5000);
  EXPECT_EQ(c.crash_loop_threshold, 3);
  EXPECT_EQ(c.max_body_bytes, 65536);
  EXPECT_EQ(c.jwt_issuer, "shop.example");
  EXPECT_EQ(c.control_socket, "/run/bazaar/control.sock");
  EXPECT_EQ(c.node_id, 255);
  EXPECT_TRUE(c.test_clock);
}

TEST(ConfigTest, BooleansAcceptOnOffTrueFalseYesNo) {
  for (const char* yes : {"on", "true", "yes"}) {
    auto r = parse(std::string("access_log = off\ntest_clock = ") + yes + "\n");
    ASSERT_TRUE(r.ok()) << yes;
    EXPECT_TRUE(r->test_clock) << yes;
  }
  for (const char* no : {"off", "false", "no"}) {
    auto r = parse(std::string("access_log = ") + no + "\n");
    ASSERT_TRUE(r.ok()) << no;
    EXPECT_FALSE(r->access_log) << no;
  }
  expect_error(parse("access_log = maybe\n"),
               {"bazaar.conf:1:", "access_log", "on or off", "maybe"});
  expect_error(parse("test_clock = 1\n"), {"bazaar.conf:1:", "test_clock"});
}

TEST(ConfigTest, UnknownKeyNamesFileLineAndKey) {
  auto r = parse("# header\n\nworkers = 4\nworkerz = 4\n");
  expect_error(r, {"bazaar.conf:4:", "unknown key 'workerz'"});
}

TEST(ConfigTest, LineWithoutEqualsOrKeyIsAnError) {
  expect_error(parse("workers 4\n"), {"bazaar.conf:1:", "key = value"});
  expect_error(parse("\n\n= 4\n"), {"bazaar.conf:3:", "missing key"});
}

TEST(ConfigTest, BadIntegersAreRefusedWithTheRange) {
  struct Case {
    const char* line;
    const char* key;
  };
  for (const Case& c :
       {Case{"workers = four", "workers"}, Case{"workers = 4x", "workers"},
        Case{"workers = ", "workers"}, Case{"workers = 0", "workers"},
        Case{"workers = 16", "workers"}, Case{"workers = -1", "workers"},
        Case{"workers = +4", "workers"}, Case{"workers = 4.0", "workers"},
        Case{"threads = 513", "threads"}, Case{"listen_backlog = 15", "listen_backlog"},
        Case{"request_deadline_ms = 99", "request_deadline_ms"},
        Case{"request_deadline_ms = 600001", "request_deadline_ms"},
        Case{"max_body_bytes = 1023", "max_body_bytes"},
        Case{"max_body_bytes = 99999999999999999999999", "max_body_bytes"},
        Case{"node_id = 256", "node_id"},
        Case{"crash_loop_threshold = 0", "crash_loop_threshold"},
        Case{"event_retention_s = 3599", "event_retention_s"},
        Case{"event_retention_poll_ms = 9", "event_retention_poll_ms"}}) {
    auto r = parse(std::string("# leading comment\n") + c.line + "\n");
    expect_error(r, {"bazaar.conf:2:", c.key, "expected an integer from"});
  }
  expect_error(parse("workers = 0\n"), {"from 1 to 15", "got '0'"});
}

TEST(ConfigTest, RangeBoundsAreInclusive) {
  auto low = parse("workers = 1\nnode_id = 0\nlisten_backlog = 16\nmax_body_bytes = 1024\n");
  ASSERT_TRUE(low.ok()) << low.error().message();
  EXPECT_EQ(low->workers, 1);
  EXPECT_EQ(low->node_id, 0);
  auto high = parse("workers = 15\nthreads = 512\nmax_body_bytes = 67108864\n");
  ASSERT_TRUE(high.ok()) << high.error().message();
  EXPECT_EQ(high->max_body_bytes, 64 << 20);
  auto events = parse("event_retention_s = 3600\nevent_retention_poll_ms = 10\n");
  ASSERT_TRUE(events.ok()) << events.error().message();
  EXPECT_EQ(events->event_retention_s, 3600);
  EXPECT_EQ(events->event_retention_poll_ms, 10);
  EXPECT_EQ(HostConfig{}.event_retention_s, 72 * 3600) << "the documented default";
}

TEST(ConfigTest, ListenModeIsOctal) {
  auto r = parse("listen_mode = 0777\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->listen_mode, 0777);
  for (const char* bad : {"0800", "1000", "rw", "-1", "0o660"}) {
    expect_error(parse(std::string("listen_mode = ") + bad + "\n"),
                 {"bazaar.conf:1:", "listen_mode", "octal"});
  }
}

TEST(ConfigTest, LogLevelIsOneOfFour) {
  for (const char* level : {"debug", "info", "warn", "error"}) {
    auto r = parse(std::string("log_level = ") + level);
    ASSERT_TRUE(r.ok()) << level;
    EXPECT_EQ(r->log_level, level);
  }
  expect_error(parse("log_level = verbose\n"), {"bazaar.conf:1:", "log_level", "verbose"});
}

TEST(ConfigTest, InlineSecretIsRefused) {
  auto r = parse("workers = 2\njwt_secret = x\n");
  expect_error(r, {"bazaar.conf:2:", "jwt_secret_file", "BAZAAR_JWT_SECRET"});
  // Even a long secret: secrets never go in the file.
  expect_error(parse(std::string("jwt_secret = ") + kSecret + kSecret), {"bazaar.conf:1:"});
}

TEST(ConfigTest, SecretComesFromTheEnvironment) {
  std::string secret(40, 's');
  auto r = parse_config("", "bazaar.conf", "/srv", fake_env({{"BAZAAR_JWT_SECRET", secret}}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->jwt_secret, secret);
}

TEST(ConfigTest, MissingSecretIsAnError) {
  auto r = parse_config("workers = 2\n", "bazaar.conf", "/srv", fake_env({}));
  expect_error(r, {"bazaar.conf", "32 bytes", "BAZAAR_JWT_SECRET", "jwt_secret_file"});
  // An empty variable counts as unset.
  auto empty = parse_config("", "bazaar.conf", "/srv", fake_env({{"BAZAAR_JWT_SECRET", ""}}));
  expect_error(empty, {"32 bytes"});
}

TEST(ConfigTest, TooShortSecretIsRefused) {
  auto r = parse_config("", "bazaar.conf", "/srv",
                        fake_env({{"BAZAAR_JWT_SECRET", std::string(31, 'k')}}));
  expect_error(r, {"at least 32 bytes"});
}

TEST(ConfigTest, SecretFromFileRelativeToBaseDirAndTrimmed) {
  TempDir dir;
  std::string secret(48, 'f');
  dir.write("jwt.key", "  " + secret + "\n\n");
  auto r = parse_config("jwt_secret_file = jwt.key\n", "bazaar.conf", dir.path(), fake_env({}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->jwt_secret, secret);

  // An absolute path ignores the base folder.
  auto abs = parse_config("jwt_secret_file = " + dir.path() + "/jwt.key\n", "bazaar.conf",
                          "/nonexistent", fake_env({}));
  ASSERT_TRUE(abs.ok()) << abs.error().message();
  EXPECT_EQ(abs->jwt_secret, secret);
}

TEST(ConfigTest, EnvironmentSecretWinsOverFile) {
  TempDir dir;
  dir.write("jwt.key", std::string(48, 'f'));
  std::string from_env(33, 'e');
  auto r = parse_config("jwt_secret_file = jwt.key\n", "bazaar.conf", dir.path(),
                        fake_env({{"BAZAAR_JWT_SECRET", from_env}}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->jwt_secret, from_env);
}

TEST(ConfigTest, UnreadableOrShortSecretFileIsAnError) {
  TempDir dir;
  auto missing =
      parse_config("jwt_secret_file = nope.key\n", "bazaar.conf", dir.path(), fake_env({}));
  expect_error(missing, {"bazaar.conf", "cannot read jwt_secret_file", dir.path() + "/nope.key"});

  dir.write("short.key", "tooshort\n");
  auto short_secret =
      parse_config("jwt_secret_file = short.key\n", "bazaar.conf", dir.path(), fake_env({}));
  expect_error(short_secret, {"at least 32 bytes"});
}

TEST(ConfigTest, PluginSettings) {
  auto r = parse(
      "plugin.coupons.max_per_user = 3\n"
      "plugin.coupons.region = eu_west\n"
      "plugin.group_buy.window.seconds = 600\n"
      "plugin.coupons.note = a value with spaces = and equals\n");
  ASSERT_TRUE(r.ok()) << r.error().message();
  const auto& p = r->plugin_settings;
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p.at("coupons").at("max_per_user"), "3");
  EXPECT_EQ(p.at("coupons").at("region"), "eu_west");
  EXPECT_EQ(p.at("coupons").at("note"), "a value with spaces = and equals");
  EXPECT_EQ(p.at("group_buy").at("window.seconds"), "600");
}

TEST(ConfigTest, MalformedPluginKeysAreRefused) {
  for (const char* key :
       {"plugin.coupons", "plugin.", "plugin..x", "plugin.coupons.", "plugin.Coupons.x",
        "plugin.coupons.Max", "plugin.cou-pons.x", "plugin.coupons.a b"}) {
    auto r = parse(std::string("\n") + key + " = 1\n");
    expect_error(r, {"bazaar.conf:2:", "plugin.<name>.<key>"});
  }
}

TEST(ConfigTest, RelativePathsResolveAgainstBaseDir) {
  auto r = parse(
      "listen_socket = run/bazaar.sock\n"
      "state_dir = var\n"
      "plugin_dir = /abs/plugins\n"
      "log_file = log/host.log\n"
      "control_socket = ctl.sock\n",
      "/srv/shop");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->listen_socket, "/srv/shop/run/bazaar.sock");
  EXPECT_EQ(r->state_dir, "/srv/shop/var");
  EXPECT_EQ(r->plugin_dir, "/abs/plugins");
  EXPECT_EQ(r->log_file, "/srv/shop/log/host.log");
  EXPECT_EQ(r->control_socket, "/srv/shop/ctl.sock");

  auto def = parse("state_dir = var\n", "/srv/shop");
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->control_socket, "/srv/shop/var/control.sock");

  // No base folder: paths stay as written.
  auto none = parse("state_dir = var\n", "");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->state_dir, "var");
}

TEST(ConfigTest, CommentsBlankLinesAndWhitespace) {
  auto r = parse(
      "# a comment\n"
      "\n"
      "   \t  \n"
      "  workers   =   6   # trailing comment\n"
      "\tthreads\t=\t7\r\n"
      "#workers = 9\n"
      "node_id=5");  // no final newline
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->workers, 6);
  EXPECT_EQ(r->threads, 7);
  EXPECT_EQ(r->node_id, 5);
}

TEST(ConfigTest, LaterLinesOverrideEarlierOnes) {
  auto r = parse("workers = 3\nworkers = 5\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->workers, 5);
}

TEST(ConfigTest, BackoffMaxBelowMinIsRefused) {
  expect_error(parse("restart_backoff_min_ms = 500\nrestart_backoff_max_ms = 100\n"),
               {"bazaar.conf", "restart_backoff_max_ms", "restart_backoff_min_ms"});
  // Below the default max is fine as long as min is lower still.
  auto ok = parse("restart_backoff_min_ms = 100\nrestart_backoff_max_ms = 100\n");
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  // Raising min above the default max is refused too.
  expect_error(parse("restart_backoff_min_ms = 20000\n"), {"restart_backoff_max_ms"});
}

TEST(ConfigTest, KeptConnectionsMayNotOutnumberTheRequestThreads) {
  // 2 nginx workers x keepalive 16 = 32 kept connections, 2 workers x 16 threads.
  auto fits = parse("workers = 2\nthreads = 16\nfastcgi_kept_connections = 32\n");
  ASSERT_TRUE(fits.ok()) << fits.error().message();
  EXPECT_EQ(fits->fastcgi_kept_connections, 32);
  expect_error(parse("workers = 2\nthreads = 16\nfastcgi_kept_connections = 33\n"),
               {"bazaar.conf", "fastcgi_kept_connections = 33", "workers x threads = 32",
                "fastcgi_keep_conn off"});
  // Lowering threads under an unchanged nginx is caught the same way (at a reload too).
  expect_error(parse("threads = 8\nfastcgi_kept_connections = 32\n"), {"workers x threads = 16"});
  ASSERT_TRUE(parse("workers = 1\nthreads = 1\nfastcgi_kept_connections = 0\n").ok());
}

TEST(ConfigTest, LoadConfigReadsFileAndResolvesAgainstItsFolder) {
  TempDir dir;
  dir.write("jwt.key", std::string(40, 'z') + "\n");
  std::string path = dir.write("bazaar.conf", "jwt_secret_file = jwt.key\nstate_dir = st\n");
  auto r = load_config(path, fake_env({}));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->state_dir, dir.path() + "/st");
  EXPECT_EQ(r->jwt_secret, std::string(40, 'z'));

  // Errors name the file path.
  std::string bad = dir.write("bad.conf", "workers = 1\nbogus = 1\n");
  expect_error(load_config(bad, env_with_secret()), {bad + ":2:", "bogus"});

  expect_error(load_config(dir.path() + "/missing.conf", env_with_secret()),
               {"cannot read configuration file"});
}

TEST(ConfigTest, CacheDefaultsToNoneWithShortTimeoutAndOneHandlePerThread) {
  auto r = parse("threads = 12\n");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->memcached_servers, "");
  EXPECT_EQ(r->cache_timeout_ms, 50);
  EXPECT_EQ(r->cache_pool_size, 12);  // follows threads when not given

  // The rendered template leaves the key empty when no memcached is wanted.
  auto empty = parse("memcached_servers =\n");
  ASSERT_TRUE(empty.ok()) << empty.error().message();
  EXPECT_EQ(empty->memcached_servers, "");
}

TEST(ConfigTest, CacheKeysAreParsed) {
  auto r = parse(
      "memcached_servers = 127.0.0.1:11211 , cache-2.internal:11212\n"
      "cache_timeout_ms = 20\n"
      "cache_pool_size = 4\n");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->memcached_servers, "127.0.0.1:11211,cache-2.internal:11212");
  EXPECT_EQ(r->cache_timeout_ms, 20);
  EXPECT_EQ(r->cache_pool_size, 4);
}

TEST(ConfigTest, CacheValuesOutOfRangeAreRefused) {
  expect_error(parse("cache_timeout_ms = 0\n"), {"cache_timeout_ms", "1 to 1000"});
  expect_error(parse("cache_timeout_ms = 1001\n"), {"cache_timeout_ms"});
  expect_error(parse("cache_pool_size = 0\n"), {"cache_pool_size"});
  expect_error(parse("memcached_servers = 127.0.0.1\n"), {"memcached_servers", "host:port"});
  expect_error(parse("memcached_servers = 127.0.0.1:0\n"), {"memcached_servers"});
  expect_error(parse("memcached_servers = 127.0.0.1:70000\n"), {"memcached_servers"});
  expect_error(parse("memcached_servers = :11211\n"), {"memcached_servers"});
  expect_error(parse("memcached_servers = a:1,,b:2\n"), {"memcached_servers"});
  expect_error(parse("memcached_servers = a b:11211\n"), {"memcached_servers"});
}

}  // namespace
}  // namespace bazaar::host
