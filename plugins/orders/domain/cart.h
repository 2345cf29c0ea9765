// The cart an order is priced from: its lines, and what each participant of
// the chain did to their prices (docs/PLUGINS.md, "The participant chain").
// Pricing runs in a fixed order of stages: the catalog's prices (base), then
// activity prices such as a flash sale or a group price, then discounts such
// as coupons, then anything after; each participant sees the amounts the ones
// before it left. Pure: unit-tested in cart_test.cc without a stack.
#pragma once

#include "domain/money.h"
#include "domain/order.h"
#include "domain/values.h"

#include <bazaar/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orders {

enum class Stage { kBase, kActivity, kDiscount, kAfter };
std::string_view to_string(Stage stage);
// "activity", "discount", "after" (the base stage belongs to the stock participant alone).
std::optional<Stage> parse_stage(std::string_view text);

struct CartLine {
  int line = 0;  // 1-based, in the order of the request
  int64_t sku_id = 0;
  int64_t qty = 0;
  int64_t merchant_id = 0;  // set by the base stage
  std::string title;        // set by the base stage
  Money unit_price;
  Money discount;  // Σ of every participant's share on this line

  Money amount() const { return unit_price.times(qty); }
  Money payable() const { return amount() - discount; }
};

// One participant's share of one line's discount: kept with the order, so a
// line says what it was charged and who took what off.
struct LineDiscount {
  int line = 0;
  std::string participant;
  Money amount;
};

// What one participant's try (or quote) does to the prices.
struct PriceChange {
  struct LineFacts {  // base stage only: what the catalog says of a line
    int line = 0;
    int64_t merchant_id = 0;
    std::string title;
  };
  struct LineAmount {
    int line = 0;
    Money amount;
  };
  std::vector<LineFacts> facts;
  // New unit prices: base and activity stages only, on lines no discount has
  // touched yet; at least 1 fen.
  std::vector<LineAmount> unit_prices;
  // The participant's discount: 0 ≤ discount ≤ what is left to pay on its lines.
  Money discount;
  // Its exact split over lines (must sum to `discount`); when empty, the
  // discount is apportioned over `eligible_lines` (every line when empty) in
  // proportion to their payable (apportion.h).
  std::vector<LineAmount> line_discounts;
  std::vector<int> eligible_lines;
};

class Cart {
 public:
  Cart() = default;
  // One line per (sku, qty), numbered from 1; prices come from the base stage.
  static Cart of(const std::vector<std::pair<int64_t, int64_t>>& sku_qty);

  const std::vector<CartLine>& lines() const { return lines_; }
  const std::vector<LineDiscount>& discounts() const { return discounts_; }
  Money total() const;
  Money discount() const;
  Money payable() const { return total() - discount(); }
  // The discount `participant` gave, over every line.
  Money discount_of(std::string_view participant) const;

  // Applies a participant's change after checking it against the contract
  // above; on any violation nothing changes and the error (500
  // PARTICIPANT_CONTRACT) names the participant. Every share stays between 0
  // and its line's payable, so the payable never goes below 0.
  bazaar::Status apply(std::string_view participant, Stage stage, const PriceChange& change);

  // The merchant selling every line; 422 MIXED_MERCHANTS when there are several.
  bazaar::Result<int64_t> single_merchant() const;

  // The priced lines as an order's items (nothing refunded yet).
  std::vector<OrderItem> items() const;

 private:
  CartLine* find(int line);
  std::vector<CartLine> lines_;
  std::vector<LineDiscount> discounts_;
};

// The lines as the preview shows them and participants receive them:
// [{"line","sku_id","title","qty","unit_price","amount","discount","payable"}].
Json lines_json(const Cart& cart);

}  // namespace orders
