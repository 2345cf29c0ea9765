// Background task: publishes every database's committed outbox rows, in seq
// order, on the node's bus, and remembers how far it got (bazaar_outbox_relay).
// Publishing is best effort (PUB/SUB drops at the high-water mark and for late
// joiners); consumers close any hole by replay, so "published" only means
// "sent once", never "delivered".
//
// The position is saved at most every kSaveEveryMs per database while events
// flow, and at once when a round finds nothing new. Saving it after every
// round was a durable write transaction per database every few milliseconds:
// each took the shard's write lock from the request workers, synced the WAL
// and emptied their page caches (docs/ARCHITECTURE.md, "Events", 2). After
// a crash the relay sends again what it sent since the last save, at most
// that long of events: delivery was at-least-once already, and consumers
// apply an event once by its id (the inbox).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/background_task.h"
#include "services/events/zmq_fwd.h"
#include "services/host_services.h"


namespace bazaar::host {

class OutboxRelay final : public BackgroundTask {
 public:
  OutboxRelay(std::shared_ptr<zmq::context_t> ctx, const std::string& publish_endpoint,
              const HostServices& services, uint32_t node);
  ~OutboxRelay() override;
  std::string name() const override { return "outbox-relay"; }
  int64_t run_once() override;

 private:
  struct Cursor {
    uint64_t sent = UINT64_MAX;   // last seq sent; UINT64_MAX: not read yet
    uint64_t saved = UINT64_MAX;  // last seq saved in bazaar_outbox_relay
    int64_t saved_mono_ms = 0;
  };
  // Publishes up to one batch from one database; returns how many it sent.
  size_t relay(uint32_t shard, Cursor& cursor);
  // Saves the cursor's position in `db` if it moved and (unless `now`) is due.
  static void save(Database& db, Cursor& cursor, bool now);
  // Saves every position that moved since its last save.
  void save_all();

  std::shared_ptr<zmq::context_t> ctx_;
  std::unique_ptr<zmq::socket_t> pub_;
  const HostServices& services_;
  uint32_t node_;
  std::vector<Cursor> cursors_;  // per database: the shards, then meta
  SharedMetrics::Counter published_;
  SharedMetrics::Gauge lag_;  // age of the oldest event sent in the last round
  int64_t round_lag_ms_ = 0;
  int64_t idle_wait_ms_ = 5;
};

}  // namespace bazaar::host
