#include "fulfilment.h"

#include "order_store.h"

#include <algorithm>

namespace orders {

namespace {

using bazaar::sdk::Reply;
using bazaar::sdk::Request;
using bazaar::sdk::Txn;

constexpr size_t kMaxShipField = 100;
constexpr size_t kMaxReason = 200;
constexpr size_t kMaxRefundLines = 50;
constexpr std::string_view kRestockTimer = "refund_restock";

Error order_not_found() { return bazaar::not_found("ORDER_NOT_FOUND", "no such order"); }

Error bad_status(std::string_view current, std::string_view wanted) {
  return bazaar::conflict("BAD_ORDER_STATUS",
                          "order is " + std::string(current) + ", not " + std::string(wanted));
}

Error exceeds_paid(const std::string& message) {
  return bazaar::failed_precondition("REFUND_EXCEEDS_PAID", message);
}

// only_fields names an unknown "amount" PRICE_NOT_ALLOWED (right for orders,
// wrong here, where prices are not the subject): every unknown field of these
// bodies is UNKNOWN_FIELD.
Status known_fields(const Json& object, std::initializer_list<std::string_view> allowed) {
  Status s = only_fields(object, allowed);
  if (s.ok() || s.error().code() == "UNKNOWN_FIELD") return s;
  for (const auto& [name, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return bazaar::invalid_argument("UNKNOWN_FIELD", "unknown field \"" + name.substr(0, 64) + "\"");
    }
  }
  return s;
}

// A positive integer member (the upper limits of refunds depend on the order).
Result<int64_t> positive_int(const Json& object, const char* field, int64_t max, const char* code) {
  auto value = int_field(object, field, 1, max, code);
  if (value.ok()) return value;
  return bazaar::invalid_argument(code, std::string(field) + " must be a positive integer");
}

// An optional body: empty, or a JSON object.
// An optional string member of at most kMaxShipField bytes ("" if absent).
Result<std::string> short_string(const Json& object, const char* field, const char* code) {
  auto it = object.find(field);
  if (it == object.end()) return std::string();
  if (!it->is_string() || it->get_ref<const std::string&>().size() > kMaxShipField) {
    return bazaar::invalid_argument(code, std::string(field) + " must be a string of at most " +
                                              std::to_string(kMaxShipField) + " bytes");
  }
  return it->get<std::string>();
}

// The order named by the path, in `txn`, if the caller sells it. Another
// merchant's order is not found, exactly as if it did not exist.
Result<Order> load_for_merchant(Txn& txn, int64_t order_id, const Request& req) {
  auto loaded = OrderStore::load(txn, order_id);
  if (!loaded.ok()) return loaded.error();
  if (!loaded->has_value() || (*loaded)->merchant_id != req.identity().subject_id) {
    return order_not_found();
  }
  return std::move(**loaded);
}

// The path's order id and its shard; 404 for anything that cannot name an order here.
struct OrderRef {
  int64_t id = 0;
  uint32_t shard = 0;
};
Result<OrderRef> order_ref(const bazaar::sdk::Host& host, const Request& req) {
  auto id = parse_id_text(req.param("id"));
  if (!id || req.identity().subject_id <= 0) return order_not_found();
  const uint32_t shard = host.shard_of_id(*id);
  if (shard >= host.shard_count()) return order_not_found();
  return OrderRef{*id, shard};
}

Result<Order> reload(Txn& txn, int64_t order_id) {
  auto loaded = OrderStore::load(txn, order_id);
  if (!loaded.ok()) return loaded.error();
  if (!loaded->has_value()) return bazaar::internal_error("order vanished inside its transaction");
  return std::move(**loaded);
}

Json event_payload(const Order& order) {
  return {{"order_id", id_text(order.id)},
          {"user_id", id_text(order.user_id)},
          {"merchant_id", id_text(order.merchant_id)},
          {"status", order.status}};
}

// One refund line resolved against the order.
struct RefundLine {
  const OrderItem* item = nullptr;
  int64_t qty = 0;
  int64_t amount = 0;
  std::string ref;  // the restock reference, "refund:<refund_id>:<line>"
};

}  // namespace

Result<RefundRequest> parse_refund_request(std::string_view body) {
  auto parsed = object_body(body);
  if (!parsed.ok()) return parsed.error();
  const Json& doc = *parsed;
  BAZAAR_RETURN_IF_ERROR(known_fields(doc, {"lines", "reason"}));

  RefundRequest out;
  auto reason = doc.find("reason");
  if (reason == doc.end() || !reason->is_string() || reason->get_ref<const std::string&>().empty() ||
      reason->get_ref<const std::string&>().size() > kMaxReason) {
    return bazaar::invalid_argument("BAD_REASON", "reason must be a string of 1 to " +
                                                      std::to_string(kMaxReason) + " bytes");
  }
  out.reason = reason->get<std::string>();

  auto lines = doc.find("lines");
  if (lines == doc.end() || !lines->is_array() || lines->empty() || lines->size() > kMaxRefundLines) {
    return bazaar::invalid_argument("BAD_LINES", "lines must be an array of 1 to " +
                                                     std::to_string(kMaxRefundLines) + " lines");
  }
  for (const Json& entry : *lines) {
    if (!entry.is_object()) return bazaar::invalid_argument("BAD_LINES", "each line must be an object");
    BAZAAR_RETURN_IF_ERROR(known_fields(entry, {"line", "qty", "amount"}));
    RefundLineRequest line;
    // A line number above INT32_MAX names no line either: BAD_LINE, like one that does not exist.
    auto number = positive_int(entry, "line", INT32_MAX, "BAD_LINE");
    if (!number.ok()) return number.error();
    line.line = static_cast<int>(*number);
    for (const RefundLineRequest& seen : out.lines) {
      if (seen.line == line.line) {
        return bazaar::invalid_argument("DUPLICATE_LINE",
                                        "line " + std::to_string(line.line) + " is given twice");
      }
    }
    // Upper limits depend on the order: more than what is left of the line is a 422 later.
    auto qty = positive_int(entry, "qty", INT64_MAX, "BAD_QTY");
    if (!qty.ok()) return qty.error();
    line.qty = *qty;
    if (entry.contains("amount")) {
      // 0 is allowed: the units go back without money (nothing left, or free).
      auto amount = int_field(entry, "amount", 0, INT64_MAX, "BAD_AMOUNT");
      if (!amount.ok()) return amount.error();
      line.amount = *amount;
    }
    out.lines.push_back(line);
  }
  return out;
}

int64_t default_refund_amount(const OrderItem& item, int64_t qty) {
  const int64_t money_left = item.paid_amount - item.refunded_amount;
  if (qty >= item.qty - item.refunded_qty) return money_left;  // the last unit takes the rest
  // floor(paid_amount * qty / item.qty) without forming the product: with
  // paid_amount = whole * item.qty + part, it is whole * qty + part * qty / item.qty,
  // where whole * qty < paid_amount (qty < item.qty) and part * qty < item.qty^2.
  const int64_t whole = item.paid_amount / item.qty;
  const int64_t part = item.paid_amount % item.qty;
  const int64_t share = whole * qty + part * qty / item.qty;
  // Earlier refunds with amounts above their share can leave less than this share.
  return std::min(share, money_left);
}

Result<Reply> Fulfilment::ship(const Request& req) {
  auto body = optional_object_body(req.body());
  if (!body.ok()) return body.error();
  BAZAAR_RETURN_IF_ERROR(known_fields(*body, {"carrier", "tracking"}));
  auto carrier = short_string(*body, "carrier", "BAD_CARRIER");
  if (!carrier.ok()) return carrier.error();
  auto tracking = short_string(*body, "tracking", "BAD_TRACKING");
  if (!tracking.ok()) return tracking.error();

  std::string reason = "shipped";
  Json extra = Json::object();
  if (!carrier->empty() || !tracking->empty()) {
    reason += ":" + *carrier + ":" + *tracking;
    extra = {{"carrier", *carrier}, {"tracking", *tracking}};
  }
  return move(req, kPaid, kShipped, "order.shipped.", reason, extra);
}

Result<Reply> Fulfilment::deliver(const Request& req) {
  auto body = optional_object_body(req.body());
  if (!body.ok()) return body.error();
  BAZAAR_RETURN_IF_ERROR(known_fields(*body, {}));
  return move(req, kShipped, kDelivered, "order.delivered.", "delivered", Json::object());
}

Result<Reply> Fulfilment::move(const Request& req, std::string_view from, std::string_view to,
                               std::string_view topic, const std::string& reason,
                               const Json& extra) {
  auto ref = order_ref(host_, req);
  if (!ref.ok()) return ref.error();
  auto txn = host_.begin(ref->shard, BZ_TXN_WRITE, req.raw());
  if (!txn.ok()) return txn.error();
  auto order = load_for_merchant(*txn, ref->id, req);
  if (!order.ok()) return order.error();
  if (order->status != from) return bad_status(order->status, from);

  const int64_t now = host_.now_ms();
  auto moved = OrderStore::transition(*txn, ref->id, from, to, actor_of(req.identity()), reason, now);
  if (!moved.ok()) return moved.error();
  // We hold the shard's write lock since the load, so this cannot lose a race; kept as the guard.
  if (!*moved) return bad_status(order->status, from);

  order->status = std::string(to);
  Json event = event_payload(*order);
  event.update(extra);
  BAZAAR_RETURN_IF_ERROR(txn->publish(topic, event));
  OrderStore::invalidate_after_commit(*txn, order->id, order->user_id);
  auto reloaded = reload(*txn, ref->id);
  if (!reloaded.ok()) return reloaded.error();
  BAZAAR_RETURN_IF_ERROR(txn->commit());
  return Reply::json(order_json(*reloaded));
}

Result<Reply> Fulfilment::refund(const Request& req) {
  auto wanted = parse_refund_request(req.body());
  if (!wanted.ok()) return wanted.error();
  auto ref = order_ref(host_, req);
  if (!ref.ok()) return ref.error();
  auto txn = host_.begin(ref->shard, BZ_TXN_WRITE, req.raw());
  if (!txn.ok()) return txn.error();
  auto order = load_for_merchant(*txn, ref->id, req);
  if (!order.ok()) return order.error();
  if (!is_paid_state(order->status)) return bad_status(order->status, "paid, shipped or delivered");

  // Resolve every line against what is left of it before writing anything. The
  // write lock is held since the load, so these figures are current; the
  // conditional UPDATEs below check them again in SQL all the same.
  std::vector<RefundLine> lines;
  int64_t total = 0;
  for (const RefundLineRequest& want : wanted->lines) {
    auto item = std::find_if(order->items.begin(), order->items.end(),
                             [&](const OrderItem& i) { return i.line == want.line; });
    if (item == order->items.end()) {
      return bazaar::invalid_argument("BAD_LINE", "the order has no line " + std::to_string(want.line));
    }
    const int64_t qty_left = item->qty - item->refunded_qty;
    const int64_t money_left = item->paid_amount - item->refunded_amount;
    if (want.qty > qty_left) {
      return exceeds_paid("line " + std::to_string(want.line) + " has " + std::to_string(qty_left) +
                          " unit(s) left to refund");
    }
    const int64_t amount = want.amount ? *want.amount : default_refund_amount(*item, want.qty);
    if (amount > money_left) {
      return exceeds_paid("line " + std::to_string(want.line) + " has " + std::to_string(money_left) +
                          " left to refund");
    }
    lines.push_back({&*item, want.qty, amount, {}});
    total += amount;  // each <= paid_amount (<= 10^12), at most 50 lines: no overflow
  }

  const int64_t now = host_.now_ms();
  const int64_t refund_id = host_.next_id(ref->shard);
  if (refund_id <= 0) return bazaar::internal_error("no id for the refund");
  const std::string actor = actor_of(req.identity());

  Json stored_lines = Json::array();
  Json timer_lines = Json::array();
  for (RefundLine& line : lines) {
    auto changed = txn->exec(
        "UPDATE orders_items SET refunded_qty = refunded_qty + ?1, "
        "refunded_amount = refunded_amount + ?2 "
        "WHERE order_id = ?3 AND line = ?4 AND refunded_qty + ?1 <= qty "
        "AND refunded_amount + ?2 <= paid_amount",
        line.qty, line.amount, order->id, int64_t{line.item->line});
    if (!changed.ok()) return changed.error();
    if (*changed == 0) {  // the Txn destructor rolls back every line already changed
      return exceeds_paid("line " + std::to_string(line.item->line) + " has less left to refund");
    }
    line.ref = "refund:" + id_text(refund_id) + ":" + std::to_string(line.item->line);
    stored_lines.push_back({{"line", line.item->line},
                            {"sku_id", id_text(line.item->sku_id)},
                            {"qty", line.qty},
                            {"amount", line.amount}});
    timer_lines.push_back(
        {{"sku_id", id_text(line.item->sku_id)}, {"qty", line.qty}, {"ref", line.ref}});
  }

  auto inserted = txn->exec(
      "INSERT INTO orders_refunds (id, order_id, amount, lines, reason, actor, created_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      refund_id, order->id, total, stored_lines.dump(), wanted->reason, actor, now);
  if (!inserted.ok()) return inserted.error();
  auto raised = txn->exec("UPDATE orders_orders SET refunded = refunded + ?1, updated_ms = ?2 WHERE id = ?3",
                          total, now, order->id);
  if (!raised.ok()) return raised.error();
  BAZAAR_RETURN_IF_ERROR(OrderStore::add_history(*txn, order->id, order->status, order->status, actor,
                                                 "refund:" + id_text(refund_id) + ":" +
                                                     std::to_string(total),
                                                 now));

  // Fully refunded when every line (requested or not) has nothing left.
  bool full = true;
  for (const OrderItem& item : order->items) {
    int64_t qty = item.refunded_qty;
    int64_t amount = item.refunded_amount;
    for (const RefundLine& line : lines) {
      if (line.item == &item) {
        qty += line.qty;
        amount += line.amount;
      }
    }
    full = full && qty == item.qty && amount == item.paid_amount;
  }
  std::string status = order->status;
  if (full) {
    auto moved = OrderStore::transition(*txn, order->id, order->status, kRefunded, actor, "refunded", now);
    if (!moved.ok()) return moved.error();
    if (!*moved) return bad_status(order->status, "paid, shipped or delivered");
    BAZAAR_RETURN_IF_ERROR(Settlement::schedule(*txn, order->id, now));
    status = std::string(kRefunded);
  }

  const Json timer_payload = {{"order_id", id_text(order->id)}, {"lines", timer_lines}};
  BAZAAR_RETURN_IF_ERROR(
      txn->schedule_timer(kRestockTimer, id_text(refund_id), now, timer_payload.dump()));
  Json event = event_payload(*order);
  event["status"] = status;
  event["refund_id"] = id_text(refund_id);
  event["amount"] = total;
  BAZAAR_RETURN_IF_ERROR(txn->publish("order.refunded.", event));
  OrderStore::invalidate_after_commit(*txn, order->id, order->user_id);
  auto reloaded = reload(*txn, order->id);
  if (!reloaded.ok()) return reloaded.error();
  BAZAAR_RETURN_IF_ERROR(txn->commit());

  // Committed: the rest is best effort, the timers (restock, settle) finish what fails here.
  for (const RefundLine& line : lines) {
    Status restocked = stock_.restock(line.ref, line.item->sku_id, line.qty, req.raw());
    if (!restocked.ok()) {
      host_.log(BZ_LOG_WARN, "refund " + id_text(refund_id) + ": restock " + line.ref +
                                 " left to its timer: " + restocked.error().message());
    }
  }
  if (full) {
    Status settled = settlement_.settle(order->id, req.raw());
    if (!settled.ok()) {
      host_.log(BZ_LOG_WARN, "order " + id_text(order->id) + ": settlement after refund left to its timer: " +
                                 settled.error().message());
    }
  }
  return Reply::created({{"refund_id", id_text(refund_id)},
                         {"order_id", id_text(order->id)},
                         {"amount", total},
                         {"order", order_json(*reloaded)}});
}

Status Fulfilment::on_restock_timer(const bazaar::sdk::Timer& timer) {
  // Parse every line first: a payload this code did not write can never
  // succeed, so it is logged and dropped instead of retried for ever.
  struct Move {
    std::string ref;
    int64_t sku_id = 0;
    int64_t qty = 0;
  };
  std::vector<Move> moves;
  const Json payload = Json::parse(timer.payload(), nullptr, /*allow_exceptions=*/false);
  bool valid = payload.is_object() && payload.contains("lines") && payload["lines"].is_array();
  if (valid) {
    for (const Json& line : payload["lines"]) {
      if (!line.is_object() || !line.contains("sku_id") || !line.contains("ref") ||
          !line["ref"].is_string()) {
        valid = false;
        break;
      }
      auto sku = parse_id(line["sku_id"], "sku_id", "BAD_TIMER_PAYLOAD");
      auto qty = int_field(line, "qty", 1, INT64_MAX, "BAD_TIMER_PAYLOAD");
      if (!sku.ok() || !qty.ok()) {
        valid = false;
        break;
      }
      moves.push_back({line["ref"].get<std::string>(), *sku, *qty});
    }
  }
  if (!valid) {
    host_.log(BZ_LOG_ERROR, "refund_restock timer " + std::string(timer.key()) +
                                " dropped: malformed payload " +
                                std::string(timer.payload().substr(0, 200)));
    return bazaar::ok_status();
  }

  Status first = bazaar::ok_status();
  for (const Move& pending : moves) {
    // Every line gets its chance on each run; the first failure makes the host retry them all
    // (the lines already done are no-ops by their ref).
    Status done = stock_.restock(pending.ref, pending.sku_id, pending.qty, nullptr);
    if (!done.ok() && first.ok()) first = done;
  }
  return first;
}

}  // namespace orders
