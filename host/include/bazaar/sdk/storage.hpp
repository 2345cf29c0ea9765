// Storage (ABI 1.1): a transaction on one database (a shard or BZ_SHARD_META),
// its prepared statements and their rows.
//
// Contract: a Txn is used on the thread that began it and never kept across
// requests; it rolls back unless committed. A Stmt and its Row are valid until
// the transaction ends or the same SQL is prepared again; text read from a row
// is valid until the statement steps again. Parameters are 1-based, columns
// 0-based. Read rows with first(), collect() or for_each() rather than a step()
// loop. Errors: CONFLICT "CONSTRAINT" for a UNIQUE/CHECK violation,
// "DATABASE_ERROR" otherwise, INTERNAL "BIND_FAILED" for a refused bind.
#pragma once

#include <bazaar/sdk/core.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace bazaar::sdk {

class Host;
class EventContext;

// The current row of a statement (columns 0-based). Text is valid until the
// statement steps again.
class Row {
 public:
  Row(const bz_host_api* api, bz_stmt* stmt) : api_(api), stmt_(stmt) {}
  int64_t int64(int column) const { return api_->stmt_column_int64(stmt_, column); }
  std::string_view text(int column) const { return view(api_->stmt_column_text(stmt_, column)); }
  std::string string(int column) const { return std::string(text(column)); }
  bool is_null(int column) const { return api_->stmt_column_is_null(stmt_, column) != 0; }
  // NULL as nullopt.
  std::optional<int64_t> optional_int64(int column) const {
    if (is_null(column)) return std::nullopt;
    return int64(column);
  }

 private:
  const bz_host_api* api_;
  bz_stmt* stmt_;
};

// A prepared statement inside a Txn (ABI 1.1). Parameters are 1-based,
// columns 0-based; text columns are valid until the next step().
class Stmt {
 public:
  Stmt(const bz_host_api* api, bz_stmt* stmt) : api_(api), stmt_(stmt) {}

  // A bind that fails (an index the SQL does not have, or a statement stepped
  // and not finished: prepare it again instead) is reported by the next step().
  Stmt& bind(int index, int64_t value) {
    return checked(api_->stmt_bind_int64(stmt_, index, value), index);
  }
  Stmt& bind(int index, std::string_view value) {
    return checked(api_->stmt_bind_text(stmt_, index, to_bz(value)), index);
  }
  Stmt& bind_null(int index) { return checked(api_->stmt_bind_null(stmt_, index), index); }
  // Binds every argument in order, from parameter 1.
  template <class... Args>
  Stmt& bind_all(const Args&... args) {
    int index = 0;
    (bind_one(++index, args), ...);
    return *this;
  }

  // true: a row is ready; false: done. Constraint violations are CONFLICT.
  Result<bool> step() {
    if (bind_error_) return *bind_error_;
    char err[256] = {0};
    int rc = api_->stmt_step(stmt_, err, sizeof(err));
    if (rc >= 0) return rc == 1;
    return Error(static_cast<bz_status>(-rc), rc == -BZ_CONFLICT ? "CONSTRAINT" : "DATABASE_ERROR",
                 err);
  }
  // Runs a statement that returns no rows.
  Status run() {
    auto r = step();
    if (!r.ok()) return r.error();
    return ok_status();
  }

  int64_t int64(int column) const { return api_->stmt_column_int64(stmt_, column); }
  std::string_view text(int column) const { return view(api_->stmt_column_text(stmt_, column)); }
  bool is_null(int column) const { return api_->stmt_column_is_null(stmt_, column) != 0; }
  Row row() const { return Row(api_, stmt_); }

  // Reading rows without writing a step() loop. Each runs the statement from
  // where it is and stops at the first error.
  //
  // fn(const Row&) for every row; fn returns void or Status (an error stops).
  template <class Fn>
  Status for_each(Fn&& fn) {
    while (true) {
      auto more = step();
      if (!more.ok()) return more.error();
      if (!*more) return ok_status();
      if constexpr (std::is_void_v<std::invoke_result_t<Fn&, const Row&>>) {
        fn(row());
      } else {
        Status s = fn(row());
        if (!s.ok()) return s;
      }
    }
  }
  // Every row as map(const Row&).
  template <class Map>
  Result<std::vector<std::invoke_result_t<Map&, const Row&>>> collect(Map&& map) {
    std::vector<std::invoke_result_t<Map&, const Row&>> out;
    Status s = for_each([&](const Row& r) { out.push_back(map(r)); });
    if (!s.ok()) return s.error();
    return out;
  }
  // The first row as map(const Row&), or nullopt when there is none. Further
  // rows are left unread (the host resets the statement when the transaction
  // ends or the same SQL is prepared again).
  template <class Map>
  Result<std::optional<std::invoke_result_t<Map&, const Row&>>> first(Map&& map) {
    using T = std::invoke_result_t<Map&, const Row&>;
    auto found = step();
    if (!found.ok()) return found.error();
    if (!*found) return std::optional<T>();
    return std::optional<T>(map(row()));
  }

 private:
  Stmt& checked(bz_status st, int index) {
    if (st != BZ_OK && !bind_error_) {
      bind_error_ = Error(BZ_INTERNAL, "BIND_FAILED",
                          "cannot bind parameter " + std::to_string(index) +
                              ": no such parameter, or the statement was stepped and not finished");
    }
    return *this;
  }
  void bind_one(int index, int64_t v) { bind(index, v); }
  void bind_one(int index, int v) { bind(index, int64_t{v}); }
  void bind_one(int index, std::string_view v) { bind(index, v); }
  void bind_one(int index, const std::string& v) { bind(index, std::string_view(v)); }
  void bind_one(int index, const char* v) { bind(index, std::string_view(v)); }
  void bind_one(int index, std::nullptr_t) { bind_null(index); }
  template <class T>
  void bind_one(int index, const std::optional<T>& v) {  // nullopt binds NULL
    if (v) {
      bind_one(index, *v);
    } else {
      bind_null(index);
    }
  }

