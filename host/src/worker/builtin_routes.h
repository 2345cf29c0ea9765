// Routes the host serves itself: /healthz, /readyz, /metrics and
// /api/v1/admin/plugins. They go through the same router, auth and metrics as
// plugin routes.
#pragma once

#include <atomic>
#include <vector>

#include "common/manifest.h"
#include "common/shared_metrics.h"
#include "worker/dispatcher.h"
#include "worker/plugin_set.h"

namespace bazaar::host {

// What the built-in handlers read. Owned by the worker; outlives the dispatcher.
struct BuiltinState {
  const SharedMetrics* metrics = nullptr;
  const Manifest* manifest = nullptr;
  const PluginSet* plugins = nullptr;
  std::atomic<bool> draining{false};
};

// Method and pattern of every built-in (for clash checks before plugins load).
std::vector<BuiltinRoute> builtin_route_patterns();

std::vector<RouteSpec> builtin_routes(BuiltinState* state);

}  // namespace bazaar::host
