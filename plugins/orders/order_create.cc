#include "order_create.h"

#include "order_store.h"
#include "settlement.h"

#include <atomic>
#include <csignal>
#include <set>

#include <unistd.h>

namespace orders {

using bazaar::sdk::Reply;
using bazaar::sdk::Request;
using bazaar::sdk::Txn;

namespace {

constexpr size_t kMaxItems = 50;
constexpr int64_t kMaxQty = 999;

Status check_address(const Json& address) {
  if (!address.is_object() || address.size() > 12) {
    return bazaar::invalid_argument("BAD_ADDRESS", "address must be an object of at most 12 fields");
  }
  for (const char* required : {"name", "phone", "line1", "city"}) {
    if (!address.contains(required)) {
      return bazaar::invalid_argument("BAD_ADDRESS", std::string("address.") + required + " is required");
    }
  }
  for (const auto& [name, value] : address.items()) {
    if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
        value.get_ref<const std::string&>().size() > 200 || name.size() > 32) {
      return bazaar::invalid_argument("BAD_ADDRESS", "address fields are text of 1 to 200 bytes");
    }
    for (char ch : value.get_ref<const std::string&>()) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7f) {
        return bazaar::invalid_argument("BAD_ADDRESS", "address." + name + " has control characters");
      }
    }
  }
  return bazaar::ok_status();
}

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

int64_t next_token() {
  // Unique per attempt across workers: the pid in the high bits.
  static std::atomic<int64_t> counter{0};
  return (static_cast<int64_t>(getpid()) << 32) | (++counter & 0xffffffff);
}

}  // namespace

Result<CreateOrderRequest> OrderCreation::parse(std::string_view text) {
  auto parsed = object_body(text);
  if (!parsed.ok()) return parsed.error();
  const Json& body = *parsed;
  if (Status s = only_fields(body, {"items", "address", "coupon", "group_buy", "flash_sale_id"}); !s.ok()) {
    return s.error();
  }
  CreateOrderRequest out;
  auto items = body.find("items");
  if (items == body.end() || !items->is_array()) {
    return bazaar::invalid_argument("NO_ITEMS", "items must be a non-empty array");
  }
  if (items->empty()) return bazaar::invalid_argument("NO_ITEMS", "items must be a non-empty array");
  if (items->size() > kMaxItems) {
    return bazaar::invalid_argument("TOO_MANY_ITEMS", "at most " + std::to_string(kMaxItems) + " items");
  }
  std::set<int64_t> seen;
  for (const Json& item : *items) {
    if (!item.is_object()) return bazaar::invalid_argument("INVALID_BODY", "each item must be an object");
    if (Status s = only_fields(item, {"sku_id", "qty"}); !s.ok()) return s.error();
    auto sku = parse_id(item.value("sku_id", Json()), "sku_id", "BAD_SKU_ID");
    if (!sku.ok()) return sku.error();
    auto qty = int_field(item, "qty", 1, kMaxQty, "BAD_QTY");
    if (!qty.ok()) return qty.error();
    if (!seen.insert(*sku).second) {
      return bazaar::invalid_argument("DUPLICATE_SKU", "SKU " + id_text(*sku) + " appears twice");
    }
    out.lines.push_back({*sku, *qty});
  }
  auto address = body.find("address");
  if (address == body.end()) return bazaar::invalid_argument("BAD_ADDRESS", "address is required");
  if (Status s = check_address(*address); !s.ok()) return s.error();
  out.address = address->dump();
  if (auto flash = body.find("flash_sale_id"); flash != body.end()) {
    auto id = parse_id(*flash, "flash_sale_id", "BAD_FLASH_SALE_ID");
    if (!id.ok()) return id.error();
    if (out.lines.size() != 1) {
      return bazaar::failed_precondition("FLASH_SALE_MISMATCH", "a flash-sale order has exactly one line");
    }
    out.flash_id = *id;
  }
  for (const char* field : {"coupon", "group_buy"}) {
    if (auto it = body.find(field); it != body.end()) out.external.push_back({field, *it});
  }
  out.body = std::move(*parsed);
  return out;
}

