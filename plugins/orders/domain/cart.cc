#include "domain/cart.h"

#include "domain/apportion.h"

#include <algorithm>
#include <set>

namespace orders {

namespace {

bazaar::Error broken(std::string_view participant, const std::string& what) {
  return {BZ_INTERNAL, "PARTICIPANT_CONTRACT",
          "participant " + std::string(participant) + " broke the pricing contract: " + what};
}

}  // namespace

std::string_view to_string(Stage stage) {
  switch (stage) {
    case Stage::kBase: return "base";
    case Stage::kActivity: return "activity";
    case Stage::kDiscount: return "discount";
    case Stage::kAfter: return "after";
  }
  return "unknown";
}

std::optional<Stage> parse_stage(std::string_view text) {
  if (text == "activity") return Stage::kActivity;
  if (text == "discount") return Stage::kDiscount;
  if (text == "after") return Stage::kAfter;
  return std::nullopt;
}

Cart Cart::of(const std::vector<std::pair<int64_t, int64_t>>& sku_qty) {
  Cart cart;
  int line = 0;
  for (const auto& [sku, qty] : sku_qty) {
    CartLine l;
    l.line = ++line;
    l.sku_id = sku;
    l.qty = qty;
    cart.lines_.push_back(std::move(l));
  }
  return cart;
}

Money Cart::total() const {
  Money sum;
  for (const CartLine& l : lines_) sum += l.amount();
  return sum;
}

Money Cart::discount() const {
  Money sum;
  for (const CartLine& l : lines_) sum += l.discount;
  return sum;
}

Money Cart::discount_of(std::string_view participant) const {
  Money sum;
  for (const LineDiscount& d : discounts_) {
    if (d.participant == participant) sum += d.amount;
  }
  return sum;
}

CartLine* Cart::find(int line) {
  if (line < 1 || static_cast<size_t>(line) > lines_.size()) return nullptr;
  return &lines_[static_cast<size_t>(line) - 1];
}

bazaar::Status Cart::apply(std::string_view participant, Stage stage, const PriceChange& change) {
  // Checked on a copy: a refused change leaves the cart as it was.
  Cart next = *this;
  for (const PriceChange::LineFacts& f : change.facts) {
    if (stage != Stage::kBase) return broken(participant, "only the base stage describes lines");
    CartLine* line = next.find(f.line);
    if (line == nullptr) return broken(participant, "no line " + std::to_string(f.line));
    line->merchant_id = f.merchant_id;
    line->title = f.title;
  }
  for (const PriceChange::LineAmount& p : change.unit_prices) {
    if (stage != Stage::kBase && stage != Stage::kActivity) {
      return broken(participant, "only base and activity stages set unit prices");
    }
    CartLine* line = next.find(p.line);
    if (line == nullptr) return broken(participant, "no line " + std::to_string(p.line));
    if (line->discount != kZero) {
      return broken(participant, "line " + std::to_string(p.line) + " is already discounted");
    }
    if (p.amount < Money::fen(1)) {
      return broken(participant, "unit price of line " + std::to_string(p.line) + " below 1 fen");
    }
    line->unit_price = p.amount;
  }
  if (change.discount < kZero) return broken(participant, "a negative discount");

  std::vector<PriceChange::LineAmount> shares = change.line_discounts;
  if (shares.empty() && change.discount > kZero) {
    std::vector<int> eligible = change.eligible_lines;
    if (eligible.empty()) {
      for (const CartLine& l : next.lines_) eligible.push_back(l.line);
    }
    std::vector<Money> weights;
    for (int n : eligible) {
      const CartLine* line = next.find(n);
      if (line == nullptr) return broken(participant, "no line " + std::to_string(n));
      weights.push_back(line->payable());
    }
    std::vector<Money> split = apportion(change.discount, weights);
    if (split.size() != eligible.size()) {
      return broken(participant, "a discount of " + std::to_string(change.discount.in_fen()) +
                                     " exceeds what is left to pay on its lines");
    }
    for (size_t i = 0; i < eligible.size(); ++i) shares.push_back({eligible[i], split[i]});
  }
  Money sum;
  std::set<int> seen;
  for (const PriceChange::LineAmount& s : shares) {
    CartLine* line = next.find(s.line);
    if (line == nullptr) return broken(participant, "no line " + std::to_string(s.line));
    if (!seen.insert(s.line).second) {
      return broken(participant, "line " + std::to_string(s.line) + " discounted twice");
    }
    if (s.amount < kZero || s.amount > line->payable()) {
      return broken(participant, "a share of " + std::to_string(s.amount.in_fen()) + " on line " +
                                     std::to_string(s.line) + ", which has " +
                                     std::to_string(line->payable().in_fen()) + " left to pay");
    }
    line->discount += s.amount;
    sum += s.amount;
    if (s.amount > kZero) next.discounts_.push_back({s.line, std::string(participant), s.amount});
  }
  if (sum != change.discount) {
    return broken(participant, "line shares sum to " + std::to_string(sum.in_fen()) + ", not the discount " +
                                   std::to_string(change.discount.in_fen()));
  }
  *this = std::move(next);
  return bazaar::ok_status();
}

bazaar::Result<int64_t> Cart::single_merchant() const {
  if (lines_.empty()) return bazaar::internal_error("an empty cart has no merchant");
  const int64_t merchant = lines_.front().merchant_id;
  for (const CartLine& l : lines_) {
    if (l.merchant_id != merchant) {
      return bazaar::failed_precondition("MIXED_MERCHANTS", "one order sells the SKUs of one merchant");
    }
  }
  return merchant;
}

std::vector<OrderItem> Cart::items() const {
  std::vector<OrderItem> items;
  items.reserve(lines_.size());
  for (const CartLine& l : lines_) {
    OrderItem item;
    item.line = l.line;
    item.sku_id = l.sku_id;
    item.title = l.title;
    item.unit_price = l.unit_price;
    item.qty = l.qty;
    item.amount = l.amount();
    item.discount = l.discount;
    item.paid_amount = l.payable();
    items.push_back(std::move(item));
  }
  return items;
}

Json lines_json(const Cart& cart) {
  Json lines = Json::array();
  for (const CartLine& l : cart.lines()) {
    lines.push_back({{"line", l.line},
                     {"sku_id", id_text(l.sku_id)},
                     {"title", l.title},
                     {"qty", l.qty},
                     {"unit_price", l.unit_price},
                     {"amount", l.amount()},
                     {"discount", l.discount},
                     {"payable", l.payable()}});
  }
  return lines;
}

}  // namespace orders
