// Participants that other plugins offer through host services: the request
// field `coupon` maps to service prefix `coupons` (configurable), whose
// `<prefix>.order_try` joins the order transaction and whose
// `<prefix>.order_confirm` / `<prefix>.order_cancel` run at settlement.
// docs/API.md, "Participant services", is the contract.
#pragma once

#include "order_model.h"

#include <string>
#include <vector>

namespace orders {

struct ExternalTry {
  std::string field;  // the request field, e.g. "coupon"
  Json value;         // its value as given
};

struct TriedParticipant {
  std::string name;  // service prefix
  int64_t discount = 0;
  Json data;
};

class Participants {
 public:
  explicit Participants(bazaar::sdk::Host host);

  // The request fields that name a participant ("coupon", "group_buy").
  static bool is_participant_field(std::string_view field);

  // Optional risk check before anything is reserved; absent plugin = allow.
  Status risk_check(const Json& facts, const bz_request* req) const;

  // Tries each in the order transaction; the discount of each is bounded by
  // what is left to pay. Unloaded plugin: 422 <FIELD>_NOT_SUPPORTED.
  Result<std::vector<TriedParticipant>> try_all(bazaar::sdk::Txn& txn, const Order& order,
                                                const std::vector<ExternalTry>& wanted,
                                                const bz_request* req) const;
  Status confirm(std::string_view name, const Json& input, const bz_request* req) const;
  Status cancel(std::string_view name, const Json& input, const bz_request* req) const;

 private:
  std::string prefix_for(std::string_view field) const;
  bazaar::sdk::Host host_;
};

}  // namespace orders
