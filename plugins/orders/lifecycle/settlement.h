// Drives an order's participants to what its status asks (domain
// settle_on_entering): once paid, every participant still TRIED is confirmed,
// in the order of their try; once cancelled, every one still TRIED is
// cancelled, in reverse order; once refunded, what was still TRIED is
// confirmed and then every confirmed one is cancelled with reason "refund".
// Each step marks its row (orders_participants) in a transaction of its own
// on the order's shard, with any hold a confirm places.
//
// Where it runs: inline, in the request or timer that moved the status, right
// after that move's commit (StatusMoves::run); and again from the durable
// `settle` timer the move scheduled 30 s out, on the background worker, which
// is the guarantee when the inline run fails or its worker dies. Every step
// is idempotent, so extra runs change nothing; the first failure stops a run
// and the timer retries it with back-off until it succeeds.
#pragma once

#include "participants/chain.h"

namespace orders {

class Settlement {
 public:
  Settlement(bazaar::sdk::Host host, const Chain& chain) : host_(host), chain_(chain) {}

  // Call in the transaction that moves the status: the durable settle timer.
  static Status schedule(bazaar::sdk::Txn& txn, int64_t order_id, int64_t now_ms);
  // Settles now. Returns the first error (the timer retries).
  Status settle(int64_t order_id, const bz_request* req) const;
  // Timer kind "settle", key: the order id.
  Status on_settle_timer(const bazaar::sdk::Timer& timer) const;

 private:
  bazaar::sdk::Host host_;
  const Chain& chain_;
};

}  // namespace orders
