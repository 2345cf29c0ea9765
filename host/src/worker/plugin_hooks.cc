#include "worker/plugin_hooks.h"

#include "common/plugin_abi_compat.h"

namespace bazaar::host {
namespace {

constexpr size_t kErrLen = 1024;

const char* status_name(bz_status s) {
  switch (s) {
    case BZ_OK: return "OK";
    case BZ_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case BZ_UNAUTHENTICATED: return "UNAUTHENTICATED";
    case BZ_PERMISSION_DENIED: return "PERMISSION_DENIED";
    case BZ_NOT_FOUND: return "NOT_FOUND";
    case BZ_CONFLICT: return "CONFLICT";
    case BZ_FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case BZ_RATE_LIMITED: return "RATE_LIMITED";
    case BZ_UNAVAILABLE: return "UNAVAILABLE";
    case BZ_INTERNAL: return "INTERNAL";
  }
  return "UNKNOWN";
}

}  // namespace

std::vector<ConsumerSpec> consumers_of(const PluginSet& plugins) {
  std::vector<ConsumerSpec> out;
  for (const LoadedPlugin& p : plugins.plugins()) {
    if (p.def->struct_size < BZ_PLUGIN_V1_2_SIZE) continue;
    for (size_t i = 0; i < p.def->subscription_count; ++i) {
      const bz_subscription& s = p.def->subscriptions[i];
      out.push_back({p.info.name + "." + s.name, s.topic_prefix, s.handler, p.ctx, p.host.get(),
                     p.def->abi_version});
    }
  }
  return out;
}

std::vector<SignalHandler> signal_handlers_of(const PluginSet& plugins) {
  std::vector<SignalHandler> out;
  for (const LoadedPlugin& p : plugins.plugins()) {
    if (p.def->struct_size < BZ_PLUGIN_V1_2_SIZE) continue;
    for (size_t i = 0; i < p.def->signal_handler_count; ++i) {
      const bz_subscription& s = p.def->signal_handlers[i];
      out.push_back({s.topic_prefix, s.handler, p.ctx, p.info.name, p.def->abi_version});
    }
  }
  return out;
}

void register_services(const PluginSet& plugins, ServiceRegistry& registry) {
  for (const LoadedPlugin& p : plugins.plugins()) {
    if (p.def->struct_size < BZ_PLUGIN_V1_2_SIZE) continue;
    for (size_t i = 0; i < p.def->service_count; ++i) {
      registry.add(p.def->services[i].name, {p.def->services[i].handler, p.ctx});
    }
  }
}

PluginTimerHandlers::PluginTimerHandlers(const PluginSet& plugins) {
  for (const LoadedPlugin& p : plugins.plugins()) {
    if (p.def->struct_size < BZ_PLUGIN_V1_2_SIZE) continue;  // no timer table before ABI 1.2
    for (size_t i = 0; i < p.def->timer_handler_count; ++i) {
      const bz_timer_handler& h = p.def->timer_handlers[i];
      handlers_[p.info.name][h.kind] = Entry{h.handler, p.ctx, p.def->abi_version};
    }
  }
}

TimerOutcome PluginTimerHandlers::run(std::string_view plugin, const bz_timer& timer) {
  auto by_plugin = handlers_.find(plugin);
  if (by_plugin == handlers_.end()) return {TimerOutcome::Kind::kNoHandler, {}};
  auto it = by_plugin->second.find(std::string_view(timer.kind.data, timer.kind.len));
  if (it == by_plugin->second.end()) return {TimerOutcome::Kind::kNoHandler, {}};
  char err[kErrLen] = {0};
  bz_status st = call_timer_handler(it->second.fn, it->second.ctx, it->second.abi_version, timer, err,
                                    sizeof(err));
  err[kErrLen - 1] = '\0';
  if (st == BZ_OK) return {TimerOutcome::Kind::kDone, {}};
  return {TimerOutcome::Kind::kFailed,
          err[0] != '\0' ? std::string(err) : std::string(status_name(st))};
}

}  // namespace bazaar::host
