// ABI 1.1: shards, ids, transactions and statements.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>

#include "abi/host_api_internal.h"
#include "services/storage/transaction.h"

namespace bazaar::host::api {

uint32_t shard_count(bz_host* host) {
  return host->services->shards != nullptr ? host->services->shards->shard_count() : 0;
}

uint32_t shard_of(bz_host* host, uint64_t key) {
  return host->services->shards != nullptr ? host->services->shards->shard_of(key) : 0;
}

int64_t id_next(bz_host* host, uint32_t shard) {
  if (host->services->ids == nullptr) return 0;
  auto id = host->services->ids->next(shard);
  return id.ok() ? *id : 0;
}

uint32_t id_shard(int64_t id) { return IdGenerator::shard_of(id); }

namespace {

int64_t mono_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

static_assert(ShardSet::kMeta == BZ_SHARD_META, "ShardSet::database() names meta as the ABI does");

bz_status txn_begin(bz_host* host, const bz_request* req, uint32_t shard, bz_txn_mode mode,
                    bz_txn** out, char* err, size_t err_len) {
  *out = nullptr;
  ShardSet* shards = host->services->shards;
  if (shards == nullptr) {
    copy_error(err, err_len, "storage is not available in this process");
    return BZ_UNAVAILABLE;
  }
  // Waits (for the write lock, or a turn in the write batch) end at the
  // request's deadline, on a monotonic clock: a moved test clock changes neither.
  int64_t deadline_mono = 0;
  if (req != nullptr) {
    int64_t left = req->deadline_ms - host->services->clock->now_ms();
    deadline_mono = mono_ms() + std::max<int64_t>(left, 1);
  }
  auto fail = [&](const Error& e) {
    copy_error(err, err_len, e.message());
    return e.status();
  };
  auto txn = std::make_unique<bz_txn>();
  txn->host = host;
  txn->shard = shard;
  WriteBatcher* batch = shard != BZ_SHARD_META && mode == BZ_TXN_WRITE ? shards->writer(shard) : nullptr;
  if (batch != nullptr) {
    auto member = batch->join(deadline_mono);
    if (!member.ok()) return fail(member.error());
    txn->member.emplace(std::move(*member));
  } else {
    auto lease = shards->database(shard);
    if (!lease.ok()) return fail(lease.error());
    if (deadline_mono > 0) (*lease)->set_deadline(deadline_mono);
    auto begun = Transaction::begin(**lease, mode == BZ_TXN_WRITE ? TxnMode::kWrite : TxnMode::kRead);
    if (!begun.ok()) return fail(begun.error());
    txn->lease.emplace(std::move(*lease));
    txn->txn.emplace(std::move(*begun));
  }
  *out = txn.release();
  return BZ_OK;
}

bz_status txn_commit(bz_txn* txn, char* err, size_t err_len) {
  Status committed = txn->commit();
  std::vector<std::string> deletes = std::move(txn->cache_deletes);
  bz_host* host = txn->host;
  delete txn;
  if (committed.ok()) {
    // Only now: invalidating before the commit lets a reader refill the old value.
    for (const std::string& key : deletes) cache_invalidate_committed(host, key);
    return BZ_OK;
  }
  copy_error(err, err_len, committed.error().message());
  return committed.error().status();
}

void txn_rollback(bz_txn* txn) { delete txn; }  // ~Transaction rolls back, ~Lease returns

int64_t txn_changes(bz_txn* txn) { return txn->db().changes(); }

uint32_t txn_shard(bz_txn* txn) { return txn->shard; }

static sqlite3_stmt* raw(bz_stmt* stmt) { return reinterpret_cast<sqlite3_stmt*>(stmt); }

bz_status stmt_prepare(bz_txn* txn, bz_str sql, bz_stmt** out, char* err, size_t err_len) {
  if (is_transaction_control(sv(sql))) {
    *out = nullptr;
    copy_error(err, err_len, "transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) "
                             "belongs to the host: use commit() and rollback()");
    return BZ_INVALID_ARGUMENT;
  }
  auto stmt = txn->db().prepare(sv(sql));
  if (!stmt.ok()) {
    *out = nullptr;
    copy_error(err, err_len, stmt.error().message());
    return stmt.error().status();
  }
  *out = reinterpret_cast<bz_stmt*>(*stmt);
  return BZ_OK;
}

static bz_status bind_result(int rc) { return rc == SQLITE_OK ? BZ_OK : BZ_INVALID_ARGUMENT; }

bz_status stmt_bind_int64(bz_stmt* stmt, int index, int64_t value) {
  return bind_result(sqlite3_bind_int64(raw(stmt), index, value));
}

bz_status stmt_bind_text(bz_stmt* stmt, int index, bz_str value) {
  return bind_result(sqlite3_bind_text64(raw(stmt), index, value.data == nullptr ? "" : value.data,
                                         value.len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

bz_status stmt_bind_null(bz_stmt* stmt, int index) {
  return bind_result(sqlite3_bind_null(raw(stmt), index));
}

int stmt_step(bz_stmt* stmt, char* err, size_t err_len) {
  int rc = sqlite3_step(raw(stmt));
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  copy_error(err, err_len, sqlite3_errmsg(sqlite3_db_handle(raw(stmt))));
  sqlite3_reset(raw(stmt));
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT: return -BZ_CONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return -BZ_UNAVAILABLE;
    default: return -BZ_INTERNAL;
  }
}

int64_t stmt_column_int64(bz_stmt* stmt, int column) {
  return sqlite3_column_int64(raw(stmt), column);
}

bz_str stmt_column_text(bz_stmt* stmt, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw(stmt), column));
  int len = sqlite3_column_bytes(raw(stmt), column);
  return {text == nullptr ? "" : text, static_cast<size_t>(len)};
}

int stmt_column_is_null(bz_stmt* stmt, int column) {
  return sqlite3_column_type(raw(stmt), column) == SQLITE_NULL ? 1 : 0;
}


}  // namespace bazaar::host::api
