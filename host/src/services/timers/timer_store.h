// Durable timers: every statement on bazaar_timers, in one place.
//
// A timer is a row (plugin, kind, key) -> due_ms, payload in the database that
// owns the business change it belongs to; timer_schedule writes it inside the
// caller's transaction, so it exists if and only if that change commits.
//
// Running (the background worker's TimerRunner) is lease based:
//   claim     in one write transaction, read up to N rows with due_ms <= now
//             (oldest first) and, per row, compare-and-set due_ms from the
//             value read to now + lease_ms, attempt + 1 and a claim token.
//             Two runners (an old and a new background worker during a
//             rolling reload) can read the same row; only one CAS succeeds.
//   complete  DELETE while the row still carries the claim token: a timer
//             rescheduled while its handler ran (token cleared) survives.
//   fail      due_ms = now + back-off, last_error, token cleared: retried.
// A runner that dies mid-handler leaves the row claimed until its lease ends;
// then the row is due again and another run claims it (at-least-once).
//
// Every function works on one Database (one connection, used by one thread).
// schedule_timer and cancel_timer run inside the caller's open write
// transaction; claim, complete and fail open their own.
#pragma once

#include <bazaar/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "services/storage/database.h"

namespace bazaar::host {

inline constexpr size_t kTimerKindMax = 64;          // [a-z0-9_]{1,64}
inline constexpr size_t kTimerKeyMax = 200;          // printable ASCII, 1..200 bytes
inline constexpr size_t kTimerPayloadMax = 64 * 1024;
inline constexpr int64_t kTimerDueMax = 253402300799999;  // 9999-12-31T23:59:59.999Z
inline constexpr size_t kTimerErrorMax = 1000;       // last_error is truncated to this

// INVALID_ARGUMENT (code BAD_TIMER) with the reason, or OK.
Status validate_timer_kind(std::string_view kind);
Status validate_timer(std::string_view kind, std::string_view key, int64_t due_ms,
                      std::string_view payload);

// Inserts the timer, or moves an existing one of the same (plugin, kind, key):
// new due_ms and payload, attempt 0, no error, no claim. Needs an open write
// transaction on `db`. Errors: BAD_TIMER, or the database's.
Status schedule_timer(Database& db, std::string_view plugin, std::string_view kind,
                      std::string_view key, int64_t due_ms, std::string_view payload);

// Deletes the timer; true if one existed. Needs an open write transaction.
// A timer whose handler is running right now is deleted too; the running
// handler's completion then finds nothing (handlers are idempotent anyway).
Result<bool> cancel_timer(Database& db, std::string_view plugin, std::string_view kind,
                          std::string_view key);

// A timer this runner holds the lease on.
struct ClaimedTimer {
  std::string plugin;
  std::string kind;
  std::string key;
  std::string payload;
  int64_t due_ms = 0;       // when this attempt was due (the value the claim replaced)
  uint32_t attempt = 0;     // 1 on the first run
  int64_t lease_until_ms = 0;
  int64_t token = 0;
};

// Claims up to `limit` timers with due_ms <= now_ms, oldest first, for
// lease_ms, marking them with `token` (unique per claim round and runner).
// Opens and commits its own write transaction on `db`.
Result<std::vector<ClaimedTimer>> claim_due_timers(Database& db, int64_t now_ms, int64_t lease_ms,
                                                   size_t limit, int64_t token);

// Deletes a claimed timer if the claim still holds. false: the timer was
// rescheduled, cancelled or re-claimed meanwhile (nothing changed).
Result<bool> complete_timer(Database& db, const ClaimedTimer& timer);

// Releases a claimed timer for a retry at retry_at_ms with the error recorded,
// if the claim still holds (false otherwise). The attempt count stays.
Result<bool> fail_timer(Database& db, const ClaimedTimer& timer, int64_t retry_at_ms,
                        std::string_view error);

// Exponential back-off: min_ms after attempt 1, doubling, at most max_ms.
int64_t timer_backoff_ms(uint32_t attempt, int64_t min_ms, int64_t max_ms);

}  // namespace bazaar::host
