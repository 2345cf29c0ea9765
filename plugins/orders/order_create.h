// POST /api/v1/orders: idempotency claim -> risk check -> stock (Try on the
// SKU shards) -> one transaction on the user's shard with the order, its
// items, history, participants (their Try joins it), the idempotency answer
// and order.created. Any failure after the claim undoes what was tried and
// forgets the claim, so a retry with the same key runs again.
#pragma once

#include "flash_sales.h"
#include "idempotency.h"
#include "participants.h"
#include "stock.h"

namespace orders {

struct CreateOrderRequest {
  std::vector<StockLine> lines;
  std::string address;  // JSON text, validated
  std::optional<int64_t> flash_id;
  std::vector<ExternalTry> external;
  Json body;  // as parsed: its canonical dump keys the idempotency record
};

class OrderCreation {
 public:
  OrderCreation(bazaar::sdk::Host host, const Stock& stock, const Participants& participants,
                FlashSales& flash, int64_t payment_timeout_ms)
      : host_(host), stock_(stock), participants_(participants), flash_(flash),
        idempotency_(host), payment_timeout_ms_(payment_timeout_ms) {}

  Result<bazaar::sdk::Reply> create(const bazaar::sdk::Request& req);

  // Shape checks only (no database): exposed for unit tests.
  static Result<CreateOrderRequest> parse(std::string_view body);

 private:
  Result<bazaar::sdk::Reply> run_claimed(const bazaar::sdk::Request& req, const CreateOrderRequest& order,
                                         const ClaimRequest& claim);
  Result<std::string> commit_order(const bazaar::sdk::Request& req, const CreateOrderRequest& input,
                                   const ClaimRequest& claim, const Reservation& reservation);

  bazaar::sdk::Host host_;
  const Stock& stock_;
  const Participants& participants_;
  FlashSales& flash_;
  Idempotency idempotency_;
  int64_t payment_timeout_ms_;
};

}  // namespace orders
