// POST /api/v1/orders: an order created as a saga of its participants.
//
//   the key's verdict (replay, in flight, reused)
//   → prechecks of every participant (a sold-out flash sale is answered here)
//   → tries of the own-transaction participants (stock, flash units), each
//     committing on its own shards; the first also places the attempt's guard
//   → one transaction on the buyer's shard: the key's record, the tries of
//     the plugins' participants (joined), the risk check, the order, items,
//     line discounts, holds, history, participants, the stored answer and
//     order.created
//
// Any failure cancels every participant already tried, in reverse order,
// with reason "abandoned" (whether or not it joined the order's
// transaction), and lifts the attempt's mark, so a retry with the same key
// runs again and nothing stays reserved; if an undo fails, the guard
// finishes it at the payment deadline.
#pragma once

#include "lifecycle/idempotency.h"
#include "lifecycle/risk_check.h"
#include "participants/attempt_guard.h"
#include "participants/chain.h"

#include <atomic>

namespace orders {

class OrderCreation {
 public:
  OrderCreation(bazaar::sdk::Host host, const Chain& chain, const RiskCheck& risk, int64_t payment_timeout_ms)
      : host_(host), chain_(chain), risk_(risk), idempotency_(host), payment_timeout_ms_(payment_timeout_ms) {}

  Result<bazaar::sdk::Reply> create(const bazaar::sdk::Request& req);

 private:
  // One participant tried for this attempt, with what it answered.
  struct Done {
    const Chain::Link* link = nullptr;
    Tried tried;
  };

  Result<bazaar::sdk::Reply> answer_from_key(const KeyVerdict& verdict);
  Result<bazaar::sdk::Reply> run_attempt(const bazaar::sdk::Request& req, const OrderRequest& input,
                                         const std::vector<Chain::Link>& links, const Attempt& attempt);
  // What every participant of this attempt is told (the caller adds the
  // guard or the order's transaction).
  TryContext context_of(const Attempt& attempt, const OrderRequest& input, const bz_request* req) const;
  // Tries `link` and prices its answer into `cart`; on success appends to `done`.
  Status try_one(const Chain::Link& link, TryContext ctx, Cart& cart, std::vector<Done>& done) const;
  // kProceed with this attempt's answer when its order committed; otherwise
  // what the key says (another attempt committed it first), nothing committed.
  Result<KeyVerdict> commit_order(const bazaar::sdk::Request& req, const OrderRequest& input,
                                  const std::vector<Chain::Link>& links, size_t first_joined,
                                  const Attempt& attempt, Cart& cart, std::vector<Done>& done);
  // Cancels `done` in reverse order with reason "abandoned"; the guard goes
  // with the last only if every other undo succeeded.
  void undo(const Attempt& attempt, const OrderRequest& input, const std::vector<Done>& done,
            const bz_request* req) const;

  bazaar::sdk::Host host_;
  const Chain& chain_;
  const RiskCheck& risk_;
  Idempotency idempotency_;
  int64_t payment_timeout_ms_;
  std::atomic<int64_t> attempts_{0};
};

}  // namespace orders
