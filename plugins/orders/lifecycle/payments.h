// Signed payment callbacks: POST /api/v1/payments/callback (docs/API.md,
// "Pay"). Checks the signature, the timestamp window and the nonce, then
// records the provider's transaction once and moves the order to PAID, or
// records money that must go back (order cancelled or already paid).
#pragma once

#include "domain/money.h"
#include "domain/values.h"
#include "lifecycle/status_moves.h"

#include <string>
#include <string_view>

namespace orders {

// A callback body as the provider sends it, parsed at the edge.
struct PaymentCallback {
  int64_t order_id = 0;
  std::string transaction_id;  // 1-64 printable ASCII (0x20-0x7E)
  Money amount;                // fen, >= 0
  std::string status;          // "SUCCESS" is the only one acted upon
};

// 400 INVALID_JSON (not JSON) or INVALID_BODY (wrong shape, message names
// the field). Unknown fields are ignored: a provider may send more.
Result<PaymentCallback> parse_payment_callback(std::string_view body);

class Payments {
 public:
  // Reads the secret once: BAZAAR_PAYMENT_SECRET if set, else the file named
  // by plugin.orders.payment_secret_file (trailing whitespace trimmed). With
  // neither, logs once and answers every callback 503 PAYMENTS_NOT_CONFIGURED
  // so that a node without a secret still serves everything else.
  // `moves` must outlive this object.
  Payments(bazaar::sdk::Host host, const StatusMoves& moves);

  // The route handler (public: the signature is the authentication). Any
  // request thread. Rejections change nothing except, after the signature,
  // timestamp and body checks passed, spending the nonce. 200 only after the
  // commit of the outcome it reports:
  //   {"result":"APPLIED"|"DUPLICATE"|"REFUND_REQUIRED"|"IGNORED","order_id","order_status"}
  // Errors: 401 SIGNATURE_MISSING, BAD_SIGNATURE, STALE_TIMESTAMP; 400
  // INVALID_JSON, INVALID_BODY; 409 NONCE_REUSED; 404 ORDER_NOT_FOUND; 422
  // AMOUNT_MISMATCH; 503 PAYMENTS_NOT_CONFIGURED, DATABASE_BUSY.
  Result<bazaar::sdk::Reply> callback(const bazaar::sdk::Request& req);

 private:
  Result<bazaar::sdk::Reply> handle(const bazaar::sdk::Request& req);
  // Records the nonce in its own committed transaction; 409 NONCE_REUSED if seen.
  Status spend_nonce(std::string_view nonce, int64_t now_ms, const bz_request* req) const;
  // 404 ORDER_NOT_FOUND or 422 AMOUNT_MISMATCH, in a read transaction on
  // the order's shard.
  Status check_payable(uint32_t shard, const PaymentCallback& payment, const bz_request* req) const;
  // Ties the transaction id to the order node-wide (orders_payment_claims, on
  // the id's own shard, committed on its own); returns the order it belongs
  // to: this one, or the one an earlier callback claimed it for.
  Result<int64_t> claim(const PaymentCallback& payment, int64_t now_ms, const bz_request* req) const;
  // 200 DUPLICATE for a transaction id that belongs to `order_id`.
  Result<bazaar::sdk::Reply> duplicate_of(int64_t order_id, const bz_request* req) const;
  Result<bazaar::sdk::Reply> apply(const PaymentCallback& payment, int64_t now_ms,
                                   const bazaar::sdk::Request& req);
  Result<bazaar::sdk::Reply> ignore(const PaymentCallback& payment, const bz_request* req) const;
  // The 200 answer, counted as payments{result="<result in lower case>"}.
  bazaar::sdk::Reply answer(std::string_view result, int64_t order_id,
                            std::string_view order_status) const;
  void log(const bazaar::sdk::Request& req, bz_log_level level, std::string_view message) const;

  bazaar::sdk::Host host_;
  const StatusMoves& moves_;
  std::string secret_;  // empty: not configured
};

}  // namespace orders
