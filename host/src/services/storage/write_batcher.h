// Batched write transactions for one database file in this process
// ("transaction group commit").
//
// Every write transaction on a file serialises on SQLite's single write lock
// anyway, and each one pays a fixed price at COMMIT: WAL frames for every page
// it touched (the same right-most leaves of the same tables, again and again),
// lock and shared-memory traffic, and a durable fdatasync. The batcher keeps
// one connection per file and runs the write transactions of many requests as
// SAVEPOINTs ("members") of one SQLite transaction, one member at a time, and
// commits them together:
//
//   join()            waits for its turn on the connection (up to a deadline),
//                     opens the batch with BEGIN IMMEDIATE if none is open, and
//                     starts the member's SAVEPOINT.
//   member.commit()   RELEASEs the savepoint. If other members are waiting and
//                     the batch is not full, it hands the connection on and
//                     waits; otherwise it COMMITs the batch. Either way it
//                     returns the batch's result: OK only once the batch (so
//                     this member) is committed and, on a durable file,
//                     durable (the group-commit WAL sync, transaction.h).
//                     The committer keeps the turn until its WAL sync is done:
//                     members queue meanwhile and the next batch is larger.
//   member.rollback() ROLLS BACK TO its savepoint: its own changes vanish, the
//                     members before it are untouched.
//
// What a member may rely on is what a transaction gives: its statements run
// alone on the file (the write lock is held by the batch), it sees everything
// committed before and the released members of its batch (which commit with
// it or not at all), and it is atomic: all of its changes commit or none do.
// What differs: a member that released is committed only when its batch is;
// if the batch fails (a failed WAL sync, or SQLite aborting the transaction
// after an I/O error) every member of it gets the error, and none of their
// changes stays. Deferred constraints (none in our schemas) would be checked
// only at the batch's COMMIT and would fail the whole batch: don't use them.
#pragma once

#include <bazaar/result.hpp>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "services/storage/shard_set.h"

namespace bazaar::host {

struct WriteBatcherOptions {
  int max_members = 32;             // a batch commits once it has this many members
  int64_t max_batch_age_us = 5000;  // ... or once it is this old, waiters or not
  int64_t busy_limit_ms = 5000;     // longest wait for a turn without a deadline
};

class WriteBatcher;
struct WriteBatch;  // one SQLite transaction and the members released into it

// One request's part of a batch. Destroying it without commit() rolls it back.
class BatchMember {
 public:
  BatchMember(BatchMember&& other) noexcept;
  BatchMember& operator=(BatchMember&&) = delete;
  ~BatchMember();

  Database& db() const;
  // See the file comment. After it returns the member is closed either way.
  Status commit();
  void rollback();

 private:
  friend class WriteBatcher;
  BatchMember(WriteBatcher* owner, std::shared_ptr<WriteBatch> batch)
      : owner_(owner), batch_(std::move(batch)) {}
  WriteBatcher* owner_;
  std::shared_ptr<WriteBatch> batch_;
};

class WriteBatcher {
 public:
  WriteBatcher(ConnectionPool& pool, WriteBatcherOptions options) : pool_(pool), options_(options) {}
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  // Waits (until `deadline_mono_ms` on the steady clock, or the pool's busy
  // limit when 0) for the connection, then begins a member. UNAVAILABLE
  // (DATABASE_BUSY) when the turn does not come in time.
  Result<BatchMember> join(int64_t deadline_mono_ms);

  // Threads waiting in join() now (tests and metrics).
  int waiters() {
    std::lock_guard lock(mu_);
    return waiters_;
  }

 private:
  friend class BatchMember;
  // The turn holder leaves: `released` = its savepoint was released into the
  // batch. Hands the turn on or ends the batch; returns the batch's result
  // for a released member, OK otherwise.
  Status leave(const std::shared_ptr<WriteBatch>& batch, bool released);
  Status end_batch(const std::shared_ptr<WriteBatch>& batch);
  Status abort_if_sqlite_rolled_back(const std::shared_ptr<WriteBatch>& batch);

  ConnectionPool& pool_;
  WriteBatcherOptions options_;
  std::optional<Lease> lease_;  // the batches' connection: leased at first use, kept (turn holder only)

  std::mutex mu_;
  std::condition_variable turn_cv_;  // the connection became free
  std::condition_variable done_cv_;  // a batch ended
  bool busy_ = false;                // a member (or a committer) holds the turn
  int waiters_ = 0;                  // threads waiting in join()
  std::shared_ptr<WriteBatch> open_;  // the batch in progress (turn holder only)
};

}  // namespace bazaar::host
