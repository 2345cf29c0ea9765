// Background task: publishes every database's committed outbox rows, in seq
// order, on the node's bus, and remembers how far it got (bazaar_outbox_relay).
// Publishing is best effort (PUB/SUB drops at the high-water mark and for late
// joiners); consumers close any hole by replay, so "published" only means
// "sent once", never "delivered".
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "background/background_task.h"
#include "events/zmq_fwd.h"
#include "host_api.h"


namespace bazaar::host {

class OutboxRelay final : public BackgroundTask {
 public:
  OutboxRelay(std::shared_ptr<zmq::context_t> ctx, const std::string& publish_endpoint,
              const HostServices& services, uint32_t node);
  ~OutboxRelay() override;
  std::string name() const override { return "outbox-relay"; }
  int64_t run_once() override;

 private:
  // Publishes up to one batch from one database; returns how many it sent.
  size_t relay(uint32_t shard, uint64_t& position);

  std::shared_ptr<zmq::context_t> ctx_;
  std::unique_ptr<zmq::socket_t> pub_;
  const HostServices& services_;
  uint32_t node_;
  std::vector<uint64_t> positions_;  // per database (shards, then meta); UINT64_MAX: unknown
  SharedMetrics::Counter published_;
  SharedMetrics::Gauge lag_;  // age of the oldest event sent in the last round
  int64_t round_lag_ms_ = 0;
  int64_t idle_wait_ms_ = 5;
};

}  // namespace bazaar::host
