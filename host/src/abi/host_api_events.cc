// ABI 1.2: events. Publishing writes the outbox row inside the caller's
// transaction; a consumer's transaction starts with its inbox row.
#include <nlohmann/json.hpp>

#include "abi/host_api_internal.h"
#include "services/events/event_consumer.h"
#include "services/events/event_wire.h"
#include "services/events/outbox_store.h"

namespace bazaar::host::api {
namespace {
constexpr size_t kMaxPayloadBytes = 64 * 1024;
}

bz_status event_publish(bz_txn* txn, bz_str topic, bz_str payload, char* err, size_t err_len) {
  std::string_view t = sv(topic);
  std::string_view p = sv(payload);
  if (!valid_topic(t)) {
    copy_error(err, err_len, "topic must be [a-z0-9_.] segments ending with '.', e.g. order.paid.");
    return BZ_INVALID_ARGUMENT;
  }
  if (p.size() > kMaxPayloadBytes || !nlohmann::json::accept(p)) {
    copy_error(err, err_len, "payload must be JSON of at most 64 KiB");
    return BZ_INVALID_ARGUMENT;
  }
  const HostServices& services = *txn->host->services;
  if (services.ids == nullptr) {
    copy_error(err, err_len, "events are not available in this process");
    return BZ_UNAVAILABLE;
  }
  auto id = services.ids->next(txn->shard == BZ_SHARD_META ? 0 : txn->shard);
  if (!id.ok()) {
    copy_error(err, err_len, id.error().message());
    return id.error().status();
  }
  Status appended = outbox::append(txn->db(), *id, txn->host->plugin_name, t, p,
                                   services.clock->now_ms());
  if (!appended.ok()) {
    copy_error(err, err_len, appended.error().message());
    return appended.error().status();
  }
  return BZ_OK;
}

bz_status event_txn_begin(bz_event_ctx* ectx, uint32_t shard, bz_txn** out, int* already_applied,
                          char* err, size_t err_len) {
  *out = nullptr;
  *already_applied = 0;
  if (ectx == nullptr) {  // a signal handler: signals have no inbox
    copy_error(err, err_len, "event_txn_begin needs an event delivery; signals have no inbox");
    return BZ_FAILED_PRECONDITION;
  }
  bz_txn* txn = nullptr;
  bz_status st = txn_begin(ectx->host, nullptr, shard, BZ_TXN_WRITE, &txn, err, err_len);
  if (st != BZ_OK) return st;
  auto fresh = outbox::inbox_record(txn->db(), ectx->consumer, ectx->event->id,
                                    ectx->host->services->clock->now_ms());
  if (!fresh.ok()) {
    txn_rollback(txn);
    copy_error(err, err_len, fresh.error().message());
    return fresh.error().status();
  }
  if (!*fresh) {  // an earlier delivery committed its effect
    txn_rollback(txn);
    *already_applied = 1;
    return BZ_OK;
  }
  *out = txn;
  return BZ_OK;
}

}  // namespace bazaar::host::api
