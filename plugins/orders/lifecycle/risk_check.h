// The risk check of order creation: once the participant chain has priced
// the cart, the order's facts (domain/risk_facts.h) go to `risk.check` at
// evaluation point order.create, inside the order's transaction (the risk
// plugin may join it). No plugin offering risk.check: every order passes.
#pragma once

#include "domain/risk_facts.h"

#include "sdk_names.h"

#include <optional>

namespace orders {

class RiskCheck {
 public:
  explicit RiskCheck(bazaar::sdk::Host host) : host_(host) {}

  // nullopt: allowed. A hold: allowed pending review ({"decision":"review"}),
  // held as "risk_review" until released. 403 with the rule's code
  // (RISK_DENIED when it names none) for {"decision":"deny"}. An error of the
  // service itself stands: an order the check could not judge is not created.
  bazaar::Result<std::optional<Hold>> check_order(int64_t order_id, const Cart& cart, const Requester& who,
                                                  const std::optional<std::string>& coupon_code,
                                                  const bazaar::sdk::Txn* order_txn, const bz_request* req) const;

 private:
  bazaar::sdk::Host host_;
};

}  // namespace orders
