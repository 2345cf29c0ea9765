#include "lifecycle/payments.h"

#include "events/order_events.h"
#include <bazaar/payment_signature.h>
#include "store/order_store.h"
#include "store/payment_store.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace orders {

namespace {

// A signed timestamp is accepted within this distance of the host clock.
constexpr int64_t kWindowMs = 5 * 60 * 1000;
// Nonces are kept at least twice the window: a replay of a callback signed
// for the far edge of the window (now + 5 min) turns stale 10 min after it
// was first seen, which is exactly when its nonce may be purged.
constexpr int64_t kNonceKeepMs = 2 * kWindowMs;
// Expired nonces deleted per callback: bounded work, enough to keep up with
// any rate the write lock allows.
constexpr int64_t kNoncePurgeBatch = 64;

constexpr std::string_view kSuccess = "SUCCESS";

Error unauthenticated(std::string code, std::string message) {
  return {BZ_UNAUTHENTICATED, std::move(code), std::move(message)};
}

std::string read_secret(const bazaar::sdk::Host& host, std::string& problem) {
  if (const char* env = std::getenv("BAZAAR_PAYMENT_SECRET"); env != nullptr && *env != '\0') {
    return env;
  }
  auto file = host.config("payment_secret_file");
  if (!file || file->empty()) {
    problem = "no payment secret (set BAZAAR_PAYMENT_SECRET or plugin.orders.payment_secret_file)";
    return {};
  }
  std::ifstream in{std::string(*file), std::ios::binary};
  std::ostringstream content;
  content << in.rdbuf();
  if (!in) {
    problem = "cannot read plugin.orders.payment_secret_file " + std::string(*file);
    return {};
  }
  std::string secret = content.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' ||
                             secret.back() == ' ' || secret.back() == '\t')) {
    secret.pop_back();
  }
  if (secret.empty()) problem = "plugin.orders.payment_secret_file " + std::string(*file) + " is empty";
  return secret;
}

bool printable_ascii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// The order's status, "" when there is no such order.
Result<std::string> order_status(Txn& txn, int64_t order_id) {
  BAZAAR_ASSIGN_OR_RETURN(std::optional<OrderFacts> facts, OrderStore::facts(txn, order_id));
  return facts ? std::string(to_string(facts->status)) : std::string();
}

Error order_not_found() { return bazaar::not_found("ORDER_NOT_FOUND", "no such order"); }

Status check_amount(const PaymentCallback& payment, Money payable) {
  if (payment.amount == payable) return {};
  return bazaar::failed_precondition("AMOUNT_MISMATCH", "amount " + std::to_string(payment.amount.in_fen()) +
                                                            " is not the order's payable " +
                                                            std::to_string(payable.in_fen()));
}

}  // namespace

Result<PaymentCallback> parse_payment_callback(std::string_view body) {
  auto parsed = object_body(body);
  if (!parsed.ok()) return parsed.error();
  const Json& doc = *parsed;
  PaymentCallback out;
  auto id = parse_id(doc.contains("order_id") ? doc["order_id"] : Json(), "order_id", "INVALID_BODY");
  if (!id.ok()) return id.error();
  out.order_id = *id;
  auto txn_id = doc.find("transaction_id");
  if (txn_id == doc.end() || !txn_id->is_string() || txn_id->get_ref<const std::string&>().empty() ||
      txn_id->get_ref<const std::string&>().size() > 64 ||
      !printable_ascii(txn_id->get_ref<const std::string&>())) {
    return bazaar::invalid_argument("INVALID_BODY", "transaction_id must be 1-64 printable ASCII characters");
  }
  out.transaction_id = txn_id->get<std::string>();
  auto amount = int_field(doc, "amount", 0, INT64_MAX, "INVALID_BODY");
  if (!amount.ok()) return amount.error();
  out.amount = Money::fen(*amount);
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_string()) {
    return bazaar::invalid_argument("INVALID_BODY", "status must be a string");
  }
  out.status = status->get<std::string>();
  return out;
}

Payments::Payments(bazaar::sdk::Host host, const StatusMoves& moves) : host_(host), moves_(moves) {
  std::string problem;
  secret_ = read_secret(host_, problem);
  // Logged once per process; each callback then answers 503 without a log line.
  if (secret_.empty()) {
    host_.log(BZ_LOG_ERROR, "orders: payments disabled: " + problem);
  } else if (secret_.size() < 32) {
    host_.log(BZ_LOG_WARN, "orders: the payment secret is shorter than 32 bytes");
  }
}

