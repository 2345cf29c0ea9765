// A coupon a user holds, and its state machine:
//
//                lock (order try)          confirm (order paid)
//   ┌────────▶ UNUSED ───────────────▶ LOCKED ───────────────▶ USED
//   │            │   ◀───────────────   │                        │
//   │            │   cancel, time-out   │ cancel once the        │
//   │            │   (still valid)      │ validity has ended     │
//   │            ▼                      ▼                        │
//   │          EXPIRED ◀────────────────┘                        │
//   │   (the sweep; shown from the moment the validity ends)     │
//   └────────────────────────────────────────────────────────────┘
//     full refund, when the template has refund_returns and the coupon is still valid
//
// LOCKED → UNUSED on cancel, or → EXPIRED when its validity ended meanwhile.
// UNUSED → EXPIRED by the sweep, and *shows* EXPIRED from the moment its
// validity ends, before any sweep has written it. A partial refund keeps it
// USED. Pure: the lifecycle turns each move into one conditional update.
#pragma once

#include "domain/coupon_template.h"
#include "domain/discount.h"

#include <optional>
#include <span>
#include <string_view>

namespace coupons {

enum class CouponStatus { kUnused, kLocked, kUsed, kExpired };
std::string_view to_string(CouponStatus status);  // "UNUSED", "LOCKED", "USED", "EXPIRED"
std::optional<CouponStatus> parse_coupon_status(std::string_view text);

struct Coupon {
  int64_t id = 0;
  int64_t template_id = 0;
  int64_t user_id = 0;
  CouponStatus status = CouponStatus::kUnused;  // as stored
  int64_t claimed_ms = 0;
  Window validity;  // the template's ValidityRule::for_claim_at(claimed_ms), kept with the coupon
};

// The coupon `user_id` gets by claiming `tmpl` at `claimed_ms` (ids are the caller's).
Coupon claim_coupon(int64_t id, const CouponTemplate& tmpl, int64_t user_id, int64_t claimed_ms);

// The status as shown at `now_ms`: an UNUSED coupon past its validity is EXPIRED.
CouponStatus shown_status(const Coupon& coupon, int64_t now_ms);

enum class CouponMove {
  kLock,        // an order's try
  kConfirm,     // the order is paid
  kCancel,      // the order was cancelled, timed out or never committed
  kExpire,      // the sweep, or a read past its validity
  kFullRefund,  // every line of the order was refunded
};

// The status `coupon` goes to by `move` at `now_ms`, or nullopt when the
// move does not apply from its status (or, for kLock, kExpire, its validity
// does not allow it). A status equal to the stored one means nothing to
// write: a full refund of a template without refund_returns keeps it USED.
std::optional<CouponStatus> status_after(const Coupon& coupon, CouponMove move, int64_t now_ms,
                                         bool refund_returns);

// Why `coupon` cannot pay an order of `user_id` at `now_ms` (kNone when it can):
// another user's coupon is kNotFound; LOCKED, USED, EXPIRED and not yet valid
// say so. The cart is not looked at (quote_coupon does that).
Refusal usability(const Coupon& coupon, int64_t user_id, int64_t now_ms);

// usability, then quote_discount of its template on `lines`.
Quote quote_coupon(const Coupon& coupon, const CouponTemplate& tmpl, int64_t user_id,
                   std::span<const PricedLine> lines, int64_t now_ms);

}  // namespace coupons
