// Background task: delivers events to the plugins' subscriptions, each event
// once in effect and in order per origin database.
//
// Lossless over a lossy bus: every consumer follows every origin's sequence
// (1, 2, 3 ... per database), applying the events whose topic starts with its
// prefix and stepping over the rest. A live event past `cursor + 1` reveals a
// gap: the missing range is fetched from the origin's replay ROUTER first. A
// periodic catch-up (and the start) replays from the cursor too, so a lost
// last event, a late-joining consumer or a restart all converge. A handler's
// effect commits with its inbox row (event_txn_begin), so a redelivery after a
// crash changes nothing. A failing handler stalls its consumer on that origin
// (order is kept) and is retried with back-off.
#pragma once

#include <bazaar/plugin.h>

#include <memory>
#include <string>
#include <vector>

#include "common/background_task.h"
#include "services/events/event_wire.h"
#include "services/events/zmq_fwd.h"
#include "services/host_services.h"


namespace bazaar::host {

struct ConsumerSpec {
  std::string name;    // "<plugin>.<subscription>": the inbox and cursor key
  std::string prefix;  // topic prefix ending with '.'
  bz_event_fn handler = nullptr;
  void* plugin_ctx = nullptr;
  bz_host* host = nullptr;
  uint32_t abi_version = BZ_ABI_VERSION;  // the plugin's: which bz_event layout it reads
};

class EventConsumer final : public BackgroundTask {
 public:
  EventConsumer(std::shared_ptr<zmq::context_t> ctx, const BusEndpoints& endpoints,
                const HostServices& services, uint32_t node, std::vector<ConsumerSpec> consumers);
  ~EventConsumer() override;
  std::string name() const override { return "event-consumer"; }
  int64_t run_once() override;

 private:
  struct Track {  // one consumer on one origin database
    uint64_t cursor = 0;         // highest contiguous seq handled
    uint64_t saved = 0;          // cursor value last written to meta
    uint64_t seen = 0;           // highest seq seen live (for the lag gauge)
    int64_t retry_at_ms = 0;     // stalled until then (0: flowing)
    int64_t backoff_ms = 0;
  };
  struct Consumer {
    ConsumerSpec spec;
    std::vector<Track> tracks;  // index: shard, last = meta
    SharedMetrics::Counter applied;
    SharedMetrics::Counter failed;
    SharedMetrics::Gauge lag;
  };

  void load_cursors();
  void on_live(const WireEvent& e);
  // Replays origin events from the cursor; stops after `upto` (0: no limit).
  bool catch_up(Consumer& c, size_t origin, uint64_t upto);
  bool deliver(Consumer& c, const WireEvent& e);
  void stall(Consumer& c, size_t origin);
  std::optional<std::vector<WireEvent>> replay(uint32_t origin, uint64_t from, size_t max);
  void save_cursors();
  size_t origin_index(uint32_t shard) const;
  uint32_t origin_shard(size_t index) const;

  std::shared_ptr<zmq::context_t> ctx_;
  std::unique_ptr<zmq::socket_t> sub_;
  std::unique_ptr<zmq::socket_t> dealer_;
  const HostServices& services_;
  uint32_t node_;
  std::vector<Consumer> consumers_;
  bool loaded_ = false;
  uint64_t nonce_ = 0;
  int64_t next_tick_ms_ = 0;
  int64_t next_save_ms_ = 0;
};

}  // namespace bazaar::host

// Opaque to plugins: one event being delivered to one consumer (read by
// event_txn_begin, abi/host_api_events.cc).
struct bz_event_ctx {
  bz_host* host = nullptr;        // the consuming plugin
  std::string consumer;           // "<plugin>.<subscription>", the inbox key
  const bz_event* event = nullptr;
};
