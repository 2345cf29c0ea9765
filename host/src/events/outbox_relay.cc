#include "events/outbox_relay.h"

#include <algorithm>

#include <zmq.hpp>

#include "events/outbox_store.h"

namespace bazaar::host {
namespace {
constexpr size_t kBatch = 500;
// While busy, a short pause between rounds lets events gather into larger
// batches: one position update per batch instead of one per few events.
constexpr int64_t kBusyWaitMs = 2;
// Idle rounds back off from 5 to 50 ms: an idle node should not spend CPU
// polling every database 200 times a second; the first event after a quiet
// spell waits at most 50 ms.
constexpr int64_t kIdleWaitMinMs = 5;
constexpr int64_t kIdleWaitMaxMs = 50;
constexpr uint64_t kUnknown = UINT64_MAX;
}  // namespace

OutboxRelay::OutboxRelay(std::shared_ptr<zmq::context_t> ctx, const std::string& publish_endpoint,
                         const HostServices& services, uint32_t node)
    : ctx_(std::move(ctx)),
      pub_(std::make_unique<zmq::socket_t>(*ctx_, zmq::socket_type::pub)),
      services_(services),
      node_(node),
      positions_(services.shards->shard_count() + 1, kUnknown),
      published_(services.metrics->counter("bazaar_events_published_total")),
      lag_(services.metrics->gauge("bazaar_outbox_lag_ms")) {
  pub_->set(zmq::sockopt::sndhwm, 200000);
  pub_->set(zmq::sockopt::linger, 0);
  pub_->connect(publish_endpoint);
}

OutboxRelay::~OutboxRelay() = default;

size_t OutboxRelay::relay(uint32_t shard, uint64_t& position) {
  auto lease = shard == BZ_SHARD_META ? services_.shards->meta() : services_.shards->shard(shard);
  if (!lease.ok()) return 0;
  if (position == kUnknown) {
    auto last = outbox::last_published(**lease);
    if (!last.ok()) return 0;
    position = *last;
  }
  auto events = outbox::read_from(**lease, position + 1, kBatch, node_, shard);
  if (!events.ok() || events->empty()) return 0;
  for (const WireEvent& e : *events) {
    std::string topic = std::string(kEventFramePrefix) + e.topic;
    pub_->send(zmq::buffer(topic), zmq::send_flags::sndmore);
    pub_->send(zmq::buffer(encode_event(e)), zmq::send_flags::none);
  }
  int64_t age = services_.clock->now_ms() - events->front().created_ms;
  if (age > round_lag_ms_) round_lag_ms_ = age;
  uint64_t last = events->back().seq;
  if (outbox::mark_published(**lease, last).ok()) position = last;
  published_.add(events->size());
  return events->size();
}

int64_t OutboxRelay::run_once() {
  size_t sent = 0;
  round_lag_ms_ = 0;
  for (uint32_t i = 0; i < positions_.size(); ++i) {
    uint32_t shard = i + 1 == positions_.size() ? BZ_SHARD_META : i;
    sent += relay(shard, positions_[i]);
  }
  lag_.set(round_lag_ms_);
  if (sent > 0) {
    idle_wait_ms_ = kIdleWaitMinMs;
    return kBusyWaitMs;
  }
  int64_t wait = idle_wait_ms_;
  idle_wait_ms_ = std::min(idle_wait_ms_ * 2, kIdleWaitMaxMs);
  return wait;
}

}  // namespace bazaar::host
