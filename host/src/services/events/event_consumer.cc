#include "services/events/event_consumer.h"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include <chrono>

#include "common/plugin_abi_compat.h"
#include "services/events/outbox_store.h"

namespace bazaar::host {
namespace {

constexpr size_t kReplayBatch = 500;
constexpr int kPollMs = 100;
constexpr int64_t kTickMs = 500;   // periodic catch-up: closes holes no live event reveals
constexpr int64_t kSaveMs = 200;   // cursor persistence
constexpr int64_t kReplayTimeoutMs = 2000;
constexpr int64_t kBackoffMinMs = 100;
constexpr int64_t kBackoffMaxMs = 10'000;
constexpr size_t kErrLen = 512;

int64_t mono_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

EventConsumer::EventConsumer(std::shared_ptr<zmq::context_t> ctx, const BusEndpoints& endpoints,
                             const HostServices& services, uint32_t node,
                             std::vector<ConsumerSpec> consumers)
    : ctx_(std::move(ctx)),
      sub_(std::make_unique<zmq::socket_t>(*ctx_, zmq::socket_type::sub)),
      dealer_(std::make_unique<zmq::socket_t>(*ctx_, zmq::socket_type::dealer)),
      services_(services),
      node_(node) {
  size_t origins = services.shards->shard_count() + 1;
  for (ConsumerSpec& spec : consumers) {
    std::string label = SharedMetrics::label("consumer", spec.name);
    Consumer c{std::move(spec), std::vector<Track>(origins),
               services.metrics->counter("bazaar_events_applied_total", label),
               services.metrics->counter("bazaar_event_failures_total", label),
               services.metrics->gauge("bazaar_event_consumer_lag_events", label)};
    consumers_.push_back(std::move(c));
  }
  sub_->set(zmq::sockopt::rcvhwm, 200000);
  sub_->set(zmq::sockopt::linger, 0);
  sub_->set(zmq::sockopt::subscribe, std::string(kEventFramePrefix));
  sub_->connect(endpoints.subscribe);
  dealer_->set(zmq::sockopt::linger, 0);
  dealer_->connect(endpoints.replay);
}

EventConsumer::~EventConsumer() = default;

size_t EventConsumer::origin_index(uint32_t shard) const {
  size_t meta = services_.shards->shard_count();
  return shard == BZ_SHARD_META ? meta : std::min<size_t>(shard, meta);
}

uint32_t EventConsumer::origin_shard(size_t index) const {
  return index == services_.shards->shard_count() ? BZ_SHARD_META : static_cast<uint32_t>(index);
}

void EventConsumer::load_cursors() {
  auto meta = services_.shards->meta();
  if (!meta.ok()) return;
  for (Consumer& c : consumers_) {
    auto rows = outbox::load_cursors(**meta, c.spec.name);
    if (!rows.ok()) return;  // retried on the next round
    for (const auto& [shard, seq] : *rows) {
      Track& t = c.tracks[origin_index(shard)];
      t.cursor = t.saved = seq;
    }
  }
  loaded_ = true;
}

bool EventConsumer::deliver(Consumer& c, const WireEvent& e) {
  if (!e.topic.starts_with(c.spec.prefix)) return true;  // not this consumer's: step over
  bz_event ev = make_event(e.topic, e.payload, e.id, e.origin_shard, e.seq, e.created_ms);
  bz_event_ctx ectx{c.spec.host, c.spec.name, &ev};
  char err[kErrLen] = {0};
  bz_status st = call_event_handler(c.spec.handler, c.spec.plugin_ctx, c.spec.abi_version, ev, &ectx,
                                    err, sizeof(err));
  if (st == BZ_OK) {
    c.applied.add();
    return true;
  }
  err[kErrLen - 1] = '\0';
  c.failed.add();
  services_.logger->log(BZ_LOG_WARN, "event handler failed; will retry",
                        {{"consumer", c.spec.name},
                         {"topic", e.topic},
                         {"seq", static_cast<int64_t>(e.seq)},
                         {"error", std::string_view(err)}});
  return false;
}

void EventConsumer::stall(Consumer& c, size_t origin) {
  Track& t = c.tracks[origin];
  t.backoff_ms = t.backoff_ms == 0 ? kBackoffMinMs : std::min(t.backoff_ms * 2, kBackoffMaxMs);
  t.retry_at_ms = mono_ms() + t.backoff_ms;
}

std::optional<std::vector<WireEvent>> EventConsumer::replay(uint32_t origin, uint64_t from,
                                                            size_t max) {
  std::string nonce = std::to_string(++nonce_);
  std::vector<zmq::message_t> request;
  request.emplace_back(std::string_view("replay"));
  request.emplace_back(nonce);
  request.emplace_back(std::to_string(origin));
  request.emplace_back(std::to_string(from));
  request.emplace_back(std::to_string(max));
  if (!zmq::send_multipart(*dealer_, request, zmq::send_flags::dontwait)) return std::nullopt;

  int64_t deadline = mono_ms() + kReplayTimeoutMs;
  while (mono_ms() < deadline) {
    zmq::pollitem_t item{static_cast<void*>(*dealer_), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(deadline - mono_ms()));
    if ((item.revents & ZMQ_POLLIN) == 0) break;
    std::vector<zmq::message_t> reply;
    if (!zmq::recv_multipart(*dealer_, std::back_inserter(reply), zmq::recv_flags::dontwait)) break;
    if (reply.size() < 2 || reply[1].to_string_view() != nonce) continue;  // a stale answer
    if (reply[0].to_string_view() != "ok") return std::nullopt;
    std::vector<WireEvent> events;
    for (size_t i = 2; i < reply.size(); ++i) {
      auto e = decode_event(reply[i].to_string_view());
      if (!e) return std::nullopt;
      events.push_back(std::move(*e));
    }
    return events;
  }
  return std::nullopt;
}

bool EventConsumer::catch_up(Consumer& c, size_t origin, uint64_t upto) {
  Track& t = c.tracks[origin];
  for (;;) {
    auto batch = replay(origin_shard(origin), t.cursor + 1, kReplayBatch);
    if (!batch) {
      stall(c, origin);
      return false;
    }
    for (const WireEvent& e : *batch) {
      if (upto != 0 && e.seq > upto) return true;
      if (e.seq <= t.cursor) continue;
      if (!deliver(c, e)) {
        stall(c, origin);
        return false;
      }
      t.cursor = e.seq;  // seqs are gap-free in an outbox; a jump means rows were pruned
    }
    t.retry_at_ms = 0;
    t.backoff_ms = 0;
    if (batch->size() < kReplayBatch) return true;
  }
}

void EventConsumer::on_live(const WireEvent& e) {
  if (e.origin_node != node_) return;  // federation: other nodes' replay endpoints come later
  size_t origin = origin_index(e.origin_shard);
  for (Consumer& c : consumers_) {
    Track& t = c.tracks[origin];
    t.seen = std::max(t.seen, e.seq);
    if (t.retry_at_ms != 0 || e.seq <= t.cursor) continue;  // stalled, or already handled
    if (e.seq == t.cursor + 1) {
      if (deliver(c, e)) {
        t.cursor = e.seq;
      } else {
        stall(c, origin);
      }
    } else {
      catch_up(c, origin, e.seq);  // the gap, then this event (it is in the outbox too)
    }
  }
}

void EventConsumer::save_cursors() {
  auto meta = services_.shards->meta();
  if (!meta.ok()) return;
  for (Consumer& c : consumers_) {
    int64_t lag = 0;
    for (size_t o = 0; o < c.tracks.size(); ++o) {
      Track& t = c.tracks[o];
      if (t.seen > t.cursor) lag += static_cast<int64_t>(t.seen - t.cursor);
      if (t.cursor == t.saved) continue;
      if (outbox::save_cursor(**meta, c.spec.name, origin_shard(o), t.cursor).ok()) t.saved = t.cursor;
    }
    c.lag.set(lag);
  }
}

int64_t EventConsumer::run_once() {
  if (consumers_.empty()) return 1000;
  if (!loaded_) {
    load_cursors();
    if (!loaded_) return 100;
  }
  zmq::pollitem_t item{static_cast<void*>(*sub_), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, std::chrono::milliseconds(kPollMs));
  for (int i = 0; i < 1000 && (item.revents & ZMQ_POLLIN) != 0; ++i) {
    std::vector<zmq::message_t> frames;
    if (!zmq::recv_multipart(*sub_, std::back_inserter(frames), zmq::recv_flags::dontwait)) break;
    if (frames.size() != 2) continue;
    if (auto e = decode_event(frames[1].to_string_view())) on_live(*e);
  }
  int64_t now = mono_ms();
  if (now >= next_tick_ms_) {
    next_tick_ms_ = now + kTickMs;
    for (Consumer& c : consumers_) {
      for (size_t o = 0; o < c.tracks.size(); ++o) {
        if (c.tracks[o].retry_at_ms <= now) catch_up(c, o, 0);
      }
    }
  }
  if (now >= next_save_ms_) {
    next_save_ms_ = now + kSaveMs;
    save_cursors();
  }
  return 0;  // the poll above is the wait
}

}  // namespace bazaar::host