  const bz_host_api* api_;
  bz_stmt* stmt_;
  std::optional<Error> bind_error_;
};

// A transaction on one shard (or BZ_SHARD_META), rolled back unless committed.
// Use on the thread that began it; never keep one across requests.
class Txn {
 public:
  Txn(Txn&& other) noexcept : api_(other.api_), txn_(other.txn_), owned_(other.owned_) {
    other.txn_ = nullptr;
  }
  Txn& operator=(Txn&&) = delete;
  Txn(const Txn&) = delete;
  ~Txn() {
    if (txn_ != nullptr && owned_) api_->txn_rollback(txn_);
  }

  // A service joining its caller's transaction works through a borrowed Txn:
  // same statements, but the caller alone commits or rolls back.
  static Txn borrow(const bz_host_api* api, bz_txn* txn) { return Txn(api, txn, false); }
  bool owned() const { return owned_; }

  Result<Stmt> prepare(std::string_view sql) {
    bz_stmt* stmt = nullptr;
    char err[256] = {0};
    bz_status st = api_->stmt_prepare(txn_, to_bz(sql), &stmt, err, sizeof(err));
    if (st != BZ_OK) return Error(st, "DATABASE_ERROR", err);
    return Stmt(api_, stmt);
  }
  // prepare + bind_all: a statement ready to read with first(), collect() or
  // for_each().
  template <class... Args>
  Result<Stmt> query(std::string_view sql, const Args&... args) {
    auto stmt = prepare(sql);
    if (!stmt.ok()) return stmt.error();
    stmt->bind_all(args...);
    return stmt;
  }
  // prepare + bind_all + run; returns the number of rows changed.
  template <class... Args>
  Result<int64_t> exec(std::string_view sql, const Args&... args) {
    auto stmt = prepare(sql);
    if (!stmt.ok()) return stmt.error();
    Status ran = stmt->bind_all(args...).run();
    if (!ran.ok()) return ran.error();
    return api_->txn_changes(txn_);
  }
  // Invalidates cache `key` once this transaction commits (never before: a
  // reader could refill the old value; see sdk/cache.hpp for the marker).
  // Nothing happens on rollback. A key the cache
  // refuses (spaces, too long) is never cached either, so ignoring it is safe.
  void delete_after_commit(std::string_view key) {
    api_->cache_delete_after_commit(txn_, to_bz(key));
  }
  // Durable timers (ABI 1.2): schedules (or moves) this plugin's timer (kind,
  // key) in this transaction's database; it exists if and only if the
  // transaction commits. `kind` must be one the plugin declares with timer<>();
  // key: 1 to 200 printable ASCII bytes; payload: at most 64 KiB.
  Status schedule_timer(std::string_view kind, std::string_view key, int64_t due_ms,
                        std::string_view payload = {}) {
    if (!has_timers()) return Error(BZ_UNAVAILABLE, "TIMERS_UNAVAILABLE", "host has no timers");
    char err[256] = {0};
    bz_status st = api_->timer_schedule(txn_, to_bz(kind), to_bz(key), due_ms, to_bz(payload), err,
                                        sizeof(err));
    if (st != BZ_OK) return Error(st, st == BZ_INVALID_ARGUMENT ? "BAD_TIMER" : "DATABASE_ERROR", err);
    return ok_status();
  }
  // Removes a pending timer in this transaction; true if there was one.
  Result<bool> cancel_timer(std::string_view kind, std::string_view key) {
    if (!has_timers()) return Error(BZ_UNAVAILABLE, "TIMERS_UNAVAILABLE", "host has no timers");
    int rc = api_->timer_cancel(txn_, to_bz(kind), to_bz(key));
    if (rc >= 0) return rc == 1;
    auto st = static_cast<bz_status>(-rc);
    return Error(st, st == BZ_INVALID_ARGUMENT ? "BAD_TIMER" : "DATABASE_ERROR",
                 "cannot cancel timer");
  }

  // Writes an event to this transaction's outbox: published if and only if the
  // transaction commits. Topics end with '.', e.g. "order.paid.".
  Status publish(std::string_view topic, const Json& payload) {
    std::string text = payload.dump();
    char err[256] = {0};
    bz_status st = api_->event_publish(txn_, to_bz(topic), to_bz(text), err, sizeof(err));
    if (st != BZ_OK) return Error(st, "BAD_EVENT", err);
    return ok_status();
  }

  uint32_t shard() const { return api_->txn_shard(txn_); }
  bz_txn* raw() const { return txn_; }

  Status commit() {
    if (!owned_) {
      return Error(BZ_INTERNAL, "BORROWED_TXN", "a joined transaction is committed by its owner");
    }
    char err[256] = {0};
    bz_status st = api_->txn_commit(txn_, err, sizeof(err));
    txn_ = nullptr;
    if (st != BZ_OK) return Error(st, "DATABASE_ERROR", err);
    return ok_status();
  }

 private:
  friend class Host;
  friend class EventContext;
  Txn(const bz_host_api* api, bz_txn* txn, bool owned = true) : api_(api), txn_(txn), owned_(owned) {}
  bool has_timers() const {
    return api_->struct_size >= offsetof(bz_host_api, timer_cancel) + sizeof(void*);
  }
  const bz_host_api* api_;
  bz_txn* txn_;
  bool owned_;
};

}  // namespace bazaar::sdk
