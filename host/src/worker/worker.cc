#include "worker/worker.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "worker/background_tasks.h"
#include "worker/builtin_routes.h"
#include "services/cache/cache_from_config.h"
#include "services/cache/near_cache.h"
#include "common/config.h"
#include "services/storage/storage_from_config.h"
#include "services/ids/id_generator.h"
#include "services/storage/shard_set.h"
#include "worker/dispatcher.h"
#include "worker/fcgi_server.h"
#include "common/logger.h"
#include "common/manifest.h"
#include "worker/plugin_hooks.h"
#include "worker/plugin_set.h"
#include "services/events/event_wire.h"
#include "services/events/signal_bus.h"
#include "services/service_registry.h"
#include "common/shared_metrics.h"

namespace bazaar::host {
namespace {

constexpr int kExitConfig = 2;
constexpr int kExitPlugins = 3;
constexpr int kExitRuntime = 4;

sigset_t control_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGQUIT);
  sigaddset(&set, SIGHUP);
  return set;
}

int open_log(const HostConfig& config) {
  if (config.log_file.empty()) return STDERR_FILENO;
  int fd = open(config.log_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  return fd < 0 ? STDERR_FILENO : fd;
}

// What both workers and the validation child need before loading plugins.
struct ProcessBase {
  HostConfig config;
  std::unique_ptr<Logger> logger;
};

bool load_base(const std::string& config_path, const std::string& process, ProcessBase& base) {
  auto config = load_config(config_path, process_env());
  if (!config.ok()) {
    fprintf(stderr, "%s\n", config.error().message().c_str());
    return false;
  }
  base.config = std::move(*config);
  base.logger = std::make_unique<Logger>(open_log(base.config),
                                         Logger::parse_level(base.config.log_level), process);
  return true;
}

}  // namespace

