#include "lifecycle/order_creation.h"

#include "domain/order_json.h"
#include "events/order_events.h"
#include "store/hold_store.h"
#include "store/idempotency_store.h"
#include "store/order_store.h"
#include "store/participant_store.h"

#include <csignal>

#include <unistd.h>

namespace orders {

namespace {

// Test builds only. `X-Bazaar-Failpoint: <name>` kills the worker at that
// point (orders.create.after_reserve: stock held, no order;
// orders.create.after_commit: the order committed, no answer sent). For
// orders.create.hold_before_commit the worker instead waits (at most 30 s)
// until the file named by `X-Bazaar-Failpoint-Until` exists.
void failpoint([[maybe_unused]] const Request& req, [[maybe_unused]] std::string_view name) {
#ifdef BAZAAR_FAILPOINTS
  auto fp = req.header("HTTP_X_BAZAAR_FAILPOINT");
  if (!fp || *fp != name) return;
  if (name != "orders.create.hold_before_commit") std::raise(SIGKILL);
  auto until = req.header("HTTP_X_BAZAAR_FAILPOINT_UNTIL");
  const std::string path = until ? std::string(*until) : std::string();
  for (int i = 0; i < 3000 && !path.empty() && access(path.c_str(), F_OK) != 0; ++i) usleep(10'000);
#endif
}

// The coupon code the risk check sees: the value of the field that names the
// chain's first discount-stage participant (`coupon` by default).
std::optional<std::string> coupon_code(const std::vector<Chain::Link>& links) {
  for (const Chain::Link& link : links) {
    if (link.participant->stage() == Stage::kDiscount) return coupon_code_of(link.value);
  }
  return std::nullopt;
}

Requester requester_of(const Request& req) {
  Requester who;
  who.user_id = req.identity().subject_id;
  who.client_ip = std::string(req.header("REMOTE_ADDR").value_or(""));
  who.device_id = std::string(req.header("HTTP_X_DEVICE_ID").value_or("").substr(0, 128));
  return who;
}

}  // namespace

Result<Reply> OrderCreation::create(const Request& req) {
  auto key = req.header("HTTP_IDEMPOTENCY_KEY");
  if (!key || key->empty()) {
    return bazaar::invalid_argument("IDEMPOTENCY_KEY_MISSING", "send an Idempotency-Key header");
  }
  if (!valid_idempotency_key(*key)) {
    return bazaar::invalid_argument("BAD_IDEMPOTENCY_KEY", "Idempotency-Key is 1-64 of [A-Za-z0-9_.:-]");
  }
  BAZAAR_ASSIGN_OR_RETURN(const OrderRequest input, parse_order_request(req.body(), chain_.fields()));
  BAZAAR_ASSIGN_OR_RETURN(const std::vector<Chain::Link> links, chain_.links_for(input));
  // Before the key and any database work: the crowd of a sold-out sale is answered here.
  for (const Chain::Link& link : links) BAZAAR_RETURN_IF_ERROR(link.participant->precheck(input, link.value));

  const int64_t user = req.identity().subject_id;
  Attempt attempt;
  attempt.user_id = user;
  attempt.key = std::string(*key);
  // The same body, whatever its key order or spacing, hashes the same.
  attempt.request_hash = sha256_hex(input.body.dump());
  attempt.order_id = host_.next_id(host_.shard_of(static_cast<uint64_t>(user)));
  // Unique per attempt across workers: the pid in the high bits.
  attempt.token = (static_cast<int64_t>(getpid()) << 32) | (++attempts_ & 0xffffffff);
  attempt.now_ms = host_.now_ms();
  attempt.payment_deadline_ms = attempt.now_ms + payment_timeout_ms_;

  BAZAAR_ASSIGN_OR_RETURN(const KeyVerdict verdict, idempotency_.begin(attempt, req.raw()));
  if (verdict.kind != KeyVerdict::Kind::kProceed) return answer_from_key(verdict);
  auto answer = run_attempt(req, input, links, attempt);
  if (!answer.ok()) idempotency_.abandon(attempt);  // nothing of it stands: a retry runs again
  return answer;
}

Result<Reply> OrderCreation::answer_from_key(const KeyVerdict& verdict) {
  switch (verdict.kind) {
    case KeyVerdict::Kind::kMismatch:
      return bazaar::failed_precondition("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used with a different body");
    case KeyVerdict::Kind::kInFlight:
      return bazaar::conflict("IDEMPOTENCY_IN_FLIGHT",
                              "a request with this Idempotency-Key is still in progress; retry shortly");
    case KeyVerdict::Kind::kReplay: {
      host_.count("orders_replayed");
      Reply reply{verdict.http_status, verdict.response, {}};
      reply.header("Idempotent-Replayed", "true");
      return reply;
    }
    case KeyVerdict::Kind::kProceed:
      break;
  }
  return bazaar::internal_error("no answer for a key that lets the request run");
}

TryContext OrderCreation::context_of(const Attempt& attempt, const OrderRequest& input, const bz_request* req) const {
  TryContext ctx;
  ctx.order_id = attempt.order_id;
  ctx.user_id = attempt.user_id;
  ctx.request = &input;
  ctx.req = req;
  ctx.now_ms = host_.now_ms();
  return ctx;
}

Status OrderCreation::try_one(const Chain::Link& link, TryContext ctx, Cart& cart, std::vector<Done>& done) const {
  ctx.field = link.field;
  ctx.value = link.value;
  ctx.cart = &cart;
  BAZAAR_ASSIGN_OR_RETURN(Tried tried, link.participant->try_reserve(ctx));
  // Recorded before it is priced: a contract breach is undone like any refusal.
  done.push_back({&link, std::move(tried)});
  const Participant& p = *link.participant;
  BAZAAR_RETURN_IF_ERROR(cart.apply(p.name(), p.stage(), done.back().tried.price));
  if (p.stage() == Stage::kBase) BAZAAR_RETURN_IF_ERROR(cart.single_merchant());
  return bazaar::ok_status();
}

Result<Reply> OrderCreation::run_attempt(const Request& req, const OrderRequest& input,
                                         const std::vector<Chain::Link>& links, const Attempt& attempt) {
  GuardPayload payload;
  payload.user_id = attempt.user_id;
  for (const RequestedLine& line : input.lines) payload.sku_ids.push_back(line.sku_id);
  for (const Chain::Link& link : links) {
    if (link.value != nullptr) payload.participants.push_back({std::string(link.participant->name()), link.field, *link.value});
  }
  AttemptGuard guard(attempt.order_id, attempt.payment_deadline_ms, std::move(payload));

  Cart cart = cart_of(input);
  std::vector<Done> done;
  size_t next = 0;
  Status reserved = bazaar::ok_status();
  for (; next < links.size() && links[next].participant->placement() == Placement::kOwnTransactions; ++next) {
    TryContext ctx = context_of(attempt, input, req.raw());
    ctx.guard = &guard;
    reserved = try_one(links[next], ctx, cart, done);
    if (!reserved.ok()) break;
  }
  if (reserved.ok()) {
    failpoint(req, "orders.create.after_reserve");
    auto committed = commit_order(req, input, links, next, attempt, cart, done);
    if (committed.ok() && committed->kind == KeyVerdict::Kind::kProceed) {
      failpoint(req, "orders.create.after_commit");
      host_.count("orders_created");
      return Reply{201, std::move(committed->response), {}};
    }
    // This attempt's order can never exist now: as if it had not reserved.
    undo(attempt, input, done, req.raw());
    if (!committed.ok()) return committed.error();
    return answer_from_key(*committed);  // another attempt with the key committed first
  }
  undo(attempt, input, done, req.raw());
  return reserved.error();
}

Result<KeyVerdict> OrderCreation::commit_order(const Request& req, const OrderRequest& input,
                                               const std::vector<Chain::Link>& links, size_t first_joined,
                                               const Attempt& attempt, Cart& cart, std::vector<Done>& done) {
  failpoint(req, "orders.create.hold_before_commit");
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(attempt.order_id), BZ_TXN_WRITE, req.raw()));
  BAZAAR_ASSIGN_OR_RETURN(const KeyVerdict keyed, IdempotencyStore::record(txn, attempt, 201));
  if (keyed.kind != KeyVerdict::Kind::kProceed) return keyed;  // rolls back
  // An attempt slower than its payment deadline finds its stock given back
  // and its id voided by the guard: its order must never exist.
  BAZAAR_ASSIGN_OR_RETURN(const bool voided, OrderStore::is_voided(txn, attempt.order_id));
  if (voided) {
    return bazaar::conflict("ATTEMPT_EXPIRED", "this request outlived its payment deadline and changed nothing; retry");
  }
  for (size_t i = first_joined; i < links.size(); ++i) {
    TryContext ctx = context_of(attempt, input, req.raw());
    ctx.order_txn = &txn;
    BAZAAR_RETURN_IF_ERROR(try_one(links[i], ctx, cart, done));
  }
  const Requester who = requester_of(req);
  BAZAAR_ASSIGN_OR_RETURN(
      const std::optional<Hold> review,
      risk_.check_order(attempt.order_id, cart, who, coupon_code(links), &txn, req.raw()));

