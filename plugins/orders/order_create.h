// POST /api/v1/orders: the key's verdict (replay, in flight, reused) -> risk
// check -> stock (Try on the SKU shards; the first shard's transaction also
// holds the order's payment_timeout timer) -> one transaction on the user's
// shard with the key's record, the order, its items, history, participants
// (their Try joins it), the stored answer and order.created. Any failure
// undoes the stock (rows and timer) and lifts the attempt's mark, so a retry
// with the same key runs again.
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
  Result<bazaar::sdk::Reply> answer_from_key(const KeyVerdict& verdict);
  Result<bazaar::sdk::Reply> run_attempt(const bazaar::sdk::Request& req, const CreateOrderRequest& input,
                                         const Attempt& attempt);
  // kProceed with the answer when this attempt's order committed; otherwise
  // what the key says (another attempt committed it first) and nothing
  // committed.
  Result<KeyVerdict> commit_order(const bazaar::sdk::Request& req, const CreateOrderRequest& input,
                                  const Attempt& attempt, const Reservation& reservation);

  bazaar::sdk::Host host_;
  const Stock& stock_;
  const Participants& participants_;
  FlashSales& flash_;
  Idempotency idempotency_;
  int64_t payment_timeout_ms_;
};

}  // namespace orders