Result<Reply> OrderCreation::create(const Request& req) {
  auto key = req.header("HTTP_IDEMPOTENCY_KEY");
  if (!key || key->empty()) {
    return bazaar::invalid_argument("IDEMPOTENCY_KEY_MISSING", "send an Idempotency-Key header");
  }
  if (!Idempotency::valid_key(*key)) {
    return bazaar::invalid_argument("BAD_IDEMPOTENCY_KEY", "Idempotency-Key is 1-64 of [A-Za-z0-9_.:-]");
  }
  auto input = parse(req.body());
  if (!input.ok()) return input.error();
  // The crowd of a sold-out sale is answered here, before any database work.
  if (input->flash_id && flash_.known_sold_out(*input->flash_id)) {
    host_.count("flash_sold_out_answers");
    return bazaar::conflict("SOLD_OUT", "the flash sale is sold out");
  }

  const int64_t user = req.identity().subject_id;
  const int64_t now = host_.now_ms();
  Attempt attempt;
  attempt.user_id = user;
  attempt.key = std::string(*key);
  // The same body, whatever its key order or spacing, hashes the same. Done
  // only past the sold-out gate: the crowd of a sold-out sale never pays for it.
  attempt.request_hash = sha256_hex(input->body.dump());
  attempt.order_id = host_.next_id(host_.shard_of(static_cast<uint64_t>(user)));
  attempt.token = next_token();
  for (const StockLine& line : input->lines) attempt.sku_ids.push_back(line.sku_id);
  attempt.now_ms = now;
  attempt.payment_deadline_ms = now + payment_timeout_ms_;

  auto verdict = idempotency_.begin(attempt, req.raw());
  if (!verdict.ok()) return verdict.error();
  if (verdict->kind != KeyVerdict::Kind::kProceed) return answer_from_key(*verdict);
  auto answer = run_attempt(req, *input, attempt);
  if (!answer.ok()) idempotency_.abandon(attempt);  // nothing of it stands: a retry runs again
  return answer;
}

