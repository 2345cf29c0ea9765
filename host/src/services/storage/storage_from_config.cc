#include "services/storage/storage_from_config.h"

namespace bazaar::host {

ShardSetOptions shard_set_options(const HostConfig& config) {
  ShardSetOptions o;
  o.dir = config.data_dir;
  o.shard_count = static_cast<uint32_t>(config.shards);
  o.shard_synchronous = config.shard_sync_full ? Synchronous::kFull : Synchronous::kNormal;
  o.meta_synchronous = config.meta_sync_full ? Synchronous::kFull : Synchronous::kNormal;
  o.busy_limit_ms = config.db_busy_limit_ms;
  o.write_batch_max = config.shard_write_batch;
  return o;
}

}  // namespace bazaar::host
