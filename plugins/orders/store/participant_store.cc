#include "store/participant_store.h"

#include "store/written.h"

namespace orders {

namespace {

ParticipantRow read_row(const Row& r) {
  ParticipantRow row;
  row.seq = r.int64(0);
  row.name = r.string(1);
  row.state = parse_participant_state(r.text(2)).value_or(ParticipantState::kTried);
  const Json stored = Json::parse(r.text(3), nullptr, false);
  row.data = stored.is_discarded() ? Json::object() : stored;
  return row;
}

}  // namespace

Status ParticipantStore::insert(bazaar::sdk::Txn& txn, int64_t order_id, const ParticipantRow& row) {
  return written(txn.exec(
      "INSERT INTO orders_participants (order_id, seq, name, state, data) VALUES (?1, ?2, ?3, ?4, ?5)", order_id,
      row.seq, row.name, to_string(row.state), row.data.dump()));
}

Result<std::vector<ParticipantRow>> ParticipantStore::load(bazaar::sdk::Txn& txn, int64_t order_id) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt,
      txn.query("SELECT seq, name, state, data FROM orders_participants WHERE order_id = ?1 ORDER BY seq", order_id));
  return stmt.collect(read_row);
}

Result<bool> ParticipantStore::move(bazaar::sdk::Txn& txn, int64_t order_id, int64_t seq, ParticipantState from,
                                   ParticipantState to) {
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t moved,
      txn.exec("UPDATE orders_participants SET state = ?1 WHERE order_id = ?2 AND seq = ?3 AND state = ?4",
               to_string(to), order_id, seq, to_string(from)));
  return moved == 1;
}

}  // namespace orders
