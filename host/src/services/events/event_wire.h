// The events' wire format and the bus endpoints.
//
// Publish (relay PUB -> master XSUB/XPUB proxy -> consumers' SUB), two frames:
//   ["e:" + topic]  [event blob]
// Consumers subscribe to "e:" (everything) and filter by topic prefix
// themselves, so each can follow every origin's sequence without holes.
// Replay (consumer DEALER -> relay-side ROUTER):
//   request  ["replay", nonce, origin shard, from seq, max count]   (decimal text)
//   reply    ["ok", nonce, blob, blob, ...]  or  ["error", nonce, message]
// The nonce lets a consumer drop a late answer to a request it gave up on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bazaar::host {

struct WireEvent {
  uint64_t seq = 0;        // per origin database, 1, 2, 3 ...
  uint32_t origin_node = 0;
  uint32_t origin_shard = 0;  // shard index or BZ_SHARD_META
  int64_t id = 0;
  int64_t created_ms = 0;
  std::string topic;
  std::string plugin;
  std::string payload;
};

std::string encode_event(const WireEvent& e);
std::optional<WireEvent> decode_event(std::string_view blob);

constexpr std::string_view kEventFramePrefix = "e:";

struct BusEndpoints {
  std::string publish;    // master XSUB binds, relays connect (PUB)
  std::string subscribe;  // master XPUB binds, consumers connect (SUB)
  std::string replay;     // the background worker's ROUTER binds, consumers connect (DEALER)
};
// `generation` names the replay endpoint: during a rolling reload the old and
// the new background worker each serve their own.
BusEndpoints bus_endpoints(const std::string& state_dir, uint64_t generation);

// A topic: 1..128 bytes of [a-z0-9_.], ending with '.', no empty segment.
bool valid_topic(std::string_view topic);

}  // namespace bazaar::host
