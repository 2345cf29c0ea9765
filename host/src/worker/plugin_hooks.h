// What the loaded plugins declare besides routes (ABI 1.2), handed to the
// services in the services' own terms: event subscriptions as consumers,
// signal handlers, timer handlers, and the services plugins offer each other.
// A plugin built for ABI 1.0 or 1.1 declares none of them.
#pragma once

#include <bazaar/plugin.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "services/events/event_consumer.h"
#include "services/events/signal_bus.h"
#include "services/service_registry.h"
#include "services/timers/timer_runner.h"
#include "worker/plugin_set.h"

namespace bazaar::host {

// One consumer per subscription, named "<plugin>.<subscription>".
std::vector<ConsumerSpec> consumers_of(const PluginSet& plugins);

// Every loaded plugin's signal handlers.
std::vector<SignalHandler> signal_handlers_of(const PluginSet& plugins);

// Registers every service of every loaded plugin (names are unique: the
// plugin set refused any plugin repeating one).
void register_services(const PluginSet& plugins, ServiceRegistry& registry);

// The handlers the loaded plugins declare (bz_plugin.timer_handlers, ABI 1.2).
// Keeps pointers into `plugins`, which must outlive it.
class PluginTimerHandlers final : public TimerHandlers {
 public:
  explicit PluginTimerHandlers(const PluginSet& plugins);
  TimerOutcome run(std::string_view plugin, const bz_timer& timer) override;

 private:
  struct Entry {
    bz_timer_fn fn;
    void* ctx;
    uint32_t abi_version;  // the plugin's: which bz_timer layout it reads
  };
  // plugin name -> kind -> handler
  std::map<std::string, std::map<std::string, Entry, std::less<>>, std::less<>> handlers_;
};

}  // namespace bazaar::host
