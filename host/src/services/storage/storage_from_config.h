// The node's storage as the host configuration describes it.
#pragma once

#include "common/config.h"
#include "services/storage/shard_set.h"

namespace bazaar::host {

// The shard layout: data_dir, shard count, synchronous settings, busy limit
// and write batching.
ShardSetOptions shard_set_options(const HostConfig& config);

}  // namespace bazaar::host
