// The flash-sale participant (秒杀), named by the request field that the
// chain maps to `flash` (flash_sale_id by default): an activity price and a
// limited number of units in front of the SKU's stock. Try takes the units
// and counts them against the buyer's limit in one transaction on the sale's
// shard (the SKU's), each limit the WHERE of one statement, and records the
// hold; confirm keeps the units sold; cancel gives the units and the buyer's
// allowance back. A sold-out sale is answered by precheck from the gate,
// before any database work.
#pragma once

#include "participants/participant.h"

namespace orders {

class FlashGate;

class FlashParticipant final : public Participant {
 public:
  FlashParticipant(bazaar::sdk::Host host, FlashGate& gate) : host_(host), gate_(gate) {}

  std::string_view name() const override { return "flash"; }
  Stage stage() const override { return Stage::kActivity; }
  Placement placement() const override { return Placement::kOwnTransactions; }

  // 400 BAD_FLASH_SALE_ID; 422 FLASH_SALE_MISMATCH unless the order has
  // exactly one line; 409 SOLD_OUT when the gate knows the sale is sold out.
  bazaar::Status precheck(const OrderRequest& request, const Json* value) const override;
  // 404 FLASH_SALE_NOT_FOUND; 422 FLASH_SALE_MISMATCH, FLASH_SALE_NOT_STARTED,
  // FLASH_SALE_ENDED; 409 SOLD_OUT, FLASH_SALE_LIMIT_REACHED.
  bazaar::Result<Tried> try_reserve(const TryContext& ctx) const override;
  bazaar::Result<Tried> quote(const TryContext& ctx) const override;
  bazaar::Result<Confirmed> confirm(const SettleContext& ctx) const override;
  bazaar::Status cancel(const SettleContext& ctx) const override;

 private:
  // The sale id of a settlement: the try's data, else the request's value.
  static std::optional<int64_t> sale_of(const SettleContext& ctx);
  // 404 / 422 for a sale that cannot be the line's (not on the SKU's shard).
  bazaar::Status check_shard(int64_t flash_id, int64_t sku_id, const bz_request* req) const;
  bazaar::Status move_hold(const SettleContext& ctx, bool confirm) const;

  bazaar::sdk::Host host_;
  FlashGate& gate_;
};

}  // namespace orders
