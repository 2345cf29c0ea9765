#include "services/events/outbox_relay.h"

#include <algorithm>
#include <chrono>

#include <zmq.hpp>

#include "services/events/outbox_store.h"

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
// How often a database's position is saved while its events flow.
constexpr int64_t kSaveEveryMs = 250;

int64_t mono_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

OutboxRelay::OutboxRelay(std::shared_ptr<zmq::context_t> ctx, const std::string& publish_endpoint,
                         const HostServices& services, uint32_t node)
    : ctx_(std::move(ctx)),
      pub_(std::make_unique<zmq::socket_t>(*ctx_, zmq::socket_type::pub)),
      services_(services),
      node_(node),
      cursors_(services.shards->database_count()),
      published_(services.metrics->counter("bazaar_events_published_total")),
      lag_(services.metrics->gauge("bazaar_outbox_lag_ms")) {
  pub_->set(zmq::sockopt::sndhwm, 200000);
  pub_->set(zmq::sockopt::linger, 0);
  pub_->connect(publish_endpoint);
}

// Not saved here: the databases may be closing. The next relay sends again
// what this one sent since its last save (see the header).
OutboxRelay::~OutboxRelay() = default;

void OutboxRelay::save(Database& db, Cursor& cursor, bool now) {
  if (cursor.sent == kUnknown || cursor.sent == cursor.saved) return;
  const int64_t at = mono_ms();
  if (!now && at - cursor.saved_mono_ms < kSaveEveryMs) return;
  if (outbox::mark_published(db, cursor.sent).ok()) {
    cursor.saved = cursor.sent;
    cursor.saved_mono_ms = at;
  }
}

void OutboxRelay::save_all() {
  for (size_t i = 0; i < cursors_.size(); ++i) {
    Cursor& cursor = cursors_[i];
    if (cursor.sent == kUnknown || cursor.sent == cursor.saved) continue;
    auto lease = services_.shards->database(services_.shards->database_at(i));
    if (lease.ok()) save(**lease, cursor, true);
  }
}

size_t OutboxRelay::relay(uint32_t shard, Cursor& cursor) {
  auto lease = services_.shards->database(shard);
  if (!lease.ok()) return 0;
  if (cursor.sent == kUnknown) {
    auto last = outbox::last_published(**lease);
    if (!last.ok()) return 0;
    cursor.sent = cursor.saved = *last;
    cursor.saved_mono_ms = mono_ms();
  }
  auto events = outbox::read_from(**lease, cursor.sent + 1, kBatch, node_, shard);
  if (!events.ok() || events->empty()) return 0;
  for (const WireEvent& e : *events) {
    std::string topic = std::string(kEventFramePrefix) + e.topic;
    pub_->send(zmq::buffer(topic), zmq::send_flags::sndmore);
    pub_->send(zmq::buffer(encode_event(e)), zmq::send_flags::none);
  }
  int64_t age = services_.clock->now_ms() - events->front().created_ms;
  if (age > round_lag_ms_) round_lag_ms_ = age;
  cursor.sent = events->back().seq;
  save(**lease, cursor, false);
  published_.add(events->size());
  return events->size();
}

int64_t OutboxRelay::run_once() {
  size_t sent = 0;
  round_lag_ms_ = 0;
  for (size_t i = 0; i < cursors_.size(); ++i) sent += relay(services_.shards->database_at(i), cursors_[i]);
  lag_.set(round_lag_ms_);
  if (sent == 0) save_all();  // caught up: nothing to wait for
  if (sent > 0) {
    idle_wait_ms_ = kIdleWaitMinMs;
    return kBusyWaitMs;
  }
  int64_t wait = idle_wait_ms_;
  idle_wait_ms_ = std::min(idle_wait_ms_ * 2, kIdleWaitMaxMs);
  return wait;
}

}  // namespace bazaar::host
