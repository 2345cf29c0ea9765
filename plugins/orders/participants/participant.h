// The contract every participant of an order's saga follows, built-in (stock,
// flash-sale units) or offered by another plugin through services
// (coupons.order_try, …). docs/PLUGINS.md, "The participant chain", is the
// prose version; this header is the C++ one.
//
// Try (try_reserve) holds what the order needs and says what it does to the
// prices; quote does the same without writing anything (the checkout preview);
// confirm runs once the order is paid; cancel once it is cancelled, timed out
// or refunded, and also for an attempt whose order never committed (reason
// "abandoned": a later participant refused, or the worker died), so a cancel
// must accept an order it never tried or already cancelled (an empty
// rollback) and change nothing then. Confirm and cancel run at least once and
// must be idempotent.
#pragma once

#include "domain/cart.h"
#include "domain/order.h"
#include "domain/order_request.h"

#include "sdk_names.h"

#include <optional>
#include <string_view>
#include <vector>

namespace orders {

class AttemptGuard;

enum class Placement {
  // Runs before the order's transaction opens, in transactions of its own on
  // any shard, which it commits (stock, flash-sale units). A later failure
  // undoes it with cancel(reason "abandoned").
  kOwnTransactions,
  // Runs inside the order's transaction on the buyer's shard and may join it
  // (Txn passed to the service), so its hold commits with the order or not at
  // all. A service whose state lives elsewhere opens its own transaction
  // (holding two write locks: keep participant state on the buyer's shard).
  kOrderTransaction,
};

// What a participant sees when it tries or quotes.
struct TryContext {
  int64_t order_id = 0;  // 0 in a quote: no order id exists yet
  int64_t user_id = 0;
  std::string_view field;        // the request field that named it ("" for stock)
  const Json* value = nullptr;   // that field's value (null for stock)
  const OrderRequest* request = nullptr;
  const Cart* cart = nullptr;    // the amounts left by the participants before it
  // kOrderTransaction participants, in a try: the order's open transaction.
  bazaar::sdk::Txn* order_txn = nullptr;
  // kOwnTransactions participants, in a try: the attempt's guard timer, to
  // place in the first transaction that holds anything unless placed already.
  AttemptGuard* guard = nullptr;
  const bz_request* req = nullptr;
  int64_t now_ms = 0;
};

// What a try or quote answers.
struct Tried {
  PriceChange price;
  Json data = Json::object();  // kept with the order, handed back to confirm and cancel
  std::optional<Hold> hold;    // holds the order back from shipping (placed_by: the participant)
  // The flash sale the order buys through (the built-in flash participant):
  // shown on the order as flash_sale_id.
  std::optional<int64_t> flash_sale_id;
  // Quotes only: why a try would refuse, when the participant can still say
  // what it would do to the prices (stock that is short still has a price).
  std::optional<bazaar::Error> refused;
};

// What a participant sees when the order is settled (or abandoned).
struct SettleContext {
  int64_t order_id = 0;
  int64_t user_id = 0;
  int64_t merchant_id = 0;  // 0 for an abandoned attempt (no order)
  const std::vector<int64_t>* sku_ids = nullptr;  // the order's SKUs
  const Json* data = nullptr;   // what its try answered (an empty object when abandoned)
  const Json* value = nullptr;  // the request field's value (abandoned attempts: all that is known)
  std::string_view reason;      // "paid", "cancel", "payment_timeout", "refund" or "abandoned"
  // Own-transaction participants that placed the attempt's guard: lift it in
  // the move that takes the last of what they hold. False: keep it (another
  // participant still holds something the guard must release).
  bool lift_guard = false;
  const bz_request* req = nullptr;
};

struct Confirmed {
  std::optional<Hold> hold;  // a hold placed at confirmation
};

class Participant {
 public:
  virtual ~Participant() = default;
  virtual std::string_view name() const = 0;
  virtual Stage stage() const = 0;
  virtual Placement placement() const = 0;
  // Whether it can serve on this node (a plugin's participant needs that
  // plugin loaded). Built-in participants always can.
  virtual bool available() const { return true; }

  // Checks of the field's value before anything is reserved or the key is
  // looked at: its shape (400), and answers known without the database (a
  // sold-out flash sale). Default: none.
  virtual bazaar::Status precheck(const OrderRequest& request, const Json* value) const;

  virtual bazaar::Result<Tried> try_reserve(const TryContext& ctx) const = 0;
  // A dry run of try: the same answer without writing anything; an error is
  // the reason it would refuse.
  virtual bazaar::Result<Tried> quote(const TryContext& ctx) const = 0;
  virtual bazaar::Result<Confirmed> confirm(const SettleContext& ctx) const = 0;
  virtual bazaar::Status cancel(const SettleContext& ctx) const = 0;
};

}  // namespace orders