Result<Reply> Payments::callback(const Request& req) {
  Result<Reply> reply = handle(req);
  if (!reply.ok()) {  // answers are counted by answer()
    const std::string labels = "result=\"rejected\",code=\"" + reply.error().code() + "\"";
    host_.count("payments", labels.c_str());
  }
  return reply;
}

Result<Reply> Payments::handle(const Request& req) {
  if (secret_.empty()) {
    return bazaar::unavailable("PAYMENTS_NOT_CONFIGURED", "this node has no payment secret");
  }
  auto timestamp = req.header("HTTP_X_BAZAAR_TIMESTAMP");
  auto nonce = req.header("HTTP_X_BAZAAR_NONCE");
  auto signature = req.header("HTTP_X_BAZAAR_SIGNATURE");
  if (!timestamp || !nonce || !signature || timestamp->empty() || nonce->empty() ||
      signature->empty()) {
    return unauthenticated("SIGNATURE_MISSING",
                           "X-Bazaar-Timestamp, X-Bazaar-Nonce and X-Bazaar-Signature are required");
  }
  // Malformed headers cannot carry a valid signature: one code for all.
  auto seconds = payment::parse_timestamp(*timestamp);
  if (!seconds) return unauthenticated("BAD_SIGNATURE", "X-Bazaar-Timestamp must be Unix seconds");
  if (!payment::valid_nonce(*nonce)) {
    return unauthenticated("BAD_SIGNATURE", "X-Bazaar-Nonce must be 8-64 characters [A-Za-z0-9_-]");
  }
  // Over the raw body: re-serialised JSON would not be what the provider signed.
  if (!payment::verify(secret_, *timestamp, *nonce, req.body(), *signature)) {
    return unauthenticated("BAD_SIGNATURE", "the signature does not match");
  }
  const int64_t now = host_.now_ms();
  const int64_t skew = now - *seconds * 1000;
  if (skew > kWindowMs || skew < -kWindowMs) {
    return unauthenticated("STALE_TIMESTAMP", "the timestamp is more than 5 minutes from the node's clock");
  }
  auto payment = parse_payment_callback(req.body());
  if (!payment.ok()) return payment.error();

  // The nonce commits on its own, before the payment is processed: a nonce
  // is spent even if a later step rejects (404, 422, busy database). That is
  // the provider's contract: it retries any non-200 answer with a fresh
  // nonce, and a replayed request must never be processed twice anyway.
  if (Status spent = spend_nonce(*nonce, now, req.raw()); !spent.ok()) return spent.error();

  if (payment->status != kSuccess) return ignore(*payment, req.raw());
  return apply(*payment, now, req);
}

Status Payments::spend_nonce(std::string_view nonce, int64_t now_ms, const bz_request* req) const {
  BAZAAR_ASSIGN_OR_RETURN(
      Txn txn, host_.begin(host_.shard_of(PaymentStore::placement_hash(nonce)), BZ_TXN_WRITE, req));
  // A row older than the keep window that the bounded purge has not reached
  // yet counts as unused: it is taken over rather than refused.
  BAZAAR_ASSIGN_OR_RETURN(const bool fresh,
                          PaymentStore::spend_nonce(txn, nonce, now_ms, now_ms - kNonceKeepMs, kNoncePurgeBatch));
  if (!fresh) return bazaar::conflict("NONCE_REUSED", "this nonce was already used");
  return txn.commit();
}

Result<Reply> Payments::ignore(const PaymentCallback& payment, const bz_request* req) const {
  // A failed or pending payment moves no money: answer 200 so that the
  // provider stops retrying, and change nothing.
  const uint32_t shard = host_.shard_of_id(payment.order_id);
  if (shard >= host_.shard_count()) return order_not_found();
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_READ, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<OrderFacts> facts, OrderStore::facts(txn, payment.order_id));
  if (!facts) return order_not_found();
  return answer("IGNORED", payment.order_id, to_string(facts->status));
}

Status Payments::check_payable(uint32_t shard, const PaymentCallback& payment, const bz_request* req) const {
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_READ, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<OrderFacts> facts, OrderStore::facts(txn, payment.order_id));
  if (!facts) return order_not_found();
  return check_amount(payment, facts->payable);
}

