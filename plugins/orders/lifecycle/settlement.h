// Drives an order's participants to their final state after its status
// moved: confirm after payment, cancel after cancel/time-out (and external
// participants after a full refund). Runs inline after the status change's
// commit and again from a durable `settle` timer (the guarantee if the
// worker dies); each step is idempotent, so extra runs change nothing.
#pragma once

#include "participants.h"
#include "stock.h"

namespace orders {

class Settlement {
 public:
  Settlement(bazaar::sdk::Host host, const Stock& stock, const Participants& participants,
             class FlashSales& flash)
      : host_(host), stock_(stock), participants_(participants), flash_(flash) {}

  // Call in the transaction that changes the order's status: schedules the
  // durable settle timer for `order_id` (a safety net some seconds out).
  static Status schedule(bazaar::sdk::Txn& txn, int64_t order_id, int64_t now_ms);
  // Settles now (after that transaction committed). Errors are left to the timer.
  Status settle(int64_t order_id, const bz_request* req) const;

  // Call in the transaction of the order's first reservation: at `due_ms` an
  // unpaid order is cancelled, and stock held for an order that never
  // committed is given back (its id voided first, so it never can).
  static Status schedule_payment_timeout(bazaar::sdk::Txn& txn, int64_t order_id, int64_t user_id,
                                         const std::vector<int64_t>& sku_ids, int64_t due_ms);
  // In the first shard's transaction that ends that reservation: its undo
  // (the order never existed), or the settlement's confirm or release.
  static Status cancel_payment_timeout(bazaar::sdk::Txn& txn, int64_t order_id);

  // Timer handlers: `settle` and `payment_timeout` (see above).
  Status on_settle_timer(const bazaar::sdk::Timer& timer) const;
  Status on_payment_timeout(const bazaar::sdk::Timer& timer) const;

 private:
  bazaar::sdk::Host host_;
  const Stock& stock_;
  const Participants& participants_;
  FlashSales& flash_;
};

}  // namespace orders
