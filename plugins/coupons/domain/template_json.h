// A template's rules as JSON: the body a merchant sends to create or edit a
// template, and the same shape shown back. Parsed strictly at the edge into
// TemplateRules; nothing below sees the JSON tree.
//
//   {"name":"Spring sale","kind":"amount_off","threshold":10000,"amount":1000,
//    "scope":"skus","sku_ids":["7205759403792793600"],
//    "valid_from_ms":…,"valid_until_ms":…,      (or "valid_days":7)
//    "claim_from_ms":…,"claim_until_ms":…,
//    "total":1000,"per_user_limit":1,"stacks_with_activity":false,"refund_returns":false}
//
// percent_off has "percent" (an integer 1..99) and "cap" (required, fen)
// instead of "amount". The percent is a whole number because a promotion
// written "8.5折" is 15 % off: one decimal of 折 is a whole percent; basis
// points would only invite amounts nobody advertises. The cap is required
// so that what a percentage coupon can cost the merchant is bounded per
// order (the discount is also never more than the eligible lines cost).
//
// Times are UTC milliseconds; every window is half-open [from, until).
// Defaults: threshold 0 (none), scope "all", per_user_limit 1, both flags false.
#pragma once

#include "domain/coupon_template.h"

#include <bazaar/result.hpp>

#include <nlohmann/json.hpp>

namespace coupons {

using Json = nlohmann::json;

// The rules in `body`, or 400 INVALID_ARGUMENT with a stable code:
//   INVALID_BODY          not an object
//   UNKNOWN_FIELD         a member this shape does not have
//   FIELD_NOT_FOR_KIND    "amount" on percent_off, "percent"/"cap" on amount_off
//   INVALID_NAME          1..100 bytes, no control characters
//   INVALID_KIND          not "amount_off" / "percent_off"
//   INVALID_AMOUNT        amount not an integer 1..10^9 fen
//   INVALID_THRESHOLD     threshold not an integer 0..10^9 fen
//   INVALID_PERCENT       percent not an integer 1..99
//   INVALID_CAP           cap missing or not an integer 1..10^9 fen
//   INVALID_SCOPE         not "all"/"skus"/"all_but", or sku_ids missing, empty,
//                         repeated, or given with "all"
//   SCOPE_TOO_LARGE       more than 1000 SKU ids
//   INVALID_SKU_ID        an id that is not a positive integer (string or number)
//   INVALID_VALIDITY      neither or both of a fixed window and valid_days, or
//                         valid_days not 1..3650
//   INVALID_WINDOW        a time outside 0..9999-12-31, an end not after its
//                         start, or a claim window ending after a fixed validity
//   INVALID_QUANTITY      total not 1..10^8
//   INVALID_PER_USER_LIMIT  per_user_limit not 1..100
//   INVALID_FLAG          a flag that is not true/false
bazaar::Result<TemplateRules> parse_template_rules(const Json& body);

// The same shape parse_template_rules reads (ids as decimal strings).
Json to_json(const TemplateRules& rules);

// An edit (PATCH) of a template: the version the editor read, and the rules
// after the edit. The body is {"version":n, …} where the other members are a
// JSON Merge Patch (RFC 7396) of the rules as to_json shows them: a member
// replaces that field, null removes it, absent keeps it; e.g. switching to
// valid_days is {"version":3,"valid_from_ms":null,"valid_until_ms":null,
// "valid_days":7}. The merged rules are parsed by parse_template_rules (its
// codes), and:
//   INVALID_VERSION   version missing or not an integer ≥ 1
struct TemplateEdit {
  int64_t version = 0;
  TemplateRules rules;
};
bazaar::Result<TemplateEdit> parse_template_edit(const TemplateRules& current, const Json& body);

}  // namespace coupons
