/*
 * The host-to-plugin struct layouts of ABI 1.0-1.3 that ABI 1.4 changed.
 *
 * ABI 1.4 put the `abi_version`/`struct_size` header at the front of bz_event
 * and bz_timer (plugin.h). A plugin declares the minor it was built for in
 * bz_plugin.abi_version, and the host hands it the layout of that minor:
 *   - a plugin built for 1.0-1.3 receives these structs (cast to the
 *     bz_event* / bz_timer* of its handler's signature, which is what that
 *     plugin's own plugin.h called them);
 *   - a plugin built for 1.4 or later receives bz_event / bz_timer.
 * The SDK reads them too, when a plugin built for 1.4 runs on a host older
 * than 1.4 (the host's bz_host_api.abi_version says which it was given).
 *
 * Frozen: these are what 1.0-1.3 plugins were compiled against. Never edit.
 * C only, like plugin.h.
 */
#ifndef BAZAAR_PLUGIN_V1_3_H
#define BAZAAR_PLUGIN_V1_3_H

#include <bazaar/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The last minor whose plugins receive these layouts. */
#define BZ_ABI_MINOR_V1_3 3u

/* bz_event as of ABI 1.2-1.3 (events did not exist before 1.2). */
typedef struct bz_event_v1_3 {
  bz_str topic;
  bz_str payload;
  int64_t id;
  uint32_t origin_shard;
  uint64_t sequence;
  int64_t created_ms;
} bz_event_v1_3;

/* bz_timer as of ABI 1.2-1.3. */
typedef struct bz_timer_v1_3 {
  bz_str kind;
  bz_str key;
  bz_str payload;
  int64_t due_ms;
  uint32_t shard;
  uint32_t attempt;
} bz_timer_v1_3;

#ifdef __cplusplus
}
#endif

#endif /* BAZAAR_PLUGIN_V1_3_H */
