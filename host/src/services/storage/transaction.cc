#include "services/storage/transaction.h"

#include <cctype>
#include <string>

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

bool is_transaction_control(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {  // blanks and comments before the first word
    if (std::isspace(static_cast<unsigned char>(sql[i])) != 0) {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (sql.compare(i, 2, "/*") == 0) {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  size_t end = i;
  while (end < sql.size() && std::isalpha(static_cast<unsigned char>(sql[end])) != 0) ++end;
  std::string word;
  for (char c : sql.substr(i, end - i)) word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word == "BEGIN" || word == "COMMIT" || word == "END" || word == "ROLLBACK" ||
         word == "SAVEPOINT" || word == "RELEASE";
}

}  // namespace bazaar::host
