// The host side of the plugin ABI: the bz_host handle each plugin gets, the
// per-request bz_response, and the bz_host_api function table. bz_event_ctx,
// an event on its way to a consumer, is the event consumer's
// (services/events/event_consumer.h).
#pragma once

#include <bazaar/plugin.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/host_services.h"
#include "services/storage/transaction.h"
#include "services/storage/write_batcher.h"

namespace bazaar::host {

// Where a request's CGI parameters come from (FastCGI in production, a map in tests).
class ParamSource {
 public:
  virtual ~ParamSource() = default;
  virtual const char* get(const char* name) const = 0;  // NULL when absent
};

// What bz_request.host_request points to.
struct RequestContext {
  const ParamSource* params = nullptr;
};

const bz_host_api* host_api_table();

}  // namespace bazaar::host

// Opaque to plugins; one per loaded plugin per process.
struct bz_host {
  std::string plugin_name;
  const bazaar::host::HostServices* services = nullptr;
  std::map<std::string, std::string> settings;
  const bz_plugin* def = nullptr;  // its descriptor (declared timer kinds); null in unit tests
};

// Opaque to plugins; one per request.
struct bz_response {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view request_id;
  bool wrote_error = false;
  std::string error_code;  // for logs and metrics
};

// Opaque to plugins: an open transaction. Either a leased connection and its
// Transaction (reads, meta, and writes when batching is off) or a member of
// the shard's write batch (storage/write_batcher.h).
struct bz_txn {
  std::optional<bazaar::host::Lease> lease;
  std::optional<bazaar::host::Transaction> txn;
  std::optional<bazaar::host::BatchMember> member;
  bz_host* host = nullptr;  // the plugin that began it (names its outbox rows and timers)
  uint32_t shard = 0;       // shard index or BZ_SHARD_META
  std::vector<std::string> cache_deletes;  // run after a successful commit

  bazaar::host::Database& db() const { return member ? member->db() : **lease; }
  bazaar::Status commit() { return member ? member->commit() : txn->commit(); }
};

// Opaque to plugins: a byte buffer the host owns.
struct bz_buf {
  std::string bytes;
};
