#include "services/storage/write_batcher.h"

#include <sqlite3.h>

#include <chrono>
#include <utility>

namespace bazaar::host {

struct WriteBatch {
  explicit WriteBatch(Database& connection) : db(connection) {}
  Database& db;  // the batcher's connection
  int64_t opened_us = 0;
  int members = 0;  // savepoints released into it
  bool done = false;
  std::optional<Error> failed;
};

namespace {

int64_t mono_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

Status outcome_of(const WriteBatch& batch) {
  if (batch.failed) return *batch.failed;
  return ok_status();
}

}  // namespace

// --- BatchMember -------------------------------------------------------------

BatchMember::BatchMember(BatchMember&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), batch_(std::move(other.batch_)) {}

BatchMember::~BatchMember() { rollback(); }

Database& BatchMember::db() const { return batch_->db; }

Status BatchMember::commit() {
  if (owner_ == nullptr) return failed_precondition("TXN_CLOSED", "transaction is not open");
  WriteBatcher* w = std::exchange(owner_, nullptr);
  Database& db = batch_->db;
  db.reset_statements();
  Status released = db.run_cached("RELEASE bz_member");
  if (!released.ok()) {
    // Could not join its changes to the batch: take them out again.
    if (sqlite3_get_autocommit(db.raw()) == 0) (void)db.run_cached("ROLLBACK TO bz_member");
    (void)db.run_cached("RELEASE bz_member");
    (void)w->abort_if_sqlite_rolled_back(batch_);
    (void)w->leave(batch_, false);
    return released;
  }
  if (Status aborted = w->abort_if_sqlite_rolled_back(batch_); !aborted.ok()) {
    (void)w->leave(batch_, false);
    return aborted;
  }
  return w->leave(batch_, true);
}

void BatchMember::rollback() {
  if (owner_ == nullptr) return;
  WriteBatcher* w = std::exchange(owner_, nullptr);
  Database& db = batch_->db;
  db.reset_statements();
  if (sqlite3_get_autocommit(db.raw()) == 0) {
    Status undone = db.run_cached("ROLLBACK TO bz_member");
    Status closed = db.run_cached("RELEASE bz_member");
    if (!undone.ok() || !closed.ok()) {
      // The member's changes may still be in the batch: the batch cannot commit.
      (void)db.run_cached("ROLLBACK");
    }
  }
  (void)w->abort_if_sqlite_rolled_back(batch_);
  (void)w->leave(batch_, false);
}

// --- WriteBatcher -------------------------------------------------------------

Result<BatchMember> WriteBatcher::join(int64_t deadline_mono_ms) {
  {
    std::unique_lock lock(mu_);
    ++waiters_;
    const auto until = deadline_mono_ms > 0
                           ? std::chrono::steady_clock::time_point(std::chrono::milliseconds(deadline_mono_ms))
                           : std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.busy_limit_ms);
    const bool turn = turn_cv_.wait_until(lock, until, [&] { return !busy_; });
    --waiters_;
    if (!turn) {
      return unavailable("DATABASE_BUSY", "no turn on the write batch of " + pool_.path() + " in time");
    }
    busy_ = true;
  }
  auto give_turn_back = [&] {
    std::lock_guard lock(mu_);
    busy_ = false;
    turn_cv_.notify_one();
  };
  std::shared_ptr<WriteBatch> batch;
  {
    std::lock_guard lock(mu_);
    batch = open_;
  }
  if (!batch) {
    if (!lease_) {  // kept for good: its page cache stays warm between batches
      auto lease = pool_.lease();
      if (!lease.ok()) {
        give_turn_back();
        return lease.error();
      }
      lease_.emplace(std::move(*lease));
    }
    Database& fresh = **lease_;
    fresh.set_deadline(deadline_mono_ms);  // BEGIN IMMEDIATE may wait for another process
    Status writable = fresh.writable();    // refused after a failed WAL sync
    Status begun = writable.ok() ? fresh.run_cached("BEGIN IMMEDIATE") : writable;
    if (!begun.ok()) {
      give_turn_back();
      return begun.error();
    }
    batch = std::make_shared<WriteBatch>(fresh);
    batch->opened_us = mono_us();
    std::lock_guard lock(mu_);
    open_ = batch;
  }
  Database& db = batch->db;
  db.set_deadline(deadline_mono_ms);
  Status savepoint = db.run_cached("SAVEPOINT bz_member");
  if (!savepoint.ok()) {
    (void)abort_if_sqlite_rolled_back(batch);
    (void)leave(batch, false);
    return savepoint.error();
  }
  return BatchMember(this, std::move(batch));
}

Status WriteBatcher::leave(const std::shared_ptr<WriteBatch>& batch, bool released) {
  std::unique_lock lock(mu_);
  if (released) ++batch->members;
  if (open_ != batch) {  // aborted by SQLite: nothing left to commit
    busy_ = false;
    turn_cv_.notify_one();
    return released ? outcome_of(*batch) : ok_status();
  }
  const bool young = mono_us() - batch->opened_us < options_.max_batch_age_us;
  if (waiters_ > 0 && batch->members < options_.max_members && young) {
    busy_ = false;  // the next member runs in this batch
    turn_cv_.notify_one();
    if (!released) return ok_status();
    done_cv_.wait(lock, [&] { return batch->done; });
    return outcome_of(*batch);
  }
  lock.unlock();
  Status ended = end_batch(batch);
  return released ? ended : ok_status();
}

Status WriteBatcher::end_batch(const std::shared_ptr<WriteBatch>& batch) {
  Database& db = batch->db;
  db.reset_statements();
  Status result = ok_status();
  if (batch->members == 0) {
    (void)db.run_cached("ROLLBACK");
  } else {
    db.arm_commit_hook();  // durable: the WAL hook waits for the sync inside COMMIT
    result = db.run_cached("COMMIT");
    if (!result.ok()) {
      (void)db.run_cached("ROLLBACK");  // a no-op if the COMMIT went through and only its sync failed
    } else {
      if (db.stats().on_commit) db.stats().on_commit();
      if (db.stats().on_batch_commit) db.stats().on_batch_commit(batch->members);
    }
  }
  // The turn is kept through the WAL sync on purpose: the members that queue
  // meanwhile make the next batch larger, and a larger batch is what saves
  // work (measured: handing the turn on at COMMIT gave smaller batches and
  // fewer orders per second; docs/ARCHITECTURE.md, "Write batching").
  std::lock_guard lock(mu_);
  if (!result.ok()) batch->failed = result.error();
  batch->done = true;
  open_ = nullptr;
  busy_ = false;
  done_cv_.notify_all();
  turn_cv_.notify_one();
  return result;
}

Status WriteBatcher::abort_if_sqlite_rolled_back(const std::shared_ptr<WriteBatch>& batch) {
  Database& db = batch->db;
  if (sqlite3_get_autocommit(db.raw()) == 0) return ok_status();
  Error gone = unavailable("WRITE_BATCH_ABORTED",
                           "SQLite rolled back the write batch of " + db.path() + " after an error; retry");
  std::lock_guard lock(mu_);
  if (open_ == batch) {
    open_ = nullptr;
    batch->failed = gone;
    batch->done = true;
    done_cv_.notify_all();
  }
  return gone;
}

}  // namespace bazaar::host
