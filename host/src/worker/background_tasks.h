// The background worker's tasks, built from the configuration and the loaded
// plugin set. Each feature (timers, outbox relay, event consumers) adds its
// tasks here.
#pragma once

#include <memory>
#include <vector>

#include "abi/host_api.h"
#include "common/background_task.h"
#include "common/config.h"
#include "worker/plugin_set.h"

namespace bazaar::host {

struct BackgroundContext {
  const HostConfig* config = nullptr;
  const HostServices* services = nullptr;
  const PluginSet* plugins = nullptr;
  uint64_t generation = 0;
};

std::vector<std::unique_ptr<BackgroundTask>> make_background_tasks(const BackgroundContext& ctx);

}  // namespace bazaar::host
