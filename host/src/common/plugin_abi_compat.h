// Handing events and timers to a plugin in the layout of the ABI minor it was
// built for (plugin.h, rules at the top): ABI 1.4 put an abi_version /
// struct_size header in front of bz_event and bz_timer, so a plugin that
// declares 1.0-1.3 in bz_plugin.abi_version gets the frozen 1.3 layout
// (<bazaar/plugin_v1_3.h>) and any later one gets the current struct.
//
// Every place that calls a plugin's event, signal or timer handler goes
// through these; the host builds the current layout (make_event / make_timer)
// and converts only at the call. Internal to the host; any thread.
#pragma once

#include <bazaar/plugin.h>
#include <bazaar/plugin_v1_3.h>

#include <string_view>

namespace bazaar::host {

// True when a plugin declaring `plugin_abi` reads the pre-1.4 layouts.
inline bool uses_v1_3_layouts(uint32_t plugin_abi) {
  return BZ_ABI_MINOR_OF(plugin_abi) <= BZ_ABI_MINOR_V1_3;
}

inline bz_event make_event(std::string_view topic, std::string_view payload, int64_t id,
                           uint32_t origin_shard, uint64_t sequence, int64_t created_ms) {
  return bz_event{BZ_ABI_VERSION,
                  sizeof(bz_event),
                  {topic.data(), topic.size()},
                  {payload.data(), payload.size()},
                  id,
                  origin_shard,
                  sequence,
                  created_ms};
}

inline bz_timer make_timer(std::string_view kind, std::string_view key, std::string_view payload,
                           int64_t due_ms, uint32_t shard, uint32_t attempt) {
  return bz_timer{BZ_ABI_VERSION,
                  sizeof(bz_timer),
                  {kind.data(), kind.size()},
                  {key.data(), key.size()},
                  {payload.data(), payload.size()},
                  due_ms,
                  shard,
                  attempt};
}

// Calls an event or signal handler (ectx NULL for a signal) of a plugin built
// against `plugin_abi` with `event` in that plugin's layout.
inline bz_status call_event_handler(bz_event_fn fn, void* plugin_ctx, uint32_t plugin_abi,
                                    const bz_event& event, bz_event_ctx* ectx, char* err,
                                    size_t err_len) {
  if (!uses_v1_3_layouts(plugin_abi)) return fn(plugin_ctx, &event, ectx, err, err_len);
  const bz_event_v1_3 old{event.topic,    event.payload,  event.id,
                          event.origin_shard, event.sequence, event.created_ms};
  // The plugin's handler was compiled with this layout under the name bz_event.
  return fn(plugin_ctx, reinterpret_cast<const bz_event*>(&old), ectx, err, err_len);
}

// Calls a timer handler of a plugin built against `plugin_abi` with `timer`
// in that plugin's layout.
inline bz_status call_timer_handler(bz_timer_fn fn, void* plugin_ctx, uint32_t plugin_abi,
                                    const bz_timer& timer, char* err, size_t err_len) {
  if (!uses_v1_3_layouts(plugin_abi)) return fn(plugin_ctx, &timer, err, err_len);
  const bz_timer_v1_3 old{timer.kind,  timer.key,   timer.payload,
                          timer.due_ms, timer.shard, timer.attempt};
  return fn(plugin_ctx, reinterpret_cast<const bz_timer*>(&old), err, err_len);
}

}  // namespace bazaar::host
