// The SQL of the outbox (bazaar_outbox) and inbox (bazaar_inbox), in one place.
#pragma once

#include <bazaar/result.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

#include "services/events/event_wire.h"
#include "services/storage/database.h"

namespace bazaar::host::outbox {

// Inside the caller's write transaction.
Status append(Database& db, int64_t id, std::string_view plugin, std::string_view topic,
              std::string_view payload, int64_t created_ms);

// Committed events with seq >= from_seq, in order, at most `limit`.
Result<std::vector<WireEvent>> read_from(Database& db, uint64_t from_seq, size_t limit,
                                         uint32_t node, uint32_t shard);

// How far the relay has published this database's outbox (0: nothing yet).
Result<uint64_t> last_published(Database& db);
// Records that everything up to `to_inclusive` was sent, in its own write
// transaction (one row: the cost does not grow with the batch).
Status mark_published(Database& db, uint64_t to_inclusive);

// Inserts the inbox row; false if the consumer already applied the event.
Result<bool> inbox_record(Database& db, std::string_view consumer, int64_t event_id,
                          int64_t now_ms);

// Retention (events/event_retention.h), each in its own write transaction:
// deletes up to `limit` of the oldest outbox rows created before `cutoff_ms`
// that the relay has published, never the newest row (the next seq is max + 1);
// and up to `limit` inbox rows of events whose id is below `before_event_id`.
// Each returns how many rows it deleted.
Result<int64_t> purge_outbox(Database& db, int64_t cutoff_ms, size_t limit);
Result<int64_t> purge_inbox(Database& db, int64_t before_event_id, size_t limit);

// Consumer cursors (meta.db): highest contiguous seq applied per origin.
Result<std::vector<std::pair<uint32_t, uint64_t>>> load_cursors(Database& meta,
                                                                std::string_view consumer);
// Raises a cursor (never lowers it: an old worker finishing late cannot undo progress).
Status save_cursor(Database& meta, std::string_view consumer, uint32_t origin, uint64_t seq);

}  // namespace bazaar::host::outbox
