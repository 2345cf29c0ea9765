// A transaction on one Database. Write transactions take SQLite's write lock
// up front (BEGIN IMMEDIATE), so a transaction never fails half-way with a
// lock upgrade deadlock; read transactions see one consistent snapshot.
// Destroying an uncommitted Transaction rolls it back.
//
// Durability and order (durable databases, `synchronous = full`): commit()
// returns OK only once THIS database's commit is durable (its WAL frames are
// covered by an fdatasync that started after they were written: group commit,
// wal_sync.h). So a caller that commits on A and then on B knows A's commit
// survives a power cut before B's is even written. Commits on different
// databases are never made durable together: order across files is the
// caller's order of commit() calls. The lock is released before the sync, so
// other transactions may already read a commit whose commit() has not yet
// returned (for at most one fdatasync); anything they write is covered by
// their own commit's sync, which covers every earlier frame of the file.
// On a `normal` database commit() returns once the commit is in the WAL.
#pragma once

#include <bazaar/result.hpp>

#include <string_view>

#include "services/storage/database.h"

namespace bazaar::host {

enum class TxnMode { kRead, kWrite };

class Transaction {
 public:
  static Result<Transaction> begin(Database& db, TxnMode mode);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  // See above. An error with code WAL_SYNC_FAILED means the commit was
  // written but is not known to be durable (the database then refuses writes).
  Status commit();
  void rollback();
  bool open() const { return open_; }
  Database& db() const { return *db_; }

 private:
  explicit Transaction(Database& db) : db_(&db), open_(true) {}
  Database* db_;
  bool open_;
};

// True when `sql` (its first statement, after blanks and comments) is
// transaction control: BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT or RELEASE.
// Plugins may not run those: the host owns every transaction's bounds, and a
// plugin's COMMIT inside a write batch (write_batcher.h) would commit the
// other members' work half-way.
bool is_transaction_control(std::string_view sql);

}  // namespace bazaar::host
