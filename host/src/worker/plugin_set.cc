#include "worker/plugin_set.h"

#include "services/events/event_wire.h"
#include "services/timers/timer_store.h"
#include "worker/plugin_loader.h"
#include "worker/router.h"

namespace bazaar::host {
namespace {

constexpr size_t kErrLen = 512;

// Registers the built-ins and every accepted plugin's routes, plus `candidate`'s,
// into a scratch router; any clash refuses the candidate before it runs any code.
Status check_routes(const std::vector<BuiltinRoute>& builtins,
                    const std::vector<LoadedPlugin>& accepted, const bz_plugin* candidate) {
  Router trial;
  size_t id = 0;
  for (const auto& b : builtins) {
    if (!trial.add(b.method, b.pattern, id++).ok()) return internal_error("built-in route clash");
  }
  for (const auto& p : accepted) {
    for (size_t i = 0; i < p.def->route_count; ++i) {
      (void)trial.add(p.def->routes[i].method, p.def->routes[i].pattern, id++);
    }
  }
  for (size_t i = 0; i < candidate->route_count; ++i) {
    const bz_route& r = candidate->routes[i];
    if (r.method == nullptr || r.pattern == nullptr || r.handler == nullptr) {
      return failed_precondition("BAD_ROUTE", "route " + std::to_string(i) + " is incomplete");
    }
    if ((r.roles & ~BZ_ROLE_ANY) != 0) {
      return failed_precondition("BAD_ROUTE", std::string("route ") + r.pattern + " has unknown roles");
    }
    Status added = trial.add(r.method, r.pattern, id++);
    if (!added.ok()) return added.error();
  }
  return ok_status();
}

bool valid_identifier(const char* s) {
  if (s == nullptr || *s == '\0') return false;
  size_t n = 0;
  for (const char* p = s; *p != '\0'; ++p, ++n) {
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_') || n >= 64) return false;
  }
  return true;
}

// ABI 1.2 tables: subscriptions and services (timers are checked with the timer store).
Status check_subscriptions_and_services(const std::vector<LoadedPlugin>& accepted,
                                        const bz_plugin* candidate) {
  if (candidate->struct_size < BZ_PLUGIN_V1_2_SIZE) return ok_status();
  for (size_t i = 0; i < candidate->subscription_count; ++i) {
    const bz_subscription& s = candidate->subscriptions[i];
    if (!valid_identifier(s.name) || s.handler == nullptr || s.topic_prefix == nullptr ||
        !valid_topic(s.topic_prefix)) {
      return failed_precondition("BAD_SUBSCRIPTION",
                                 "subscription " + std::to_string(i) +
                                     " needs a [a-z0-9_] name, a handler and a topic prefix "
                                     "ending with '.'");
    }
    for (size_t j = 0; j < i; ++j) {
      if (std::string_view(candidate->subscriptions[j].name) == s.name) {
        return failed_precondition("BAD_SUBSCRIPTION", std::string("subscription '") + s.name +
                                                           "' is declared twice");
      }
    }
  }
  for (size_t i = 0; i < candidate->signal_handler_count; ++i) {
    const bz_subscription& s = candidate->signal_handlers[i];
    if (!valid_identifier(s.name) || s.handler == nullptr || s.topic_prefix == nullptr ||
        !valid_topic(s.topic_prefix)) {
      return failed_precondition("BAD_SIGNAL_HANDLER",
                                 "signal handler " + std::to_string(i) +
                                     " needs a [a-z0-9_] name, a handler and a topic prefix "
                                     "ending with '.'");
    }
  }
  std::string prefix = std::string(candidate->name) + ".";
  for (size_t i = 0; i < candidate->service_count; ++i) {
    const bz_service& svc = candidate->services[i];
    if (svc.name == nullptr || svc.handler == nullptr || !std::string_view(svc.name).starts_with(prefix) ||
        !valid_identifier(svc.name + prefix.size())) {
      return failed_precondition("BAD_SERVICE", "services are named '" + prefix +
                                                    "<verb>' and need a handler");
    }
    for (const LoadedPlugin& p : accepted) {
      if (p.def->struct_size < BZ_PLUGIN_V1_2_SIZE) continue;
      for (size_t j = 0; j < p.def->service_count; ++j) {
        if (std::string_view(p.def->services[j].name) == svc.name) {
          return failed_precondition("BAD_SERVICE", std::string("service ") + svc.name +
                                                        " is already offered by " + p.info.name);
        }
      }
    }
  }
  return ok_status();
}

// ABI 1.2 timer table: every kind valid ([a-z0-9_]{1,64}), unique, with a handler.
Status check_timers(const bz_plugin* candidate) {
  if (candidate->struct_size < BZ_PLUGIN_V1_2_SIZE || candidate->timer_handler_count == 0) {
    return ok_status();
  }
  if (candidate->timer_handlers == nullptr) {
    return failed_precondition("BAD_TIMER", "timer_handler_count is set but timer_handlers is NULL");
  }
  for (size_t i = 0; i < candidate->timer_handler_count; ++i) {
    const bz_timer_handler& t = candidate->timer_handlers[i];
    if (t.kind == nullptr || t.handler == nullptr) {
      return failed_precondition("BAD_TIMER", "timer handler " + std::to_string(i) +
                                                  " needs a kind and a handler");
    }
    Status kind = validate_timer_kind(t.kind);
    if (!kind.ok()) return failed_precondition("BAD_TIMER", kind.error().message());
    for (size_t j = 0; j < i; ++j) {
      if (std::string_view(candidate->timer_handlers[j].kind) == t.kind) {
        return failed_precondition("BAD_TIMER", std::string("timer kind '") + t.kind +
                                                    "' is declared twice");
      }
    }
  }
  return ok_status();
}

}  // namespace

PluginSet PluginSet::load(const std::vector<ManifestPlugin>& files, const HostServices& services,
                          const HostConfig& config, const std::vector<BuiltinRoute>& builtins,
                          const PluginSetOptions& options) {
  PluginSet set;
  for (const ManifestPlugin& file : files) {
    auto refuse = [&](const std::string& reason) {
      set.refused_.push_back({file.source.empty() ? file.path : file.source, reason});
    };
    auto opened = open_plugin(file.path);
    if (!opened.ok()) {
      refuse(opened.error().message());
      continue;
    }
    const bz_plugin* def = *opened;
    std::string name = def->name;
    bool duplicate = false;
    for (const auto& p : set.plugins_) {
      if (p.info.name == name) {
        refuse("duplicate plugin name '" + name + "' (already loaded from " + p.info.source + ")");
        duplicate = true;
      }
    }
    if (duplicate) continue;
    Status routes = check_routes(builtins, set.plugins_, def);
    if (!routes.ok()) {
      refuse("plugin '" + name + "': " + routes.error().message());
      continue;
    }
    Status tables = check_subscriptions_and_services(set.plugins_, def);
    if (!tables.ok()) {
      refuse("plugin '" + name + "': " + tables.error().message());
      continue;
    }
    Status timers = check_timers(def);
    if (!timers.ok()) {
      refuse("plugin '" + name + "': " + timers.error().message());
      continue;
    }

    auto host = std::make_unique<bz_host>();
    host->plugin_name = name;
    host->def = def;
    host->services = &services;
    if (auto it = config.plugin_settings.find(name); it != config.plugin_settings.end()) {
      host->settings = it->second;
    }
    char err[kErrLen] = {0};
    void* ctx = nullptr;
    bz_status st = def->init(host_api_table(), host.get(), &ctx, err, sizeof(err));
    err[kErrLen - 1] = '\0';
    if (st != BZ_OK) {
      refuse("plugin '" + name + "' init failed: " + (err[0] != '\0' ? err : "no reason given"));
      continue;
    }
    if (options.run_self_test && def->self_test != nullptr) {
      st = def->self_test(ctx, err, sizeof(err));
      err[kErrLen - 1] = '\0';
      if (st != BZ_OK) {
        if (def->shutdown != nullptr) def->shutdown(ctx);
        refuse("plugin '" + name + "' self-test failed: " + (err[0] != '\0' ? err : "no reason given"));
        continue;
      }
    }
    LoadedPlugin loaded;
    loaded.info = file;
    loaded.info.name = name;
    loaded.info.version = def->version;
    loaded.def = def;
    loaded.ctx = ctx;
    loaded.host = std::move(host);
    set.plugins_.push_back(std::move(loaded));
  }
  return set;
}

void PluginSet::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
    if (it->def->shutdown != nullptr) it->def->shutdown(it->ctx);
  }
}

}  // namespace bazaar::host
