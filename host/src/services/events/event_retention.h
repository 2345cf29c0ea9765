// Background task: keeps the outbox and the inbox of every database (shards,
// then meta) to a retention window, so that neither grows without end.
//
// - Outbox rows older than the window go once the relay has published them,
//   except each database's newest row (its seq is the next one's max + 1). A
//   consumer that falls further behind than the window skips what was pruned:
//   it sees the jump in seq and goes on (events/event_consumer.h).
// - Inbox rows go when their event is older than the window plus an hour: an
//   event that old is out of the outbox, so nothing can deliver it again.
//
// Each round deletes at most kBatch rows per table and database, each batch in
// its own short write transaction, and goes again after kCatchUpPauseMs while
// a batch came back full: a node that kept years of events catches up without
// holding a shard's write lock for long.
#pragma once

#include <cstdint>

#include "common/background_task.h"
#include "services/host_services.h"

namespace bazaar::host {

class EventRetention final : public BackgroundTask {
 public:
  static constexpr size_t kBatch = 2000;
  static constexpr int64_t kInboxMarginMs = 3600'000;
  static constexpr int64_t kCatchUpPauseMs = 20;

  // `retention_ms` > 0; a round runs every `period_ms` while nothing is due.
  EventRetention(const HostServices& services, int64_t retention_ms, int64_t period_ms);
  std::string name() const override { return "event-retention"; }
  int64_t run_once() override;

 private:
  const HostServices& services_;
  int64_t retention_ms_;
  int64_t period_ms_;
  SharedMetrics::Counter outbox_purged_;
  SharedMetrics::Counter inbox_purged_;
};

}  // namespace bazaar::host
