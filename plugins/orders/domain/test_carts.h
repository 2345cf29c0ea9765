// Test helper (domain unit tests only): a cart priced by the base stage, as
// the stock participant would price it.
#pragma once

#include "domain/cart.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

namespace orders::testing {

struct TestLine {
  int64_t sku_id = 0;
  int64_t price = 0;  // fen
  int64_t qty = 0;
};

// Every line sold by merchant 7, titled "item <line>".
inline Cart priced_cart(const std::vector<TestLine>& lines) {
  std::vector<std::pair<int64_t, int64_t>> sku_qty;
  for (const TestLine& l : lines) sku_qty.push_back({l.sku_id, l.qty});
  Cart cart = Cart::of(sku_qty);
  PriceChange base;
  for (const CartLine& l : cart.lines()) {
    base.facts.push_back({l.line, 7, "item " + std::to_string(l.line)});
    base.unit_prices.push_back({l.line, Money::fen(lines[static_cast<size_t>(l.line) - 1].price)});
  }
  EXPECT_TRUE(cart.apply("stock", Stage::kBase, base).ok());
  return cart;
}

}  // namespace orders::testing
