// The services one process hands its plugins: every bz_host points to them
// (abi/host_api.h), and the background tasks that serve plugins (events,
// signals) work with them. Built by the worker before any plugin loads.
#pragma once

#include "common/clock.h"
#include "common/logger.h"
#include "common/shared_metrics.h"
#include "services/cache/cache.h"
#include "services/ids/id_generator.h"
#include "services/storage/shard_set.h"

namespace bazaar::host {

// Services shared by every plugin of a process. Outlives all plugins.
struct HostServices {
  const Logger* logger = nullptr;
  const Clock* clock = nullptr;
  const SharedMetrics* metrics = nullptr;
  ShardSet* shards = nullptr;     // null where storage is not offered (the validation child)
  IdGenerator* ids = nullptr;
  Cache* cache = nullptr;  // null: no cache configured (every call a no-op miss)
  class NearCache* near_cache = nullptr;  // null: cache_get_near reads memcached every time
  const class ServiceRegistry* registry = nullptr;  // filled after the plugin set loads
  class SignalPublisher* signals = nullptr;         // null: no bus (the validation child)
};

}  // namespace bazaar::host
