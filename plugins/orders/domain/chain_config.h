// The participant chain as configured: which request field names a
// participant, which participant serves it, and in which pricing stage
// (docs/PLUGINS.md, "The participant chain"). Set by
//
//   plugin.orders.participants = flash_sale_id=flash:activity group_buy=groupbuy:activity coupon=coupons:discount
//
// (the default): entries `field=participant:stage`, separated by spaces or
// commas, in chain order. The participant is a built-in one (`flash`) or the
// service prefix of a plugin (`coupons` → coupons.order_try, …). Stock is
// always the chain's first participant (the base stage: catalog prices) and
// is not configured.
#pragma once

#include "domain/cart.h"
#include "domain/values.h"

#include <string>
#include <string_view>
#include <vector>

namespace orders {

struct ChainEntry {
  std::string field;        // [a-z][a-z0-9_]{0,31}, not "items" or "address"
  std::string participant;  // [a-z][a-z0-9_]{0,63}, not "stock"
  Stage stage = Stage::kAfter;  // activity, discount or after
};

inline constexpr std::string_view kDefaultChain =
    "flash_sale_id=flash:activity group_buy=groupbuy:activity coupon=coupons:discount";

// Parses and checks the setting: every entry well formed, fields and
// participants unique, stages in pricing order (activity, then discount, then
// after). Errors (400 BAD_CONFIG) name the setting and the entry.
Result<std::vector<ChainEntry>> parse_chain(std::string_view text);

}  // namespace orders
