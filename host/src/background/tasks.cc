#include "background/tasks.h"

#include "timers/timer_runner.h"

namespace bazaar::host {

std::vector<std::unique_ptr<BackgroundTask>> make_background_tasks(const BackgroundContext& ctx) {
  std::vector<std::unique_ptr<BackgroundTask>> tasks;
  const HostServices& services = *ctx.services;
  if (services.shards != nullptr) {
    TimerRunnerOptions timers;
    timers.poll_ms = ctx.config->timer_poll_ms;
    timers.lease_ms = ctx.config->timer_lease_ms;
    timers.backoff_min_ms = ctx.config->timer_backoff_min_ms;
    timers.backoff_max_ms = ctx.config->timer_backoff_max_ms;
    tasks.push_back(std::make_unique<TimerRunner>(
        *services.shards, *services.clock, *services.logger, services.metrics,
        std::make_unique<PluginTimerHandlers>(*ctx.plugins), timers));
  }
  return tasks;
}

}  // namespace bazaar::host