int worker_main(const WorkerArgs& args) {
  // The master supervises; if it dies, drain and go.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGINT, SIG_IGN);  // Ctrl-C reaches the master, which stops workers in order
  sigset_t signals = control_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread we start

  const bool request_role = args.role == WorkerRole::kRequest;
  ProcessBase base;
  if (!load_base(args.config_path, request_role ? "worker" : "background", base)) {
    return kExitConfig;
  }
  const Logger& log = *base.logger;
  auto metrics = SharedMetrics::attach(args.metrics_fd);
  if (!metrics.ok()) {
    log.log(BZ_LOG_ERROR, metrics.error().message());
    return kExitRuntime;
  }
  OffsetClock clock(&metrics->node().clock_offset_ms);
  const SharedMetrics& m = *metrics;
  SharedMetrics::Counter commits = m.counter("bazaar_db_commits_total");
  SharedMetrics::Counter busy_waits = m.counter("bazaar_db_busy_waits_total");
  SharedMetrics::Counter busy_timeouts = m.counter("bazaar_db_busy_timeouts_total");
  SharedMetrics::Counter batched = m.counter("bazaar_storage_batched_txns_total");
  DatabaseStats db_stats{[commits] { commits.add(); },
                         [busy_waits, busy_timeouts](int64_t waited_us) {
                           // 0 marks the start of a wait; a value is a wait that gave up.
                           (waited_us == 0 ? busy_waits : busy_timeouts).add();
                         },
                         [batched](int members) { batched.add(static_cast<uint64_t>(members)); }};
  ShardSet shards(shard_set_options(base.config), db_stats);
  // Worker ids alternate halves by generation so an old and a new worker in
  // the same slot never share one during a roll.
  uint32_t worker_id = static_cast<uint32_t>(args.index) + 16u * static_cast<uint32_t>(args.generation % 2);
  IdGenerator ids(clock, static_cast<uint32_t>(base.config.node_id), worker_id,
                  &m.node().id_floor_ms[worker_id & IdGenerator::kMaxWorker]);
  auto cache = cache_from_config(base.config, &m);
  if (!cache.ok()) {
    log.log(BZ_LOG_ERROR, cache.error().message());
    return kExitConfig;
  }
  // In front of memcached only: without one there is nothing to save.
  std::unique_ptr<NearCache> near;
  if (!base.config.memcached_servers.empty() && base.config.cache_near_bytes > 0) {
    NodeState& node = m.node();
    SharedMetrics::Counter hits = m.counter("bazaar_cache_near_requests_total", "result=\"hit\"");
    SharedMetrics::Counter misses = m.counter("bazaar_cache_near_requests_total", "result=\"miss\"");
    near = std::make_unique<NearCache>(
        NearStamps{&node.cache_sequence, node.cache_stamps, std::size(node.cache_stamps)},
        static_cast<size_t>(base.config.cache_near_bytes),
        [hits, misses](bool hit) { (hit ? hits : misses).add(); });
  }
  HostServices services{&log, &clock, &m, &shards, &ids, cache->get(), near.get()};

  auto manifest = read_manifest(args.manifest_path);
  if (!manifest.ok()) {
    log.log(BZ_LOG_ERROR, manifest.error().message());
    return kExitPlugins;
  }
  PluginSet plugins = PluginSet::load(manifest->plugins, services, base.config,
                                      builtin_route_patterns(), PluginSetOptions{});
  if (!plugins.refused().empty()) {
    // The validation child accepted these; refusing now means a plugin behaves
    // differently from one load to the next. Fail loudly: this worker never becomes ready.
    for (const auto& r : plugins.refused()) {
      log.log(BZ_LOG_ERROR, "plugin refused in worker after passing validation",
              {{"file", r.file}, {"reason", r.reason}});
    }
    return kExitPlugins;
  }

  ServiceRegistry registry;
  register_services(plugins, registry);
  services.registry = &registry;  // before any thread starts: read-only from here on
  BusEndpoints bus = bus_endpoints(base.config.state_dir, args.generation);
  SignalPublisher signal_publisher(bus.publish);
  services.signals = &signal_publisher;

  BuiltinState builtin_state;
  builtin_state.metrics = &*metrics;
  builtin_state.manifest = &*manifest;
  builtin_state.plugins = &plugins;
  std::vector<RouteSpec> routes = builtin_routes(&builtin_state);
  for (const auto& p : plugins.plugins()) {
    for (size_t i = 0; i < p.def->route_count; ++i) {
      const bz_route& r = p.def->routes[i];
      routes.push_back({r.method, r.pattern, r.roles, r.handler, p.ctx, p.info.name});
    }
  }
  JwtVerifier jwt(base.config.jwt_secret, base.config.jwt_issuer);
  Dispatcher::Options options{base.config.request_deadline_ms, base.config.max_body_bytes,
                              base.config.access_log};
  SystemClock wall_clock;
  auto dispatcher =
      Dispatcher::build(std::move(routes), {&jwt, &clock, &log, &*metrics, &wall_clock}, options);
  if (!dispatcher.ok()) {
    log.log(BZ_LOG_ERROR, dispatcher.error().message());
    return kExitPlugins;
  }

  std::unique_ptr<FcgiServer> server;
  std::unique_ptr<BackgroundLoop> background;
  if (!request_role) {
    BackgroundContext ctx{&base.config, &services, &plugins, args.generation};
    background = std::make_unique<BackgroundLoop>(make_background_tasks(ctx), log);
    background->start();
  } else if (std::vector<SignalHandler> handlers = signal_handlers_of(plugins); !handlers.empty()) {
    // Request workers run no background tasks but do hear signals.
    std::vector<std::unique_ptr<BackgroundTask>> tasks;
    tasks.push_back(std::make_unique<SignalListener>(bus.subscribe, services, std::move(handlers)));
    background = std::make_unique<BackgroundLoop>(std::move(tasks), log);
    background->start();
  }
  if (request_role) {
    server = std::make_unique<FcgiServer>(args.listen_fd, base.config.threads, **dispatcher, log);
    Status started = server->start();
    if (!started.ok()) {
      log.log(BZ_LOG_ERROR, started.error().message());
      return kExitRuntime;
    }
  }
  char ready = 'R';
  if (write(args.ready_fd, &ready, 1) != 1) return kExitRuntime;
  close(args.ready_fd);
  log.log(BZ_LOG_INFO, "worker ready",
          {{"generation", static_cast<int64_t>(args.generation)},
           {"index", int64_t{args.index}},
           {"plugins", static_cast<int64_t>(plugins.plugins().size())}});

  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGQUIT) _exit(0);
    if (sig == SIGTERM) break;
  }
  builtin_state.draining = true;
  log.log(BZ_LOG_INFO, "worker draining", {{"generation", static_cast<int64_t>(args.generation)}});
  if (background && !background->stop(base.config.drain_timeout_ms)) {
    log.log(BZ_LOG_WARN, "background tasks did not finish within the drain time-out");
    _exit(0);
  }
  if (server) {
    server->stop_accepting();
    // Kept connections are closed by nginx, never here (fcgi_server.h): serve until then.
    log.log(BZ_LOG_INFO, "no longer accepting; serving the open connections until nginx closes them",
            {{"open_connections", int64_t{server->open_connections()}}});
    if (!server->wait_stopped(base.config.drain_timeout_ms)) {
      log.log(BZ_LOG_WARN, "drain timed out; exiting with requests in flight",
              {{"in_flight", int64_t{server->in_flight()}},
               {"open_connections", int64_t{server->open_connections()}}});
      _exit(0);
    }
  }
  plugins.shutdown();
  log.log(BZ_LOG_INFO, "worker stopped", {{"generation", static_cast<int64_t>(args.generation)}});
  // Skip static destructors: plugin libraries stay mapped and may still own statics.
  _exit(0);
}

int validate_main(const std::string& config_path, const std::string& manifest_in,
                  const std::string& manifest_out) {
  signal(SIGPIPE, SIG_IGN);
  ProcessBase base;
  if (!load_base(config_path, "validator", base)) return kExitConfig;
  auto manifest = read_manifest(manifest_in);
  if (!manifest.ok()) {
    base.logger->log(BZ_LOG_ERROR, manifest.error().message());
    return kExitPlugins;
  }
  // The validation child has no node segment of its own to share.
  auto metrics = SharedMetrics::create(256);
  if (!metrics.ok()) return kExitRuntime;
  SystemClock clock;
  HostServices services{base.logger.get(), &clock, &*metrics};
  PluginSet plugins = PluginSet::load(manifest->plugins, services, base.config,
                                      builtin_route_patterns(), PluginSetOptions{true});
  Manifest out;
  out.generation = manifest->generation;
  out.refused = manifest->refused;
  for (const auto& p : plugins.plugins()) out.plugins.push_back(p.info);
  for (const auto& r : plugins.refused()) out.refused.push_back(r);
  plugins.shutdown();
  Status written = write_manifest(manifest_out, out);
  if (!written.ok()) return kExitRuntime;
  _exit(0);
}

}  // namespace bazaar::host
