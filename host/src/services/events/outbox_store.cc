#include "services/events/outbox_store.h"

#include <sqlite3.h>

#include "services/storage/transaction.h"

#include <string>
#include <vector>

namespace bazaar::host::outbox {
namespace {

void bind_text(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text64(s, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

std::string column_text(sqlite3_stmt* s, int c) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
  return p == nullptr ? std::string() : std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, c)));
}

}  // namespace

Status append(Database& db, int64_t id, std::string_view plugin, std::string_view topic,
              std::string_view payload, int64_t created_ms) {
  auto stmt = db.prepare(
      "INSERT INTO bazaar_outbox (id, plugin, topic, payload, created_ms) VALUES (?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.error();
  sqlite3_bind_int64(*stmt, 1, id);
  bind_text(*stmt, 2, plugin);
  bind_text(*stmt, 3, topic);
  bind_text(*stmt, 4, payload);
  sqlite3_bind_int64(*stmt, 5, created_ms);
  int rc = sqlite3_step(*stmt);
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE) return db.error(rc, "outbox append");
  return ok_status();
}

Result<std::vector<WireEvent>> read_from(Database& db, uint64_t from_seq, size_t limit,
                                         uint32_t node, uint32_t shard) {
  auto stmt = db.prepare(
      "SELECT seq, id, plugin, topic, payload, created_ms FROM bazaar_outbox "
      "WHERE seq >= ? ORDER BY seq LIMIT ?");
  if (!stmt.ok()) return stmt.error();
  sqlite3_bind_int64(*stmt, 1, static_cast<int64_t>(from_seq));
  sqlite3_bind_int64(*stmt, 2, static_cast<int64_t>(limit));
  std::vector<WireEvent> out;
  int rc = 0;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
    WireEvent e;
    e.seq = static_cast<uint64_t>(sqlite3_column_int64(*stmt, 0));
    e.id = sqlite3_column_int64(*stmt, 1);
    e.plugin = column_text(*stmt, 2);
    e.topic = column_text(*stmt, 3);
    e.payload = column_text(*stmt, 4);
    e.created_ms = sqlite3_column_int64(*stmt, 5);
    e.origin_node = node;
    e.origin_shard = shard;
    out.push_back(std::move(e));
  }
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE) return db.error(rc, "outbox read");
  return out;
}

Result<uint64_t> last_published(Database& db) {
  auto stmt = db.prepare("SELECT published_seq FROM bazaar_outbox_relay WHERE id = 1");
  if (!stmt.ok()) return stmt.error();
  int rc = sqlite3_step(*stmt);
  uint64_t seq = rc == SQLITE_ROW ? static_cast<uint64_t>(sqlite3_column_int64(*stmt, 0)) : 0;
  sqlite3_reset(*stmt);
  if (rc != SQLITE_ROW) return db.error(rc, "outbox position");
  return seq;
}

Status mark_published(Database& db, uint64_t to_inclusive) {
  auto txn = Transaction::begin(db, TxnMode::kWrite);
  if (!txn.ok()) return txn.error();
  // max(): a second relay (old and new background worker during a roll)
  // finishing late never moves the position back.
  auto stmt = db.prepare(
      "UPDATE bazaar_outbox_relay SET published_seq = max(published_seq, ?) WHERE id = 1");
  if (!stmt.ok()) return stmt.error();
  sqlite3_bind_int64(*stmt, 1, static_cast<int64_t>(to_inclusive));
  int rc = sqlite3_step(*stmt);
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE) return db.error(rc, "outbox mark published");
  return txn->commit();
}

Result<bool> inbox_record(Database& db, std::string_view consumer, int64_t event_id,
                          int64_t now_ms) {
  auto stmt = db.prepare(
      "INSERT INTO bazaar_inbox (consumer, event_id, applied_ms) VALUES (?, ?, ?) "
      "ON CONFLICT (consumer, event_id) DO NOTHING");
  if (!stmt.ok()) return stmt.error();
  bind_text(*stmt, 1, consumer);
  sqlite3_bind_int64(*stmt, 2, event_id);
  sqlite3_bind_int64(*stmt, 3, now_ms);
  int rc = sqlite3_step(*stmt);
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE) return db.error(rc, "inbox record");
  return db.changes() == 1;
}