Result<int64_t> Payments::claim(const PaymentCallback& payment, int64_t now_ms, const bz_request* req) const {
  BAZAAR_ASSIGN_OR_RETURN(
      Txn txn, host_.begin(host_.shard_of(PaymentStore::placement_hash(payment.transaction_id)), BZ_TXN_WRITE, req));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t owner, PaymentStore::claim(txn, payment.transaction_id, payment.order_id, now_ms));
  if (owner == payment.order_id) BAZAAR_RETURN_IF_ERROR(txn.commit());  // claimed before: nothing to commit
  return owner;
}

Result<Reply> Payments::duplicate_of(int64_t order_id, const bz_request* req) const {
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(order_id), BZ_TXN_READ, req));
  BAZAAR_ASSIGN_OR_RETURN(const std::string status, order_status(txn, order_id));
  return answer("DUPLICATE", order_id, status);
}

Result<Reply> Payments::apply(const PaymentCallback& payment, int64_t now_ms, const Request& req) {
  // Ids carry their shard: the order, its history and its payments live there.
  const uint32_t shard = host_.shard_of_id(payment.order_id);
  if (shard >= host_.shard_count()) return order_not_found();
  // Both facts are fixed when the order is created, so this check cannot go
  // stale before the claim that relies on it.
  BAZAAR_RETURN_IF_ERROR(check_payable(shard, payment, req.raw()));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t owner, claim(payment, now_ms, req.raw()));
  if (owner != payment.order_id) {
    log(req, BZ_LOG_WARN, "payment " + payment.transaction_id + " already belongs to order " + id_text(owner) +
                              ": the callback for order " + id_text(payment.order_id) + " changed nothing");
    return duplicate_of(owner, req.raw());
  }

  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req.raw()));
  // Once per transaction_id: the row is the record (and the lock) of this payment.
  BAZAAR_ASSIGN_OR_RETURN(const std::optional<int64_t> seen,
                          PaymentStore::record(txn, payment.transaction_id, payment.order_id, payment.amount, now_ms));
  if (seen) {
    // Seen before: report the order that payment was recorded for. The
    // transaction changed nothing and rolls back when it goes out of scope.
    BAZAAR_ASSIGN_OR_RETURN(const std::string status, order_status(txn, *seen));
    return answer("DUPLICATE", *seen, status);
  }
  BAZAAR_ASSIGN_OR_RETURN(std::optional<Order> order, OrderStore::load(txn, payment.order_id));
  if (!order) return order_not_found();
  BAZAAR_RETURN_IF_ERROR(check_amount(payment, order->payable));

  if (order->status == OrderStatus::kPendingPayment) {
    const Move paid{OrderStatus::kPaid, "provider", "paid:" + payment.transaction_id,
                    {{"payable", order->payable}, {"transaction_id", payment.transaction_id}}};
    // The payment's record commits with the move; the participants are
    // confirmed right after (the settle timer retries what fails there).
    BAZAAR_ASSIGN_OR_RETURN(const bool moved, moves_.run(std::move(txn), *order, paid, req.raw()));
    // We hold the shard's write lock since the load: the move cannot lose a race.
    if (!moved) return bazaar::unavailable("DATABASE_BUSY", "the order changed while paying it; retry");
    return answer("APPLIED", order->id, to_string(OrderStatus::kPaid));
  }
  // Money arrived for an order that cannot take it: record it for refund,
  // leave the order as it is.
  const std::string reason = order->status == OrderStatus::kCancelled ? "order_cancelled" : "already_paid";
  BAZAAR_RETURN_IF_ERROR(PaymentStore::mark_refund_required(txn, payment.transaction_id, reason));
  Json event = events::order_event(*order);
  event["transaction_id"] = payment.transaction_id;
  event["amount"] = payment.amount;
  event["reason"] = reason;
  BAZAAR_RETURN_IF_ERROR(txn.publish(events::kRefundRequired, event));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  log(req, BZ_LOG_WARN, "payment " + payment.transaction_id + " for order " + id_text(order->id) +
                            " needs a refund (order " + std::string(to_string(order->status)) + ")");
  return answer("REFUND_REQUIRED", order->id, to_string(order->status));
}

Reply Payments::answer(std::string_view result, int64_t order_id,
                       std::string_view order_status) const {
  std::string labels = "result=\"";
  for (char c : result) labels.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  labels += "\"";
  host_.count("payments", labels.c_str());
  return Reply::json({{"result", result}, {"order_id", id_text(order_id)}, {"order_status", order_status}});
}

void Payments::log(const Request& req, bz_log_level level, std::string_view message) const {
  host_.api()->log(host_.raw(), req.raw(), level, bazaar::sdk::to_bz(message));
}

}  // namespace orders
