// The stock participant: always the chain's first (the base stage: catalog
// prices, titles and the seller). Try reserves every line on its SKU's shard,
// one transaction per shard in shard order (every attempt locks shards in
// the same order), and places the attempt's guard in the first one; confirm
// moves the reservations to sold, cancel back to available (an abandoned
// attempt's rows go entirely). Every move is conditional on the row's state,
// with the counters in the same transaction, so it happens once. Moves take
// the first shard last: the guard it lifts stays until every other shard has
// moved.
#pragma once

#include "participants/participant.h"

namespace orders {

class FlashGate;

class StockParticipant final : public Participant {
 public:
  StockParticipant(bazaar::sdk::Host host, FlashGate& flash_gate) : host_(host), flash_gate_(flash_gate) {}

  std::string_view name() const override { return "stock"; }
  Stage stage() const override { return Stage::kBase; }
  Placement placement() const override { return Placement::kOwnTransactions; }

  // 422 UNKNOWN_SKU (no such SKU or inactive), 409 SOLD_OUT; nothing stays reserved.
  bazaar::Result<Tried> try_reserve(const TryContext& ctx) const override;
  // Prices from the catalog; 422 UNKNOWN_SKU; a short line is `refused` SOLD_OUT.
  bazaar::Result<Tried> quote(const TryContext& ctx) const override;
  bazaar::Result<Confirmed> confirm(const SettleContext& ctx) const override;
  bazaar::Status cancel(const SettleContext& ctx) const override;

 private:
  enum class Move { kConfirm, kRelease, kUndo };
  bazaar::Status move_all(const SettleContext& ctx, Move how) const;

  bazaar::sdk::Host host_;
  FlashGate& flash_gate_;  // orders of earlier versions keep their flash unit on the reservation
};

}  // namespace orders