Result<Reply> OrderCreation::answer_from_key(const KeyVerdict& verdict) {
  switch (verdict.kind) {
    case KeyVerdict::Kind::kMismatch:
      return bazaar::failed_precondition("IDEMPOTENCY_KEY_REUSED",
                                         "this Idempotency-Key was used with a different body");
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

Result<Reply> OrderCreation::run_attempt(const Request& req, const CreateOrderRequest& input,
                                         const Attempt& attempt) {
  Json facts = {{"user_id", id_text(attempt.user_id)}, {"item_count", input.lines.size()}};
  if (Status risk = participants_.risk_check(facts, req.raw()); !risk.ok()) return risk.error();

  // The order's payment_timeout timer commits with the first reservation: held
  // stock whose order never commits (a worker killed here) is released by it.
  // Undoing the reservation takes the timer back with it (and so does the
  // settlement that later confirms or releases it).
  Stock::FirstShardHooks timeout;
  timeout.on_reserve = [&attempt](bazaar::sdk::Txn& txn) {
    return Settlement::schedule_payment_timeout(txn, attempt.order_id, attempt.user_id,
                                                attempt.sku_ids, attempt.payment_deadline_ms);
  };
  timeout.on_end = [&attempt](bazaar::sdk::Txn& txn) {
    return Settlement::cancel_payment_timeout(txn, attempt.order_id);
  };
  auto reservation = stock_.reserve(attempt.order_id, attempt.user_id, input.lines, input.flash_id,
                                    timeout, req.raw());
  if (!reservation.ok()) {
    if (input.flash_id && reservation.error().code() == "SOLD_OUT") flash_.mark_sold_out(*input.flash_id);
    return reservation.error();
  }
  if (input.flash_id && reservation->flash_remaining == 0) flash_.mark_sold_out(*input.flash_id);
  failpoint(req, "orders.create.after_reserve");

  auto committed = commit_order(req, input, attempt, *reservation);
  if (!committed.ok() || committed->kind != KeyVerdict::Kind::kProceed) {
    // This attempt's order can never exist now: as if it had not reserved.
    auto restored = stock_.undo(attempt.order_id, attempt.sku_ids, timeout, req.raw());
    if (restored.ok()) {
      for (int64_t flash : *restored) flash_.mark_restocked(flash);
    } else {  // the payment_timeout timer releases them later
      host_.log(BZ_LOG_WARN, "undoing the stock of a failed order: " + restored.error().message());
    }
    if (!committed.ok()) return committed.error();
    return answer_from_key(*committed);  // another attempt with the key committed first
  }
  failpoint(req, "orders.create.after_commit");
  host_.count("orders_created");
  return Reply{201, std::move(committed->response), {}};
}

Result<KeyVerdict> OrderCreation::commit_order(const Request& req, const CreateOrderRequest& input,
                                               const Attempt& attempt, const Reservation& reservation) {
  Order order;
  order.id = attempt.order_id;
  order.user_id = attempt.user_id;
  order.merchant_id = reservation.lines.front().merchant_id;
  order.status = std::string(kPendingPayment);
  order.address = input.address;
  order.flash_id = input.flash_id;
  order.payment_deadline_ms = attempt.payment_deadline_ms;
  order.created_ms = order.updated_ms = attempt.now_ms;
  int line_no = 0;
  for (const PricedLine& line : reservation.lines) {
    if (line.merchant_id != order.merchant_id) {
      return bazaar::failed_precondition("MIXED_MERCHANTS", "one order sells the SKUs of one merchant");
    }
    OrderItem item;
    item.line = ++line_no;
    item.sku_id = line.sku_id;
    item.title = line.title;
    item.unit_price = line.unit_price;
    item.qty = line.qty;
    item.amount = line.unit_price * line.qty;
    item.paid_amount = item.amount;
    order.total += item.amount;
    order.items.push_back(std::move(item));
  }
  order.payable = order.total;

  failpoint(req, "orders.create.hold_before_commit");
  auto txn = host_.begin(host_.shard_of_id(order.id), BZ_TXN_WRITE, req.raw());
  if (!txn.ok()) return txn.error();
  auto keyed = Idempotency::record(*txn, attempt, 201);
  if (!keyed.ok()) return keyed.error();
  if (keyed->kind != KeyVerdict::Kind::kProceed) return keyed;  // rolls back
  // An attempt slower than its payment deadline finds its stock given back
  // and its id voided by the time-out: its order must never exist.
  auto voided = OrderStore::is_voided(*txn, order.id);
  if (!voided.ok()) return voided.error();
  if (*voided) {
    return bazaar::conflict("ATTEMPT_EXPIRED",
                            "this request outlived its payment deadline and changed nothing; retry");
  }
  auto tried = participants_.try_all(*txn, order, input.external, req.raw());
  if (!tried.ok()) return tried.error();
  int64_t discount = 0;
  for (const TriedParticipant& p : *tried) discount += p.discount;
  order.apply_discount(discount);

  const std::string actor = actor_of(req.identity());
  if (Status s = OrderStore::insert(*txn, order, actor, "created"); !s.ok()) return s.error();
  constexpr std::string_view kAddParticipant =
      "INSERT INTO orders_participants (order_id, seq, name, state, data) VALUES (?1, ?2, ?3, 'TRIED', ?4)";
  if (auto added = txn->exec(kAddParticipant, order.id, int64_t{1}, "stock", "{}"); !added.ok()) {
    return added.error();
  }
  int64_t seq = 1;
  for (const TriedParticipant& p : *tried) {
    if (auto added = txn->exec(kAddParticipant, order.id, ++seq, p.name, p.data.dump()); !added.ok()) {
      return added.error();
    }
  }
  KeyVerdict created;  // kProceed: this attempt's order, answered with `response`
  created.http_status = 201;
  created.response = order_json(order).dump();
  if (Status s = Idempotency::store_answer(*txn, order.id, 201, created.response); !s.ok()) {
    return s.error();
  }
  if (Status s = txn->publish("order.created.", {{"order_id", id_text(order.id)},
                                                 {"user_id", id_text(order.user_id)},
                                                 {"merchant_id", id_text(order.merchant_id)},
                                                 {"status", order.status},
                                                 {"total", order.total},
                                                 {"payable", order.payable}});
      !s.ok()) {
    return s.error();
  }
  // The buyer's cached first page now misses this order. (Its detail was
  // never cached: nobody could know the id before this commit.)
  txn->delete_after_commit(OrderStore::first_page_key(order.user_id));
  if (Status s = txn->commit(); !s.ok()) return s.error();
  return created;
}

}  // namespace orders
