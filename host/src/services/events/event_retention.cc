#include "services/events/event_retention.h"

#include <algorithm>

#include "services/events/outbox_store.h"
#include "services/ids/id_generator.h"

namespace bazaar::host {

EventRetention::EventRetention(const HostServices& services, int64_t retention_ms, int64_t period_ms)
    : services_(services),
      retention_ms_(retention_ms),
      period_ms_(period_ms),
      outbox_purged_(services.metrics->counter("bazaar_events_purged_total",
                                               SharedMetrics::label("table", "outbox"))),
      inbox_purged_(services.metrics->counter("bazaar_events_purged_total",
                                              SharedMetrics::label("table", "inbox"))) {}

int64_t EventRetention::run_once() {
  const int64_t cutoff_ms = services_.clock->now_ms() - retention_ms_;
  // Event ids carry their creation time (storage/id_generator.h).
  const int64_t before_event_id = IdGenerator::first_id_at(cutoff_ms - kInboxMarginMs);
  bool more = false;
  for (size_t i = 0; i < services_.shards->database_count(); ++i) {
    auto lease = services_.shards->database(services_.shards->database_at(i));
    if (!lease.ok()) continue;  // closing, or busy: the next round
    auto outbox = outbox::purge_outbox(**lease, cutoff_ms, kBatch);
    if (outbox.ok()) {
      outbox_purged_.add(static_cast<uint64_t>(*outbox));
      more = more || *outbox >= static_cast<int64_t>(kBatch);
    }
    if (before_event_id == 0) continue;
    auto inbox = outbox::purge_inbox(**lease, before_event_id, kBatch);
    if (inbox.ok()) {
      inbox_purged_.add(static_cast<uint64_t>(*inbox));
      more = more || *inbox >= static_cast<int64_t>(kBatch);
    }
  }
  return more ? std::min(kCatchUpPauseMs, period_ms_) : period_ms_;
}

}  // namespace bazaar::host
