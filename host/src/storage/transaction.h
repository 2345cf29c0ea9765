// A transaction on one Database. Write transactions take SQLite's write lock
// up front (BEGIN IMMEDIATE), so a transaction never fails half-way with a
// lock upgrade deadlock; read transactions see one consistent snapshot.
// Destroying an uncommitted Transaction rolls it back.
#pragma once

#include <bazaar/result.hpp>

#include "database.h"

namespace bazaar::host {

enum class TxnMode { kRead, kWrite };

class Transaction {
 public:
  static Result<Transaction> begin(Database& db, TxnMode mode);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status commit();
  void rollback();
  bool open() const { return open_; }
  Database& db() const { return *db_; }

 private:
  explicit Transaction(Database& db) : db_(&db), open_(true) {}
  Database* db_;
  bool open_;
};

}  // namespace bazaar::host