Result<int64_t> purge_outbox(Database& db, int64_t cutoff_ms, size_t limit) {
  auto txn = Transaction::begin(db, TxnMode::kWrite);
  if (!txn.ok()) return txn.error();
  // The bound is found among the oldest `limit` rows only (seq order is commit
  // order, and created_ms follows it), so the statement's work is bounded.
  auto stmt = db.prepare(
      "DELETE FROM bazaar_outbox WHERE seq <= min("
      " (SELECT published_seq FROM bazaar_outbox_relay WHERE id = 1),"
      " (SELECT max(seq) - 1 FROM bazaar_outbox),"
      " (SELECT coalesce(max(seq), 0) FROM (SELECT seq, created_ms FROM bazaar_outbox"
      "   ORDER BY seq LIMIT ?2) WHERE created_ms < ?1))");
  if (!stmt.ok()) return stmt.error();
  sqlite3_bind_int64(*stmt, 1, cutoff_ms);
  sqlite3_bind_int64(*stmt, 2, static_cast<int64_t>(limit));
  int rc = sqlite3_step(*stmt);
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE) return db.error(rc, "outbox purge");
  const int64_t deleted = db.changes();
  if (Status s = txn->commit(); !s.ok()) return s.error();
  return deleted;
}

Result<int64_t> purge_inbox(Database& db, int64_t before_event_id, size_t limit) {
  auto txn = Transaction::begin(db, TxnMode::kWrite);
  if (!txn.ok()) return txn.error();
  // Consumer by consumer (a look-up each on the primary key), oldest first.
  auto next_consumer = db.prepare(
      "SELECT consumer FROM bazaar_inbox WHERE consumer > ?1 ORDER BY consumer LIMIT 1");
  if (!next_consumer.ok()) return next_consumer.error();
  std::vector<std::string> consumers;
  std::string after;
  for (;;) {
    bind_text(*next_consumer, 1, after);
    int rc = sqlite3_step(*next_consumer);
    if (rc == SQLITE_ROW) after = column_text(*next_consumer, 0);
    sqlite3_reset(*next_consumer);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return db.error(rc, "inbox consumers");
    consumers.push_back(after);
  }
  int64_t deleted = 0;
  for (const std::string& consumer : consumers) {
    if (deleted >= static_cast<int64_t>(limit)) break;
    auto stmt = db.prepare(
        "DELETE FROM bazaar_inbox WHERE consumer = ?1 AND event_id IN (SELECT event_id FROM "
        "bazaar_inbox WHERE consumer = ?1 AND event_id < ?2 ORDER BY event_id LIMIT ?3)");
    if (!stmt.ok()) return stmt.error();
    bind_text(*stmt, 1, consumer);
    sqlite3_bind_int64(*stmt, 2, before_event_id);
    sqlite3_bind_int64(*stmt, 3, static_cast<int64_t>(limit) - deleted);
    int rc = sqlite3_step(*stmt);
    sqlite3_reset(*stmt);
    if (rc != SQLITE_DONE) return db.error(rc, "inbox purge");
    deleted += db.changes();
  }
  if (Status s = txn->commit(); !s.ok()) return s.error();
  return deleted;
}

Result<std::vector<std::pair<uint32_t, uint64_t>>> load_cursors(Database& meta,
                                                                std::string_view consumer) {
  auto stmt = meta.prepare(
      "SELECT origin_shard, applied_seq FROM bazaar_event_cursors WHERE consumer = ?");
  if (!stmt.ok()) return stmt.error();
  bind_text(*stmt, 1, consumer);
  std::vector<std::pair<uint32_t, uint64_t>> out;
  int rc = 0;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
    out.emplace_back(static_cast<uint32_t>(sqlite3_column_int64(*stmt, 0)),
                     static_cast<uint64_t>(sqlite3_column_int64(*stmt, 1)));
  }
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE) return meta.error(rc, "load cursors");
  return out;
}

Status save_cursor(Database& meta, std::string_view consumer, uint32_t origin, uint64_t seq) {
  auto stmt = meta.prepare(
      "INSERT INTO bazaar_event_cursors (consumer, origin_shard, applied_seq) VALUES (?, ?, ?) "
      "ON CONFLICT (consumer, origin_shard) DO UPDATE SET "
      "applied_seq = max(applied_seq, excluded.applied_seq)");
  if (!stmt.ok()) return stmt.error();
  bind_text(*stmt, 1, consumer);
  sqlite3_bind_int64(*stmt, 2, int64_t{origin});
  sqlite3_bind_int64(*stmt, 3, static_cast<int64_t>(seq));
  int rc = sqlite3_step(*stmt);
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE) return meta.error(rc, "save cursor");
  return ok_status();
}

}  // namespace bazaar::host::outbox
