#include "domain/refund.h"

#include <algorithm>

namespace orders {

namespace {

constexpr size_t kMaxReason = 200;
constexpr size_t kMaxRefundLines = 50;

// A positive integer member (the upper limits of refunds depend on the order).
Result<int64_t> positive_int(const Json& object, const char* field, int64_t max, const char* code) {
  auto value = int_field(object, field, 1, max, code);
  if (value.ok()) return value;
  return bazaar::invalid_argument(code, std::string(field) + " must be a positive integer");
}

Error exceeds_paid(const std::string& message) {
  return bazaar::failed_precondition("REFUND_EXCEEDS_PAID", message);
}

// After refunding `lines`, is every line of `order` refunded in full?
bool completes(const Order& order, const std::vector<RefundLine>& lines) {
  for (const OrderItem& item : order.items) {
    int64_t qty = item.refunded_qty;
    Money amount = item.refunded_amount;
    for (const RefundLine& l : lines) {
      if (l.line == item.line) {
        qty += l.qty;
        amount += l.amount;
      }
    }
    if (qty != item.qty || amount != item.paid_amount) return false;
  }
  return true;
}

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
      line.amount = Money::fen(*amount);
    }
    out.lines.push_back(line);
  }
  return out;
}

Money default_refund_amount(const OrderItem& item, int64_t qty) {
  const Money money_left = item.paid_amount - item.refunded_amount;
  if (qty >= item.qty - item.refunded_qty) return money_left;  // the last unit takes the rest
  // floor(paid_amount * qty / item.qty) without forming the product: with
  // paid_amount = whole * item.qty + part, it is whole * qty + part * qty / item.qty,
  // where whole * qty < paid_amount (qty < item.qty) and part * qty < item.qty^2.
  const int64_t paid = item.paid_amount.in_fen();
  const int64_t whole = paid / item.qty;
  const int64_t part = paid % item.qty;
  const Money share = Money::fen(whole * qty + part * qty / item.qty);
  // Earlier refunds with amounts above their share can leave less than this share.
  return std::min(share, money_left);
}

Result<RefundPlan> plan_refund(const Order& order, const RefundRequest& request) {
  RefundPlan plan;
  for (const RefundLineRequest& want : request.lines) {
    auto item = std::find_if(order.items.begin(), order.items.end(),
                             [&](const OrderItem& i) { return i.line == want.line; });
    if (item == order.items.end()) {
      return bazaar::invalid_argument("BAD_LINE", "the order has no line " + std::to_string(want.line));
    }
    const int64_t qty_left = item->qty - item->refunded_qty;
    const Money money_left = item->paid_amount - item->refunded_amount;
    if (want.qty > qty_left) {
      return exceeds_paid("line " + std::to_string(want.line) + " has " + std::to_string(qty_left) +
                          " unit(s) left to refund");
    }
    const Money amount = want.amount ? *want.amount : default_refund_amount(*item, want.qty);
    if (amount > money_left) {
      return exceeds_paid("line " + std::to_string(want.line) + " has " +
                          std::to_string(money_left.in_fen()) + " left to refund");
    }
    plan.lines.push_back({item->line, item->sku_id, want.qty, amount});
    plan.total += amount;  // each <= paid_amount (<= 10^12), at most 50 lines: no overflow
  }
  plan.completes_order = completes(order, plan.lines);
  return plan;
}

RefundPlan plan_full_refund(const Order& order) {
  RefundPlan plan;
  for (const OrderItem& item : order.items) {
    const int64_t qty_left = item.qty - item.refunded_qty;
    const Money money_left = item.paid_amount - item.refunded_amount;
    if (qty_left == 0 && money_left == kZero) continue;
    plan.lines.push_back({item.line, item.sku_id, qty_left, money_left});
    plan.total += money_left;
  }
  plan.completes_order = true;
  return plan;
}

}  // namespace orders
