// ABI 1.2: cache. Placeholder until the memcached client lands: every call is
// a miss or a no-op, which is also the documented behaviour with no cache
// configured (memcached is never the source of truth).
#include "host_api_internal.h"

namespace bazaar::host::api {

int64_t cache_get(bz_host*, bz_str, char*, size_t) { return -1; }
bz_status cache_set(bz_host*, bz_str, bz_str, uint32_t) { return BZ_OK; }
bz_status cache_add(bz_host*, bz_str, bz_str, uint32_t) { return BZ_OK; }
bz_status cache_delete(bz_host*, bz_str) { return BZ_OK; }
bz_status cache_delete_after_commit(bz_txn* txn, bz_str key) {
  txn->cache_deletes.emplace_back(sv(key));
  return BZ_OK;
}
bz_status cache_incr(bz_host*, bz_str, uint64_t, uint32_t, uint64_t*) { return BZ_UNAVAILABLE; }

}  // namespace bazaar::host::api
