#include "worker/background_tasks.h"

#include <zmq.hpp>

#include "services/events/event_consumer.h"
#include "services/events/event_retention.h"
#include "services/events/event_wire.h"
#include "services/events/outbox_relay.h"
#include "services/events/replay_server.h"
#include "services/events/signal_bus.h"
#include "services/timers/timer_runner.h"
#include "worker/plugin_hooks.h"

namespace bazaar::host {

std::vector<std::unique_ptr<BackgroundTask>> make_background_tasks(const BackgroundContext& ctx) {
  std::vector<std::unique_ptr<BackgroundTask>> tasks;
  const HostServices& services = *ctx.services;
  auto node = static_cast<uint32_t>(ctx.config->node_id);
  BusEndpoints bus = bus_endpoints(ctx.config->state_dir, ctx.generation);
  // One ZeroMQ context per process, shared by the tasks' sockets (each socket
  // stays on its task's thread).
  auto zmq_ctx = std::make_shared<zmq::context_t>(1);
  tasks.push_back(std::make_unique<ReplayServer>(zmq_ctx, bus.replay, services, node));
  tasks.push_back(std::make_unique<OutboxRelay>(zmq_ctx, bus.publish, services, node));
  tasks.push_back(std::make_unique<EventRetention>(services, ctx.config->event_retention_s * 1000,
                                                   ctx.config->event_retention_poll_ms));
  std::vector<SignalHandler> signal_handlers = signal_handlers_of(*ctx.plugins);
  if (!signal_handlers.empty()) {
    tasks.push_back(std::make_unique<SignalListener>(bus.subscribe, services, std::move(signal_handlers)));
  }
  std::vector<ConsumerSpec> consumers = consumers_of(*ctx.plugins);
  if (!consumers.empty()) {
    tasks.push_back(std::make_unique<EventConsumer>(zmq_ctx, bus, services, node, std::move(consumers)));
  }
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