  Order order;
  order.id = attempt.order_id;
  order.user_id = attempt.user_id;
  BAZAAR_ASSIGN_OR_RETURN(order.merchant_id, cart.single_merchant());
  order.status = OrderStatus::kPendingPayment;
  order.items = cart.items();
  order.total = cart.total();
  order.discount = cart.discount();
  order.payable = cart.payable();
  order.address = input.address;
  order.payment_deadline_ms = attempt.payment_deadline_ms;
  order.created_ms = order.updated_ms = attempt.now_ms;
  for (const Done& d : done) {
    if (d.tried.flash_sale_id) order.flash_id = d.tried.flash_sale_id;
    if (d.tried.hold) order.holds.push_back(*d.tried.hold);
  }
  if (review) order.holds.push_back(*review);

  BAZAAR_RETURN_IF_ERROR(OrderStore::insert(txn, order, cart.discounts(), actor_of(req.identity()), "created"));
  for (const Hold& hold : order.holds) BAZAAR_RETURN_IF_ERROR(HoldStore::place(txn, order.id, hold));
  int64_t seq = 0;
  for (const Done& d : done) {
    BAZAAR_RETURN_IF_ERROR(ParticipantStore::insert(
        txn, order.id, {++seq, std::string(d.link->participant->name()), ParticipantState::kTried, d.tried.data}));
  }
  KeyVerdict created;  // kProceed: this attempt's order, answered with `response`
  created.http_status = 201;
  created.response = order_json(order).dump();
  BAZAAR_RETURN_IF_ERROR(IdempotencyStore::store_answer(txn, order.id, 201, created.response));
  Json event = events::order_event(order);
  event["total"] = order.total;
  event["payable"] = order.payable;
  BAZAAR_RETURN_IF_ERROR(txn.publish(events::kCreated, event));
  // The buyer's cached first page now misses this order. (Its detail was
  // never cached: nobody could know the id before this commit.)
  txn.delete_after_commit(OrderStore::first_page_key(order.user_id));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  return created;
}

void OrderCreation::undo(const Attempt& attempt, const OrderRequest& input, const std::vector<Done>& done,
                         const bz_request* req) const {
  std::vector<int64_t> skus;
  for (const RequestedLine& line : input.lines) skus.push_back(line.sku_id);
  bool clean = true;
  for (auto it = done.rbegin(); it != done.rend(); ++it) {
    const Participant& p = *it->link->participant;
    // The guard goes with the last undo (stock's, first tried) only if nothing before it failed.
    const bool last = std::next(it) == done.rend();
    SettleContext ctx{attempt.order_id, attempt.user_id, 0,       &skus, &it->tried.data,
                      it->link->value,  "abandoned",     last && clean, req};
    if (Status s = p.cancel(ctx); !s.ok()) {
      clean = false;
      host_.log(BZ_LOG_WARN, "order attempt " + id_text(attempt.order_id) + ": undoing " + std::string(p.name()) +
                                 " left to the payment deadline: " + s.error().message());
    }
  }
}

}  // namespace orders
