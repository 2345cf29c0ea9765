// The attempt's guard at the payment deadline (timer kind payment_timeout,
// key: the order id; participants/attempt_guard.h):
// - an order still unpaid is cancelled (StatusMoves: its participants are
//   released, order.cancelled. with reason payment_timeout);
// - an order paid or cancelled meanwhile only has its settlement re-run;
// - no order: the attempt that held things for this id ended (or is stuck)
//   before committing it. The id is voided first, in its shard's write
//   transaction, so the order can never commit now; then every participant
//   the guard names is cancelled with reason "abandoned" (in reverse chain
//   order, stock last). The guard completes itself when that succeeds and is
//   retried with back-off while any cancel fails.
#pragma once

#include "lifecycle/status_moves.h"
#include "participants/attempt_guard.h"

namespace orders {

class PaymentTimeout {
 public:
  PaymentTimeout(bazaar::sdk::Host host, const Chain& chain, const StatusMoves& moves, const Settlement& settlement)
      : host_(host), chain_(chain), moves_(moves), settlement_(settlement) {}

  Status on_timer(const bazaar::sdk::Timer& timer) const;

 private:
  Status abandon(int64_t order_id, const GuardPayload& payload) const;

  bazaar::sdk::Host host_;
  const Chain& chain_;
  const StatusMoves& moves_;
  const Settlement& settlement_;
};

}  // namespace orders
