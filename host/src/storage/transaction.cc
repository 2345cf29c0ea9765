#include "transaction.h"

namespace bazaar::host {

Result<Transaction> Transaction::begin(Database& db, TxnMode mode) {
  if (mode == TxnMode::kWrite) BAZAAR_RETURN_IF_ERROR(db.writable());  // after a failed WAL sync
  Status s = db.run_cached(mode == TxnMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  if (!s.ok()) return s.error();
  return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_), open_(other.open_) {
  other.open_ = false;
}

Transaction::~Transaction() { rollback(); }

Status Transaction::commit() {
  if (!open_) return failed_precondition("TXN_CLOSED", "transaction is not open");
  db_->reset_statements();
  db_->arm_commit_hook();  // durable: the WAL hook waits for the sync inside COMMIT
  Status s = db_->run_cached("COMMIT");
  if (!s.ok()) {
    rollback();  // a no-op if the COMMIT went through and only its WAL sync failed
    return s;
  }
  open_ = false;
  if (db_->stats().on_commit) db_->stats().on_commit();
  return ok_status();
}

void Transaction::rollback() {
  if (!open_) return;
  open_ = false;
  db_->reset_statements();
  (void)db_->run_cached("ROLLBACK");
}

}  // namespace bazaar::host
